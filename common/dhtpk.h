/*
 * The DHT-PK announcement (map §5.3), the payload a friend sends to tell
 * us its current DHT key and where to look for it, by onion data or by a
 * DHT request (0x20, id 0x9c):
 *
 *	0x9c || no_replay u64 BE || sender DHT pk 32 || 0..4 packed nodes
 *
 * The nodes may be TCP relays (families 130/138: c-toxcore puts up to two
 * of its connected relays first) or UDP DHT nodes.  no_replay must grow
 * per friend; c-toxcore uses Unix seconds, and so must we (gotcha 9).  A
 * friend's announcement is friend data: it is parsed in chatd, never in
 * keyd (rule 4).  Pure: no I/O, no clock, no crypto.
 */
#ifndef BULKHEAD_COMMON_DHTPK_H
#define BULKHEAD_COMMON_DHTPK_H

#include <stddef.h>
#include <stdint.h>

#include "common/packed_node.h"

#define DHTPK_ID		0x9c
#define DHTPK_NODES_MAX		4
#define DHTPK_MIN_LEN		(1 + 8 + PN_PK_LEN)			/* 41 */
#define DHTPK_MAX_LEN		(DHTPK_MIN_LEN + DHTPK_NODES_MAX * PN_SIZE_V6)

struct dhtpk {
	uint64_t		no_replay;
	uint8_t			dht_pk[PN_PK_LEN];
	uint8_t			n;
	struct packed_node	nodes[DHTPK_NODES_MAX];
};

/* Writes the announcement, id byte first; returns its length or -1 (more
 * than four nodes, a bad family, or no room). */
int	dhtpk_pack(const struct dhtpk *, uint8_t *out, size_t cap);
/*
 * Reads one (id byte first).  The nodes must fill the rest exactly: a
 * partial node or a fifth one refuses the whole announcement, as does an
 * unknown family.  Returns 0, or -1 and *out is not to be trusted.
 */
int	dhtpk_parse(const uint8_t *data, size_t len, struct dhtpk *out);

#endif
