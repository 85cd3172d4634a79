/*
 * Several hosts, each with an address of its own, inside the test's
 * private namespace (netns_private first).  Neither tox-bootstrapd,
 * libtoxcore nor bulkhead can bind one address of several on lo: each
 * binds the wildcard, and a reply leaves from whichever address the peer
 * wrote to, so every node would look like the same host.  Here every host
 * is a network namespace of its own whose eth0 (a veth) carries its one
 * address and whose other end is on a bridge in the test's namespace: a
 * small switched LAN that nothing outside the test can see.
 *
 * A socket belongs to the namespace its process was in when it was made,
 * and a child starts in its parent's: a test enters a host to start a
 * node there (fork and exec, or tox_new in this process) and leaves again.
 */
#ifndef BULKHEAD_TEST_NETBRIDGE_H
#define BULKHEAD_TEST_NETBRIDGE_H

#define NETBRIDGE_HOSTS	8

struct netbridge {
	int	home;			/* the test's namespace */
	int	n;
	int	host[NETBRIDGE_HOSTS];	/* each host's namespace */
	char	addr[NETBRIDGE_HOSTS][16];
};

/* Makes the bridge in the current namespace.  0, or -1 (printed why). */
int	netbridge_init(struct netbridge *);
/*
 * A new host whose eth0 has addr/24 (for example 198.18.0.2: not LAN to
 * c-toxcore) and lo up.  Returns its number, or -1 (printed why).
 */
int	netbridge_host(struct netbridge *, const char *addr);
/* Moves this process into host h's namespace, or back home.  0, or -1. */
int	netbridge_enter(struct netbridge *, int h);
int	netbridge_leave(struct netbridge *);
/*
 * Whether host h's neighbour table (ARP) holds addr: h has exchanged
 * packets with that host directly.  1, 0, or -1 (printed why).
 */
int	netbridge_neighbour(struct netbridge *, int h, const char *addr);
/* Closes the namespaces (they go once their last socket closes). */
void	netbridge_free(struct netbridge *);

#endif
