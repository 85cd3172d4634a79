/*
 * Feeding bootstrap nodes lists into the DHT.  A list arrives as a
 * descriptor: a file the user named or a sealed memfd of a fetch (from the
 * supervisor), or keyd's cached file; it is read without blocking in the
 * event loop (or at once, for a file) up to the parser's bound.  Each good
 * node goes to the bootstrap callback.  netd writes no list anywhere: what
 * keyd caches comes from the supervisor, byte for byte what fetchd got.
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
	/* a node with TCP relay ports (NULL: none wanted) */
	void	(*relay)(const struct nodes_entry *, void *arg);
	void	*arg;
};

void	nodes_feed_init(const struct nodes_feed_ops *);
/* Takes ownership of fd; reads it to EOF, feeds it, then calls done (if
 * not NULL) with the number of nodes used (0: nothing usable). */
void	nodes_feed_fd(int fd, enum nodes_source,
	    void (*done)(int used, void *arg), void *arg);
/* Feeds a list already in memory.  Returns the nodes used. */
int	nodes_feed_buf(const char *, size_t, enum nodes_source);

#endif
