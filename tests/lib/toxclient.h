/*
 * A libtoxcore client for the interop tests, in the test's own process:
 * no LAN discovery, no IPv6, its own port range, told of one node only.
 * It keeps the friend requests it is sent and its connection status, and
 * does nothing unless the test iterates it.  Its UDP socket is made in
 * the network namespace the process is in at toxclient_start.
 */
#ifndef BULKHEAD_TEST_TOXCLIENT_H
#define BULKHEAD_TEST_TOXCLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <tox/tox.h>

#define TOXCLIENT_REQS	4		/* requests kept; later ones counted */

struct toxclient_req {
	uint8_t		pk[TOX_PUBLIC_KEY_SIZE];
	size_t		len;
	uint8_t		msg[TOX_MAX_FRIEND_REQUEST_LENGTH];
};

struct toxclient {
	Tox			*tox;
	char			 name[16];	/* for the test's messages */
	uint8_t			 pk[TOX_PUBLIC_KEY_SIZE];
	char			 pk_hex[2 * TOX_PUBLIC_KEY_SIZE + 1];
	char			 address_hex[2 * TOX_ADDRESS_SIZE + 1];
	TOX_CONNECTION		 conn;		/* as last reported */
	size_t			 nreq;		/* callbacks seen */
	struct toxclient_req	 req[TOXCLIENT_REQS];
};

/*
 * Starts one on ports [port, port + 1] that knows only the node at
 * host:node_port with DHT key node_key_hex.  0, or -1 (printed why).
 */
int	toxclient_start(struct toxclient *, const char *name, int port,
	    const char *host, int node_port, const char *node_key_hex);
void	toxclient_stop(struct toxclient *);
/* One tox_iterate; returns the interval libtoxcore asks for, in ms. */
int	toxclient_iterate(struct toxclient *);
/* The request from pk, or NULL if none came. */
const struct toxclient_req *toxclient_request_from(const struct toxclient *,
	    const uint8_t pk[TOX_PUBLIC_KEY_SIZE]);
/* Sends a friend request to the Tox ID in hex.  0, or -1 (printed why). */
int	toxclient_add(struct toxclient *, const char *address_hex,
	    const char *msg);

#endif
