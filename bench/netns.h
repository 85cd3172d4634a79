/*
 * The bench's own network namespace: made with ip(8), entered by the
 * process that runs the nodes, and removed afterwards with whatever is
 * still running in it.  Its only address is BENCH_ADDR.
 */
#ifndef BULKHEAD_BENCH_NETNS_H
#define BULKHEAD_BENCH_NETNS_H

/* RFC 2544's benchmark range: not a LAN range to c-toxcore or bulkhead. */
#define BENCH_ADDR	"198.18.0.1"

int	netns_create(const char *name);
/* Runs ip(8) with the arguments given (NULL-terminated); 0 if it exits 0,
 * else -1 (printed why). */
int	netns_ip(const char *first, ...);
int	netns_enter(const char *name);
/* Ends every process in it (TERM, then KILL) and deletes it. */
int	netns_remove(const char *name);

#endif
