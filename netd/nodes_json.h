/*
 * Parsing a bootstrap nodes list in the nodes.tox.chat JSON format:
 *
 *   {"nodes": [{"ipv4": "1.2.3.4", "ipv6": "-", "port": 33445,
 *     "tcp_ports": [443, 3389], "public_key": "<64 hex>", ...}, ...]}
 *
 * The list comes from the internet (or a file the user chose) and is
 * parsed in netd only.  Addresses must be literals: netd never resolves a
 * name, so a node given by host name is skipped and counted.  Unknown
 * members are ignored; a node with a bad key or port is skipped; a list
 * that is not this shape at all is an error.
 */
#ifndef BULKHEAD_NETD_NODES_JSON_H
#define BULKHEAD_NETD_NODES_JSON_H

#include <stddef.h>
#include <stdint.h>

#define NODES_JSON_MAX_BYTES	(2 * 1024 * 1024)
#define NODES_JSON_MAX_NODES	512
#define NODES_JSON_MAX_TCP	8

struct nodes_entry {
	uint8_t		pk[32];
	int		has_v4, has_v6;
	uint8_t		v4[4];
	uint8_t		v6[16];
	uint16_t	port;		/* UDP */
	uint16_t	tcp_ports[NODES_JSON_MAX_TCP];
	int		ntcp;
	int		udp_up;		/* status_udp, true when absent */
};

struct nodes_list {
	struct nodes_entry	nodes[NODES_JSON_MAX_NODES];
	int			n;
	int			skipped;	/* malformed or by name */
};

/* Returns 0 and fills list (possibly with n == 0), or -1 with a reason. */
int	nodes_json_parse(const char *, size_t, struct nodes_list *,
	    char *err, size_t errsz);

#endif
