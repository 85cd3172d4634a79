/* The DHT-PK announcement: see dhtpk.h. */
#include <string.h>

#include "common/dhtpk.h"
#include "common/rd.h"

int
dhtpk_pack(const struct dhtpk *a, uint8_t *out, size_t cap)
{
	struct wr	w;
	unsigned	i;

	if (a->n > DHTPK_NODES_MAX)
		return -1;
	wr_init(&w, out, cap);
	wr_u8(&w, DHTPK_ID);
	wr_u64(&w, a->no_replay);
	wr_bytes(&w, a->dht_pk, sizeof(a->dht_pk));
	for (i = 0; i < a->n; i++)
		packed_node_pack(&w, &a->nodes[i]);
	return wr_ok(&w) ? (int)w.len : -1;
}

int
dhtpk_parse(const uint8_t *data, size_t len, struct dhtpk *a)
{
	struct rd	r;
	uint8_t		id;

	memset(a, 0, sizeof(*a));
	if (len < DHTPK_MIN_LEN || len > DHTPK_MAX_LEN)
		return -1;
	rd_init(&r, data, len);
	rd_u8(&r, &id);
	rd_u64(&r, &a->no_replay);
	rd_bytes(&r, a->dht_pk, sizeof(a->dht_pk));
	if (id != DHTPK_ID)
		return -1;
	while (rd_left(&r) > 0 && a->n < DHTPK_NODES_MAX)
		if (packed_node_unpack(&r, &a->nodes[a->n++], 1) == -1)
			return -1;
	return rd_done(&r) ? 0 : -1;
}
