/*
 * A network namespace of the test's own: every packet a test sends stays
 * in it.  As root a plain new namespace; otherwise one inside a new user
 * namespace, where the test is root enough to configure it.
 */
#ifndef BULKHEAD_TEST_NETNS_H
#define BULKHEAD_TEST_NETNS_H

#include <sys/types.h>

/*
 * Moves the calling process into a new network namespace with lo up and,
 * if addr is not NULL, addr/32 on lo as well (for example 198.18.0.1, the
 * RFC 2544 benchmark range: not LAN to c-toxcore, which reports UDP only
 * with a non-LAN node).  Returns 0, or -1 (printed why).
 */
int	netns_private(const char *addr);

/*
 * A second namespace joined to the caller's by a veth pair: the caller's
 * end "bhv0" with outer/24, the new one's "bhv1" with inner/24, IPv6 off
 * on both (no router or neighbour solicitations: every packet there is
 * one a test put there).  A child process holds it.  Returns an fd of
 * the namespace (for setns) and the holder's pid in *holder, or -1.
 */
int	netns_inner(const char *outer, const char *inner, pid_t *holder);
/* Runs sh -c cmd inside the holder's namespace; the exit status or -1. */
int	netns_exec(pid_t holder, const char *cmd);

#endif
