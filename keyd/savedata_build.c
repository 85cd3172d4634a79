/* Savedata writing: see savedata.h. */
#include <string.h>

#include "common/rd.h"
#include "keyd/savedata.h"

#define SECTION_HDR	8

static size_t
nodes_size(const struct packed_node *n, size_t count)
{
	size_t	i, sz = 0;

	for (i = 0; i < count; i++)
		sz += packed_node_size(&n[i]);
	return sz;
}

size_t
savedata_size(const struct profile *p)
{
	size_t	sz, i;

	sz = 8;						/* header */
	sz += SECTION_HDR + SAVEDATA_KEYS_SIZE;
	sz += SECTION_HDR + 4 + SECTION_HDR +
	    nodes_size(p->dht_nodes, p->ndht_nodes);
	sz += SECTION_HDR + p->nfriends * SAVEDATA_FRIEND_SIZE;
	sz += SECTION_HDR + p->name_len;
	sz += SECTION_HDR + p->status_msg_len;
	sz += SECTION_HDR + 1;
	sz += SECTION_HDR + nodes_size(p->tcp_relays, p->ntcp_relays);
	sz += SECTION_HDR + nodes_size(p->path_nodes, p->npath_nodes);
	sz += SECTION_HDR + p->conferences_len;
	for (i = 0; i < p->nextra; i++)
		sz += SECTION_HDR + p->extra[i].len;
	sz += SECTION_HDR;				/* end */
	return sz;
}

static void
section(struct wr *w, uint16_t type, size_t len)
{
	if (len > UINT32_MAX) {
		w->bad = 1;
		return;
	}
	wr_u32le(w, (uint32_t)len);
	wr_u16le(w, type);
	wr_u16le(w, SAVEDATA_COOKIE);
}

static void
put_nodes(struct wr *w, const struct packed_node *n, size_t count, int tcp_ok)
{
	size_t	i;

	for (i = 0; i < count; i++) {
		/* Written only if it would read back: the same rule as parse. */
		if (!packed_node_family_ok(n[i].family, tcp_ok))
			w->bad = 1;
		packed_node_pack(w, &n[i]);
	}
}

/* A value of len bytes in a slot of size bytes, zero-filled. */
static void
put_slot(struct wr *w, const uint8_t *v, size_t len, size_t size)
{
	if (len > size) {
		w->bad = 1;
		return;
	}
	wr_bytes(w, v, len);
	wr_zero(w, size - len);
}

static void
put_friend(struct wr *w, const struct profile_friend *f)
{
	wr_u8(w, f->status);
	wr_bytes(w, f->pk, sizeof(f->pk));
	put_slot(w, f->request, f->request_len, sizeof(f->request));
	wr_zero(w, 1);
	wr_u16(w, f->request_len);
	put_slot(w, f->name, f->name_len, sizeof(f->name));
	wr_u16(w, f->name_len);
	put_slot(w, f->status_msg, f->status_msg_len, sizeof(f->status_msg));
	wr_zero(w, 1);
	wr_u16(w, f->status_msg_len);
	wr_u8(w, f->userstatus);
	wr_zero(w, 3);
	wr_bytes(w, f->nospam, sizeof(f->nospam));
	wr_u64(w, f->last_seen);
}

static int
extra_ok(const struct profile *p)
{
	size_t	i;

	for (i = 0; i < p->nextra; i++) {
		switch (p->extra[i].type) {
		case SD_NOSPAMKEYS: case SD_DHT: case SD_FRIENDS:
		case SD_NAME: case SD_STATUSMSG: case SD_STATUS:
		case SD_TCP_RELAYS: case SD_PATH_NODES: case SD_CONFERENCES:
		case SD_END:
			return 0;	/* would not read back as "unknown" */
		default:
			break;
		}
	}
	return 1;
}

size_t
savedata_build(const struct profile *p, uint8_t *out, size_t cap)
{
	struct wr	w;
	size_t		i, sz;

	sz = savedata_size(p);
	if (cap < sz || !extra_ok(p) || p->name_len > sizeof(p->name) ||
	    p->status_msg_len > sizeof(p->status_msg) ||
	    p->userstatus >= USERSTATUS_MAX)
		return 0;
	wr_init(&w, out, cap);
	wr_u32le(&w, 0);
	wr_u32le(&w, SAVEDATA_MAGIC);

	section(&w, SD_NOSPAMKEYS, SAVEDATA_KEYS_SIZE);
	wr_bytes(&w, p->nospam, sizeof(p->nospam));
	wr_bytes(&w, p->pk, sizeof(p->pk));
	wr_bytes(&w, p->vault->sk, sizeof(p->vault->sk));

	section(&w, SD_DHT, 4 + SECTION_HDR +
	    nodes_size(p->dht_nodes, p->ndht_nodes));
	wr_u32le(&w, SAVEDATA_DHT_MAGIC);
	wr_u32le(&w, (uint32_t)nodes_size(p->dht_nodes, p->ndht_nodes));
	wr_u16le(&w, SAVEDATA_DHT_NODES);
	wr_u16le(&w, SAVEDATA_DHT_COOKIE);
	put_nodes(&w, p->dht_nodes, p->ndht_nodes, 0);

	section(&w, SD_FRIENDS, p->nfriends * SAVEDATA_FRIEND_SIZE);
	for (i = 0; i < p->nfriends; i++)
		put_friend(&w, &p->friends[i]);

	section(&w, SD_NAME, p->name_len);
	wr_bytes(&w, p->name, p->name_len);
	section(&w, SD_STATUSMSG, p->status_msg_len);
	wr_bytes(&w, p->status_msg, p->status_msg_len);
	section(&w, SD_STATUS, 1);
	wr_u8(&w, p->userstatus);

	section(&w, SD_TCP_RELAYS, nodes_size(p->tcp_relays, p->ntcp_relays));
	put_nodes(&w, p->tcp_relays, p->ntcp_relays, 1);
	section(&w, SD_PATH_NODES, nodes_size(p->path_nodes, p->npath_nodes));
	put_nodes(&w, p->path_nodes, p->npath_nodes, 0);
	section(&w, SD_CONFERENCES, p->conferences_len);
	wr_bytes(&w, p->conferences, p->conferences_len);

	for (i = 0; i < p->nextra; i++) {
		section(&w, p->extra[i].type, p->extra[i].len);
		wr_bytes(&w, p->extra[i].data, p->extra[i].len);
	}
	section(&w, SD_END, 0);

	if (!wr_ok(&w) || wr_len(&w) != sz)
		return 0;
	return sz;
}
