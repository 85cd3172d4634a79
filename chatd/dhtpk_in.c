/* chatd's side of DHT-PK: see dhtpk_in.h. */
#include <string.h>

#include "chatd/dhtpk_in.h"
#include "chatd/friend_ops.h"
#include "common/log.h"

unsigned long	dhtpk_in_accepted, dhtpk_in_refused;

static struct chan	*to_keyd;

int
dhtpk_in_accept(struct friends *fs, const struct ipc_friend_dhtpk_in *in,
    struct dhtpk *a, const char **why)
{
	struct friend	*f;
	int		 n;

	if (dhtpk_parse(in->data, in->len, a) == -1) {
		*why = "malformed";
		return -1;
	}
	if ((n = friends_find(fs, in->pk)) == -1 ||
	    (f = friends_get(fs, (unsigned)n)) == NULL || f->pending) {
		*why = "not from a friend";
		return -1;
	}
	/* c-toxcore's rule: strictly newer than the last accepted */
	if (a->no_replay <= f->dhtpk_last) {
		*why = "a replay";
		return -1;
	}
	/* by the DHT, the sender's DHT key is the one it announces */
	if (in->route == DHTPK_ROUTE_DHT &&
	    memcmp(in->outer_pk, a->dht_pk, sizeof(a->dht_pk)) != 0) {
		*why = "the DHT key inside is not the sender's";
		return -1;
	}
	f->dhtpk_last = a->no_replay;
	memcpy(f->dht_pk, a->dht_pk, sizeof(f->dht_pk));
	f->has_dht = 1;
	return n;
}

void
dhtpk_in_offline(struct friend *f)
{
	f->dhtpk_last = 0;
}

void
dhtpk_in_tell(const uint8_t pk[TOX_PK_LEN], uint8_t state)
{
	struct ipc_friend_net	f;
	uint8_t			buf[IPC_FRIEND_NET_LEN];
	struct wr		w;

	if (to_keyd == NULL || !to_keyd->open)
		return;
	memcpy(f.pk, pk, sizeof(f.pk));
	f.state = state;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_net(&w, &f);
	(void)chan_send_wr(to_keyd, IPC_FRIEND_NET, 0, &w);
}

static int
on_dhtpk_in(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_friend_dhtpk_in	in;
	struct ipc_friend_dht			out;
	struct dhtpk				a;
	const char				*why;
	uint8_t					buf[IPC_FRIEND_DHT_MAX];
	struct wr				w;
	unsigned				i;
	int					n;

	if (ipc_unpack_friend_dhtpk_in(r, &in) == -1)
		return -1;
	if ((n = dhtpk_in_accept(friend_ops_friends(), &in, &a, &why)) ==
	    -1) {
		dhtpk_in_refused++;
		log_debug("DHT-PK refused: %s", why);
		return 0;
	}
	dhtpk_in_accepted++;
	memset(&out, 0, sizeof(out));
	memcpy(out.pk, in.pk, sizeof(out.pk));
	memcpy(out.dht_pk, a.dht_pk, sizeof(out.dht_pk));
	/* UDP nodes for the DHT, TCP relays for netd's relay client */
	for (i = 0; i < a.n; i++)
		if (packed_node_family_ok(a.nodes[i].family, 1))
			out.nodes[out.n++] = a.nodes[i];
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_dht(&w, &out);
	(void)chan_send_wr(to_keyd, IPC_FRIEND_DHT_LEARNED, 0, &w);
	log_debug("DHT-PK of friend %d accepted (%s route, %u nodes)", n,
	    in.route == DHTPK_ROUTE_DHT ? "DHT" : "onion", out.n);
	return 0;
}

void
dhtpk_in_relays(unsigned number, const struct packed_node *nodes, size_t n)
{
	struct ipc_friend_dht	 out;
	struct friend		*f;
	uint8_t			 buf[IPC_FRIEND_DHT_MAX];
	struct wr		 w;
	size_t			 i;

	if ((f = friends_get(friend_ops_friends(), number)) == NULL ||
	    !f->has_dht || to_keyd == NULL || !to_keyd->open)
		return;
	memset(&out, 0, sizeof(out));
	memcpy(out.pk, f->pk, sizeof(out.pk));
	memcpy(out.dht_pk, f->dht_pk, sizeof(out.dht_pk));
	for (i = 0; i < n && out.n < DHTPK_NODES_MAX; i++)
		if (nodes[i].family == PN_TCP4 || nodes[i].family == PN_TCP6)
			out.nodes[out.n++] = nodes[i];
	if (out.n == 0)
		return;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_dht(&w, &out);
	(void)chan_send_wr(to_keyd, IPC_FRIEND_DHT_LEARNED, 0, &w);
}

static const struct chan_handler from_keyd_rows[] = {
	{ IPC_FRIEND_DHTPK_IN,	0,	on_dhtpk_in },
};
const struct chan_table dhtpk_in_from_keyd = {
	CHAN_ROWS(from_keyd_rows), NULL
};

void
dhtpk_in_init(struct chan *keyd)
{
	to_keyd = keyd;
}
