/* keyd's DHT-PK operations: see dhtpk_ops.h. */
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "common/dhtpk.h"
#include "common/log.h"
#include "ipc/msg_core.h"
#include "ipc/msg_dhtpk.h"
#include "keyd/dhtpk_ops.h"
#include "keyd/profile_dispatch.h"

struct dhtpk_ops_stats	dhtpk_ops_stats;

static struct chan	*netd, *chatd;

static struct profile *
unlocked(void)
{
	struct identity	*id = keyd_profile_identity();

	return id != NULL ? id->prof : NULL;
}

static const char *
need_profile(struct chan *c, const struct ipc_msg *m)
{
	return unlocked() != NULL ? NULL : "no profile is unlocked";
}

/* A friend stored in the profile; never our own key. */
#define is_friend(p, pk)	profile_has_friend((p), (pk))

static int
to_netd(uint32_t type, struct wr *w)
{
	if (netd == NULL || !netd->open)
		return -1;
	return chan_send_wr(netd, type, 0, w);
}

/* chatd's rows: on to netd, for friends only. */

static int
on_friend_net(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_friend_net	f;
	uint8_t			buf[IPC_FRIEND_NET_LEN];
	struct wr		w;

	if (ipc_unpack_friend_net(r, &f) == -1)
		return -1;
	/* a removed friend is no longer in the profile: let "gone" pass */
	if (f.state != FRIEND_NET_GONE && !is_friend(unlocked(), f.pk)) {
		dhtpk_ops_stats.relay_refused++;
		return 0;
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_net(&w, &f);
	if (to_netd(IPC_ONION_FRIEND, &w) == 0)
		dhtpk_ops_stats.relayed++;
	return 0;
}

static int
on_dht_learned(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_friend_dht	f;
	uint8_t			buf[IPC_FRIEND_DHT_MAX];
	struct wr		w;

	if (ipc_unpack_friend_dht(r, &f) == -1)
		return -1;
	if (!is_friend(unlocked(), f.pk)) {
		dhtpk_ops_stats.relay_refused++;
		return 0;
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_dht(&w, &f);
	if (to_netd(IPC_ONION_FRIEND_DHT, &w) == 0)
		dhtpk_ops_stats.relayed++;
	return 0;
}

/* netd's rows. */

/*
 * Our announcement for one friend.  keyd builds the payload: the nonce
 * and no_replay are its own, netd names the friend (who must be one) and
 * gives what is public anyway (our DHT key, nodes we know).  The plain
 * text starts with 0x9c and is 41 + 39a + 51b bytes (a + b <= 4): never
 * the 232 bytes of a handshake's, and no other box under our real key
 * starts with that id, so netd gets nothing it could pass off as
 * anything but a DHT-PK from us.
 */
static int
on_seal(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_dhtpk_seal	s;
	struct ipc_dhtpk_sealed	out;
	struct dhtpk		a;
	struct profile		*p = unlocked();
	uint8_t			plain[DHTPK_MAX_LEN];
	uint8_t			key[crypto_box_BEFORENMBYTES];
	uint8_t			buf[IPC_DHTPK_SEALED_MAX];
	struct wr		w;
	const char		*why = NULL;
	int			n = -1, k;

	if (ipc_unpack_dhtpk_seal(r, &s) == -1)
		return -1;
	memset(&a, 0, sizeof(a));
	a.no_replay = (uint64_t)time(NULL);
	memcpy(a.dht_pk, s.f.dht_pk, sizeof(a.dht_pk));
	a.n = s.f.n;
	memcpy(a.nodes, s.f.nodes, sizeof(a.nodes));
	memset(&out, 0, sizeof(out));
	out.route = s.route;
	randombytes_buf(out.nonce, sizeof(out.nonce));
	if (!is_friend(p, s.f.pk))
		why = "that key is not a friend";
	else if ((k = dhtpk_pack(&a, plain, sizeof(plain))) == -1)
		why = "those fields do not make an announcement";
	else if (crypto_box_beforenm(key, s.f.pk, p->vault->sk) != 0)
		why = "that key cannot be written to";
	else if (s.route == DHTPK_ROUTE_ONION) {
		/* the id byte is the onion data id */
		n = onion_data_seal(key, p->pk, out.nonce, plain[0],
		    plain + 1, (size_t)k - 1, out.sealed, sizeof(out.sealed));
	} else {
		/* sender real pk || nonce || box, c-toxcore's
		 * send_dht_dhtpk */
		memcpy(out.sealed, p->pk, ONION_PK_LEN);
		memcpy(out.sealed + ONION_PK_LEN, out.nonce, ONION_NONCE_LEN);
		if (crypto_box_easy_afternm(out.sealed + ONION_PK_LEN +
		    ONION_NONCE_LEN, plain, (size_t)k, out.nonce, key) == 0)
			n = ONION_PK_LEN + ONION_NONCE_LEN + ONION_MAC_LEN + k;
	}
	sodium_memzero(key, sizeof(key));
	if (n == -1) {
		dhtpk_ops_stats.seal_refused++;
		chan_reply_error(c, m->hdr.id, IPC_ERR_INVALID,
		    why != NULL ? why : "the announcement does not seal");
		return 0;
	}
	out.len = (uint16_t)n;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_dhtpk_sealed(&w, &out);
	chan_send_wr(c, IPC_ONION_DHTPK_SEALED, m->hdr.id, &w);
	dhtpk_ops_stats.sealed++;
	return 0;
}

/* Hands an opened announcement to chatd, which parses it. */
static void
to_chatd(uint8_t route, const uint8_t sender[ONION_PK_LEN],
    const uint8_t *outer, const uint8_t *plain, size_t len)
{
	static struct ipc_friend_dhtpk_in	in;
	uint8_t					buf[IPC_FRIEND_DHTPK_IN_MAX];
	struct wr				w;

	if (len < DHTPK_MIN_LEN || len > DHTPK_MAX_LEN) {
		dhtpk_ops_stats.in_malformed++;
		return;
	}
	memset(&in, 0, sizeof(in));
	in.route = route;
	memcpy(in.pk, sender, sizeof(in.pk));
	if (outer != NULL)
		memcpy(in.outer_pk, outer, sizeof(in.outer_pk));
	in.len = (uint16_t)len;
	memcpy(in.data, plain, len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_dhtpk_in(&w, &in);
	if (chatd == NULL || !chatd->open ||
	    chan_send_wr(chatd, IPC_FRIEND_DHTPK_IN, 0, &w) == -1)
		dhtpk_ops_stats.in_undelivered++;
	else
		dhtpk_ops_stats.in_passed++;
}

void
dhtpk_ops_onion_in(const uint8_t sender[ONION_PK_LEN],
    const struct onion_data *d)
{
	uint8_t	plain[DHTPK_MAX_LEN];

	if (unlocked() == NULL || !is_friend(unlocked(), sender)) {
		dhtpk_ops_stats.in_stranger++;
		return;
	}
	if ((size_t)d->len + 1 > sizeof(plain)) {
		dhtpk_ops_stats.in_malformed++;
		return;
	}
	plain[0] = d->id;
	memcpy(plain + 1, d->data, d->len);
	to_chatd(DHTPK_ROUTE_ONION, sender, NULL, plain, (size_t)d->len + 1);
}

static int
on_dht_in(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_dhtpk_in	in;
	struct profile			*p = unlocked();
	uint8_t				key[crypto_box_BEFORENMBYTES];
	uint8_t				plain[DHTPK_MAX_LEN];
	int				rv = -1;

	if (ipc_unpack_dhtpk_in(r, &in) == -1)
		return -1;
	if (!is_friend(p, in.sender_pk)) {
		dhtpk_ops_stats.in_stranger++;
		return 0;
	}
	if (crypto_box_beforenm(key, in.sender_pk, p->vault->sk) == 0)
		rv = crypto_box_open_easy_afternm(plain, in.box, in.boxlen,
		    in.nonce, key);
	sodium_memzero(key, sizeof(key));
	if (rv != 0) {
		dhtpk_ops_stats.in_unopened++;
		return 0;
	}
	to_chatd(DHTPK_ROUTE_DHT, in.sender_pk, in.outer_pk, plain,
	    in.boxlen - ONION_MAC_LEN);
	return 0;
}

static const struct chan_handler from_netd_rows[] = {
	{ IPC_ONION_DHTPK_SEAL,		CH_GATED,	on_seal },
	{ IPC_ONION_DHTPK_IN,		CH_GATED,	on_dht_in },
};
const struct chan_table dhtpk_ops_from_netd = {
	CHAN_ROWS(from_netd_rows), need_profile
};

static const struct chan_handler from_chatd_rows[] = {
	{ IPC_FRIEND_NET,		CH_GATED,	on_friend_net },
	{ IPC_FRIEND_DHT_LEARNED,	CH_GATED,	on_dht_learned },
};
const struct chan_table dhtpk_ops_from_chatd = {
	CHAN_ROWS(from_chatd_rows), need_profile
};

void
dhtpk_ops_init(struct chan *n, struct chan *c)
{
	netd = n;
	chatd = c;
}

/*
 * A new netd knows no friend: every stored one is searched for again,
 * as offline.  (Online state is chatd's to say; nobody is online before
 * the net_crypto connection exists.)
 */
void
dhtpk_ops_netd_up(void)
{
	struct profile		*p = unlocked();
	struct ipc_friend_net	 f;
	uint8_t			 buf[IPC_FRIEND_NET_LEN];
	struct wr		 w;
	size_t			 i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nfriends; i++) {
		if (!is_friend(p, p->friends[i].pk))
			continue;
		memcpy(f.pk, p->friends[i].pk, sizeof(f.pk));
		f.state = FRIEND_NET_OFFLINE;
		wr_init(&w, buf, sizeof(buf));
		ipc_pack_friend_net(&w, &f);
		if (to_netd(IPC_ONION_FRIEND, &w) == -1)
			return;
	}
}
