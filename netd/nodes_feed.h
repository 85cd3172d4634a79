/*
 * Feeding bootstrap nodes lists into the DHT.  A list arrives as a
 * descriptor from the supervisor (a file the user named, or fetchd's
 * pipe), read without blocking in the event loop up to the parser's bound,
 * or as bytes (keyd's cache).  Each good node goes to the bootstrap
 * callback; a fetched list that parsed is re-serialised for keyd's cache.
 */
#ifndef BULKHEAD_NETD_NODES_FEED_H
#define BULKHEAD_NETD_NODES_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/ipc.h"
#include "netd/nodes_json.h"

struct nodes_feed_ops {
	/* a node to bootstrap from (UDP; addresses are literals) */
	void	(*bootstrap)(const struct nodes_entry *, void *arg);
	/* bytes for keyd's cache (compact JSON) */
	void	(*save)(const uint8_t *, size_t, void *arg);
	void	*arg;
};

void	nodes_feed_init(const struct nodes_feed_ops *);
/* Takes ownership of fd; reads it to EOF in the loop, then feeds. */
void	nodes_feed_fd(int fd, enum nodes_source);
/* Feeds a list already in memory (keyd's cache).  Returns nodes used. */
int	nodes_feed_buf(const char *, size_t, enum nodes_source);

#endif
