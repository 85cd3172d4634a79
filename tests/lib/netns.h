/*
 * A network namespace of the test's own: every packet a test sends stays
 * in it.  As root a plain new namespace; otherwise one inside a new user
 * namespace, where the test is root enough to configure it.
 */
#ifndef BULKHEAD_TEST_NETNS_H
#define BULKHEAD_TEST_NETNS_H

/*
 * Moves the calling process into a new network namespace with lo up and,
 * if addr is not NULL, addr/32 on lo as well (for example 198.18.0.1, the
 * RFC 2544 benchmark range: not LAN to c-toxcore, which reports UDP only
 * with a non-LAN node).  Returns 0, or -1 (printed why).
 */
int	netns_private(const char *addr);

#endif
