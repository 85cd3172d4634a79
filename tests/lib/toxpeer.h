/*
 * A libtoxcore client for the interop tests: its own port range, no LAN
 * discovery, no IPv6, bootstrapped from one node; it records the friend
 * requests it receives.  Driven by the test's own loop (toxpeer_run),
 * which also reads a bulkhead session's output so neither side stalls
 * while the other is waited for.
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
	uint8_t			 pk[TOX_PUBLIC_KEY_SIZE];
	char			 pk_hex[2 * TOX_PUBLIC_KEY_SIZE + 1];
	char			 address_hex[2 * TOX_ADDRESS_SIZE + 1];
	size_t			 nreq;		/* callbacks seen */
	struct toxpeer_req	 req[TOXPEER_REQS];
};

/*
 * Starts a client on ports [port, port + 1] that knows only the node at
 * host:node_port with DHT key node_key_hex.  0, or -1 (printed why).
 */
int	toxpeer_start(struct toxpeer *, int port, const char *host,
	    int node_port, const char *node_key_hex);
void	toxpeer_stop(struct toxpeer *);
/* One tox_iterate; returns the interval libtoxcore asks for, in ms. */
int	toxpeer_iterate(struct toxpeer *);

/*
 * Iterates the np peers and keeps reading the nb sessions' output (their
 * events go to each b->events) until done(arg) is nonzero or timeout_ms
 * has passed.  Returns done's last answer; with done NULL it runs the
 * whole time and returns 0.
 */
int	toxpeer_run(struct toxpeer *const *, size_t np, struct bh *const *,
	    size_t nb, int timeout_ms, int (*done)(void *), void *arg);

#endif
