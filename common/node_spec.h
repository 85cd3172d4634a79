/*
 * A bootstrap node as the user writes it: HOST:PORT:KEY (--bootstrap, the
 * config file, the session's bootstrap command), or its three words.  HOST
 * is an IP literal, IPv6 bare or in brackets (netd resolves no names);
 * PORT is 1 to 65535; KEY is the node's DHT public key in 64 hex digits.
 * One grammar for the supervisor (which checks it before anything starts),
 * netd (which uses it) and the frontend.
 */
#ifndef BULKHEAD_NODE_SPEC_H
#define BULKHEAD_NODE_SPEC_H

#include <stddef.h>

#include "common/packed_node.h"

/*
 * Splits HOST:PORT:KEY from the right (an IPv6 address has colons of its
 * own) into NUL-terminated words; brackets around HOST are dropped.
 * Returns 0, or -1 if a part is missing or does not fit.
 */
int	node_spec_split(const char *, char *host, size_t hostsz, char *port,
	    size_t portsz, char *key, size_t keysz);
/* The three words as a UDP node; -1 with what is wrong in *why. */
int	node_spec_from(const char *host, const char *port, const char *key,
	    struct packed_node *, const char **why);
/* node_spec_split, then node_spec_from. */
int	node_spec_parse(const char *, struct packed_node *, const char **why);

#endif
