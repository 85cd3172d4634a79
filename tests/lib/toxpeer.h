/*
 * The one libtoxcore client for the interop tests, in the test's own
 * process: its own port range, no LAN discovery, no IPv6, told of one
 * node only.  It keeps the friend requests it is sent (sender and text)
 * and its connection status as last reported, and does nothing unless
 * the test iterates it: one step at a time (toxpeer_iterate) or until a
 * condition or deadline while reading bulkhead sessions' output
 * (toxpeer_run), so neither side stalls while the other is waited for.
 * Its UDP socket is made in the network namespace the process is in at
 * toxpeer_start.
 */
#ifndef BULKHEAD_TEST_TOXPEER_H
#define BULKHEAD_TEST_TOXPEER_H

#include <stddef.h>
#include <stdint.h>
#include <tox/tox.h>

#include "tests/lib/bh.h"

#define TOXPEER_REQS	8		/* requests kept; more are counted */

struct toxpeer_req {
	uint8_t		pk[TOX_PUBLIC_KEY_SIZE];
	size_t		len;
	uint8_t		msg[TOX_MAX_FRIEND_REQUEST_LENGTH];
};

struct toxpeer {
	Tox			*tox;
	char			 name[16];	/* for the test's messages */
	uint8_t			 pk[TOX_PUBLIC_KEY_SIZE];
	char			 pk_hex[2 * TOX_PUBLIC_KEY_SIZE + 1];
	char			 address_hex[2 * TOX_ADDRESS_SIZE + 1];
	TOX_CONNECTION		 conn;		/* as last reported */
	size_t			 nreq;		/* callbacks seen */
	struct toxpeer_req	 req[TOXPEER_REQS];
};

/*
 * Starts a client called name on ports [port, port + 1] that knows only
 * the node at host:node_port with DHT key node_key_hex.  0, or -1
 * (printed why).
 */
int	toxpeer_start(struct toxpeer *, const char *name, int port,
	    const char *host, int node_port, const char *node_key_hex);
/* Kills the client if it runs; harmless on a zeroed or stopped one. */
void	toxpeer_stop(struct toxpeer *);
/* One tox_iterate; returns the interval libtoxcore asks for, in ms. */
int	toxpeer_iterate(struct toxpeer *);
/* The first kept request from pk, or NULL if none came. */
const struct toxpeer_req *toxpeer_request_from(const struct toxpeer *,
	    const uint8_t pk[TOX_PUBLIC_KEY_SIZE]);
/*
 * Sends a friend request with text msg to the Tox ID addr.  0, or -1
 * (printed libtoxcore's error).
 */
int	toxpeer_add(struct toxpeer *, const uint8_t addr[TOX_ADDRESS_SIZE],
	    const char *msg);

/*
 * Iterates the np peers and keeps reading the nb sessions' output (their
 * events go to each b->events) until done(arg) is nonzero or timeout_ms
 * has passed.  Returns done's last answer; with done NULL it runs the
 * whole time and returns 0.
 */
int	toxpeer_run(struct toxpeer *const *, size_t np, struct bh *const *,
	    size_t nb, int timeout_ms, int (*done)(void *), void *arg);
/* Conditions for toxpeer_run, arg a struct toxpeer: */
int	toxpeer_has_request(void *);	/* a request came */
int	toxpeer_on_udp(void *);		/* connected over UDP */

#endif
