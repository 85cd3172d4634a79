/*
 * The "packed node" of the Tox protocol: family (1) || IP (4 or 16, network
 * order) || port (2, BE) || public key (32), 39 or 51 bytes.  Used in DHT
 * nodes responses, announce responses, DHT-PK announcements, SHARE_RELAYS
 * and savedata.  TCP families are legal only in some of those places, so
 * the caller says whether they are allowed.
 */
#ifndef BULKHEAD_PACKED_NODE_H
#define BULKHEAD_PACKED_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "common/rd.h"

#define PN_UDP4		2
#define PN_UDP6		10
#define PN_TCP4		130
#define PN_TCP6		138

#define PN_PK_LEN	32
#define PN_SIZE_V4	(1 + 4 + 2 + PN_PK_LEN)		/* 39 */
#define PN_SIZE_V6	(1 + 16 + 2 + PN_PK_LEN)	/* 51 */

struct packed_node {
	uint8_t		family;		/* PN_* */
	uint8_t		ip[16];		/* IPv4 in ip[0..3], rest zero */
	uint16_t	port;		/* host order */
	uint8_t		pk[PN_PK_LEN];
};

/* 1 if family is one of the four, TCP ones only when tcp_ok. */
int	packed_node_family_ok(uint8_t family, int tcp_ok);
/* 4 for IPv4 families, 16 for IPv6 ones, 0 for anything else. */
size_t	packed_node_ip_len(uint8_t family);
/* Wire size of n: 39 or 51 (0 for a bad family). */
size_t	packed_node_size(const struct packed_node *n);
/* Reads one node; -1 (and r->bad) if short or the family is not allowed. */
int	packed_node_unpack(struct rd *r, struct packed_node *n, int tcp_ok);
/* Writes one node; sets w->bad for a bad family. */
void	packed_node_pack(struct wr *w, const struct packed_node *n);
/*
 * Counts the nodes that fill data[0..len) exactly, without storing them.
 * Returns the count, or -1 if a node is short or has a refused family.
 */
long	packed_nodes_count(const uint8_t *data, size_t len, int tcp_ok);

#endif
