/* keyd's onion operations: see onion_ops.h. */
#include <string.h>

#include <sodium.h>

#include "common/announce_client.h"
#include "common/log.h"
#include "common/onion_data.h"
#include "ipc/msg_core.h"
#include "ipc/msg_friend.h"
#include "ipc/msg_onion.h"
#include "keyd/onion_ops.h"
#include "keyd/profile_dispatch.h"

struct onion_ops_stats	onion_ops_stats;

static struct chan	*netd, *chatd;

/* The last requesters passed on to chatd, oldest overwritten first. */
static struct {
	uint8_t	pk[TOX_PK_LEN];
} recent[ONION_OPS_RECENT_REQUESTERS];
static size_t		nrecent, recent_next;

static struct profile *
unlocked(void)
{
	struct identity	*id = keyd_profile_identity();

	return id != NULL ? id->prof : NULL;
}

/* Every row: nothing to do with the onion before there is a key. */
static const char *
need_profile(struct chan *c, const struct ipc_msg *m)
{
	return unlocked() != NULL ? NULL : "no profile is unlocked";
}

/*
 * The key the long-term secret key shares with pk, into key (wiped by the
 * caller).  -1 for a key that gives no secret (a low-order point): a
 * hostile peer's or netd's choice, never worth a box.
 */
static int
shared_with(const struct profile *p, const uint8_t pk[TOX_PK_LEN],
    uint8_t key[crypto_box_BEFORENMBYTES])
{
	return crypto_box_beforenm(key, pk, p->vault->sk) == 0 ? 0 : -1;
}

static int	is_friend(const struct profile *, const uint8_t *);

/*
 * A box under the key our real key shares with someone else's real key is
 * what friends accept as from us (onion data, handshakes).  The announce
 * node is netd's choice, so keyd makes sure an announce it seals cannot
 * pass for such a box, and that it opens no such box as a "response":
 *  - no announce to or from our own key or a friend's;
 *  - a ping id (netd's bytes, first in the plain text) whose first byte
 *    is an onion-data id c-toxcore handles (0x20 friend request, 0x9c
 *    DHT-PK) is refused: with it, a 104-byte announce plain text sealed
 *    for anyone's real key reads as a friend request from us with text
 *    netd chose.  Real ping ids are MACs: 2 in 256 are lost, and the
 *    node gives a new one within its 300 s window.
 */
static const char *
node_refused(const struct profile *p, const uint8_t node_pk[TOX_PK_LEN])
{
	if (is_friend(p, node_pk))
		return "that is our own or a friend's key, not a node's";
	return NULL;
}

static int
on_announce_seal(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_onion_announce_seal		s;
	struct ipc_onion_announce_sealed	out;
	struct announce_req			q;
	struct profile				*p = unlocked();
	uint8_t					key[crypto_box_BEFORENMBYTES];
	uint8_t					nonce[ONION_NONCE_LEN];
	uint8_t					buf[IPC_ONION_ANNOUNCE_SEALED_LEN];
	struct wr				w;
	const char				*why;

	if (ipc_unpack_onion_announce_seal(r, &s) == -1)
		return -1;
	why = node_refused(p, s.node_pk);
	if (s.ping_id[0] == ONION_DATA_ID_FRIEND_REQ ||
	    s.ping_id[0] == ONION_DATA_ID_DHTPK)
		why = "that ping id could pass for onion data";
	if (why != NULL) {
		onion_ops_stats.announces_refused++;
		chan_reply_error(c, m->hdr.id, IPC_ERR_INVALID, why);
		return 0;
	}
	if (shared_with(p, s.node_pk, key) == -1) {
		onion_ops_stats.announces_refused++;
		chan_reply_error(c, m->hdr.id, IPC_ERR_INVALID,
		    "the node's key is not usable");
		return 0;
	}
	/* netd names the node and echoes its own fields; what we announce
	 * (our key) and the nonce are keyd's choice */
	memcpy(q.ping_id, s.ping_id, sizeof(q.ping_id));
	memcpy(q.search_pk, p->pk, sizeof(q.search_pk));
	memcpy(q.data_pk, s.data_pk, sizeof(q.data_pk));
	memcpy(q.sendback, s.sendback, sizeof(q.sendback));
	randombytes_buf(nonce, sizeof(nonce));
	announce_req_build(key, p->pk, nonce, &q, out.pkt);
	sodium_memzero(key, sizeof(key));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_announce_sealed(&w, &out);
	chan_send_wr(c, IPC_ONION_ANNOUNCE_SEALED, m->hdr.id, &w);
	onion_ops_stats.announces_sealed++;
	return 0;
}

static int
on_announce_open(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_onion_announce_open	o;
	struct ipc_onion_announce_opened	out;
	struct announce_resp			ar;
	struct profile				*p = unlocked();
	uint8_t					key[crypto_box_BEFORENMBYTES];
	uint8_t					buf[IPC_ONION_ANNOUNCE_OPENED_MAX];
	struct wr				w;
	int					rv = -1;

	if (ipc_unpack_onion_announce_open(r, &o) == -1)
		return -1;
	if (node_refused(p, o.node_pk) == NULL &&
	    shared_with(p, o.node_pk, key) == 0)
		rv = announce_resp_open(key, o.pkt, o.len, &ar);
	sodium_memzero(key, sizeof(key));
	if (rv == -1) {
		/* a stranger's packet: refused, the channel stays */
		onion_ops_stats.announces_refused++;
		chan_reply_error(c, m->hdr.id, IPC_ERR_INVALID,
		    "the announce response does not open");
		return 0;
	}
	memset(&out, 0, sizeof(out));
	out.is_stored = ar.is_stored;
	memcpy(out.field, ar.field, sizeof(out.field));
	out.n = ar.n;
	memcpy(out.nodes, ar.nodes, sizeof(out.nodes));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_announce_opened(&w, &out);
	chan_send_wr(c, IPC_ONION_ANNOUNCE_OPENED, m->hdr.id, &w);
	onion_ops_stats.announces_opened++;
	return 0;
}

static int
is_friend(const struct profile *p, const uint8_t *pk)
{
	size_t	i;

	if (memcmp(pk, p->pk, TOX_PK_LEN) == 0)
		return 1;	/* ourselves: not a stranger asking */
	for (i = 0; i < p->nfriends; i++)
		if (p->friends[i].status != FRIEND_NONE &&
		    memcmp(p->friends[i].pk, pk, TOX_PK_LEN) == 0)
			return 1;
	return 0;
}

static int
is_recent(const uint8_t pk[TOX_PK_LEN])
{
	size_t	i;

	for (i = 0; i < nrecent; i++)
		if (memcmp(recent[i].pk, pk, TOX_PK_LEN) == 0)
			return 1;
	return 0;
}

static void
remember(const uint8_t pk[TOX_PK_LEN])
{
	memcpy(recent[recent_next].pk, pk, TOX_PK_LEN);
	recent_next = (recent_next + 1) % ONION_OPS_RECENT_REQUESTERS;
	if (nrecent < ONION_OPS_RECENT_REQUESTERS)
		nrecent++;
}

/*
 * A friend request (id 0x20): nospam 4 || text.  Checked here because
 * only keyd knows the nospam and the friends; chatd dedupes further and
 * parses the text (rule 4).
 */
static void
friend_request(const struct profile *p, const uint8_t sender[TOX_PK_LEN],
    const struct onion_data *d)
{
	static struct ipc_friend_request_in	in;
	static uint8_t				buf[IPC_FRIEND_REQUEST_IN_MAX];
	struct rd				r;
	uint8_t					nospam[TOX_NOSPAM_LEN];
	size_t					len;
	const uint8_t				*text;
	struct wr				w;

	rd_init(&r, d->data, d->len);
	rd_bytes(&r, nospam, sizeof(nospam));
	text = rd_rest(&r, &len);
	if (!rd_ok(&r) || len < 1 || len > FRIEND_REQ_MSG_MAX) {
		onion_ops_stats.fr_malformed++;
		return;
	}
	if (memcmp(nospam, p->nospam, sizeof(nospam)) != 0) {
		onion_ops_stats.fr_bad_nospam++;
		return;
	}
	if (is_friend(p, sender)) {
		onion_ops_stats.fr_known++;
		return;
	}
	if (is_recent(sender)) {
		onion_ops_stats.fr_repeat++;
		return;
	}
	memcpy(in.pk, sender, sizeof(in.pk));
	in.len = (uint16_t)len;
	memcpy(in.msg, text, len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_request_in(&w, &in);
	if (chatd == NULL || !chatd->open ||
	    chan_send_wr(chatd, IPC_FRIEND_REQUEST_IN, 0, &w) == -1) {
		/* not remembered: the stranger's next try may get through */
		onion_ops_stats.fr_undelivered++;
	} else {
		remember(sender);
		onion_ops_stats.friend_requests++;
	}
	sodium_memzero(&in, sizeof(in));
	sodium_memzero(buf, sizeof(buf));
}

static int
on_data_in(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_onion_data_in	di;
	static struct onion_data	d;
	struct profile			*p = unlocked();
	uint8_t				key[crypto_box_BEFORENMBYTES];
	int				rv = -1;

	if (ipc_unpack_onion_data_in(r, &di) == -1)
		return -1;
	if (shared_with(p, di.sender_pk, key) == 0)
		rv = onion_data_open(key, di.nonce, di.box, di.boxlen, &d);
	sodium_memzero(key, sizeof(key));
	if (rv == -1) {
		onion_ops_stats.data_unopened++;
		return 0;
	}
	switch (d.id) {
	case ONION_DATA_ID_FRIEND_REQ:
		friend_request(p, di.sender_pk, &d);
		break;
	case ONION_DATA_ID_DHTPK:
		/* a friend's DHT key and nodes: the DHT-PK step's */
		onion_ops_stats.dhtpk_dropped++;
		break;
	default:
		onion_ops_stats.other_dropped++;
		break;
	}
	sodium_memzero(&d, sizeof(d));
	return 0;
}

/*
 * chatd's friend request: keyd builds 0x20 || nospam || text itself and
 * seals it for the friend under our key with a fresh nonce; netd gets it
 * to deliver over the onion.  OK means netd has it, not that it arrived
 * (chatd asks again on c-toxcore's schedule).
 */
static int
on_request_send(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_friend_request_send	rq;
	static struct ipc_onion_data_out	out;
	static uint8_t				plain[TOX_NOSPAM_LEN +
						    FRIEND_REQ_SEND_MAX];
	static uint8_t				buf[IPC_ONION_DATA_OUT_MAX];
	struct profile				*p = unlocked();
	uint8_t					key[crypto_box_BEFORENMBYTES];
	struct wr				w;
	int					n = -1;

	if (ipc_unpack_friend_request_send(r, &rq) == -1)
		return -1;
	if (memcmp(rq.pk, p->pk, sizeof(rq.pk)) == 0) {
		chan_reply_error(c, m->hdr.id, IPC_ERR_INVALID,
		    "that is our own key");
		goto out;
	}
	if (netd == NULL || !netd->open) {
		chan_reply_error(c, m->hdr.id, IPC_ERR_GONE,
		    "netd is restarting; try again");
		goto out;
	}
	memcpy(plain, rq.nospam, TOX_NOSPAM_LEN);
	memcpy(plain + TOX_NOSPAM_LEN, rq.msg, rq.len);
	memcpy(out.dest_pk, rq.pk, sizeof(out.dest_pk));
	randombytes_buf(out.nonce, sizeof(out.nonce));
	if (shared_with(p, rq.pk, key) == 0)
		n = onion_data_seal(key, p->pk, out.nonce,
		    ONION_DATA_ID_FRIEND_REQ, plain,
		    TOX_NOSPAM_LEN + (size_t)rq.len, out.sealed,
		    sizeof(out.sealed));
	sodium_memzero(key, sizeof(key));
	if (n == -1) {
		chan_reply_error(c, m->hdr.id, IPC_ERR_INVALID,
		    "that key cannot be written to");
		goto out;
	}
	out.len = (uint16_t)n;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_data_out(&w, &out);
	if (chan_send_wr(netd, IPC_ONION_DATA_OUT, 0, &w) == -1) {
		chan_reply_error(c, m->hdr.id, IPC_ERR_GONE,
		    "netd went away; try again");
		goto out;
	}
	onion_ops_stats.requests_sealed++;
	chan_reply_ok(c, m->hdr.id);
out:
	sodium_memzero(&rq, sizeof(rq));
	sodium_memzero(plain, sizeof(plain));
	return 0;
}

static const struct chan_handler from_netd_rows[] = {
	{ IPC_ONION_ANNOUNCE_SEAL,	CH_GATED,	on_announce_seal },
	{ IPC_ONION_ANNOUNCE_OPEN,	CH_GATED,	on_announce_open },
	{ IPC_ONION_DATA_IN,		CH_GATED,	on_data_in },
};
const struct chan_table onion_ops_from_netd = {
	CHAN_ROWS(from_netd_rows), need_profile
};

static const struct chan_handler from_chatd_rows[] = {
	{ IPC_FRIEND_REQUEST_SEND,	CH_GATED,	on_request_send },
};
const struct chan_table onion_ops_from_chatd = {
	CHAN_ROWS(from_chatd_rows), need_profile
};

void
onion_ops_init(struct chan *n, struct chan *c)
{
	netd = n;
	chatd = c;
	memset(recent, 0, sizeof(recent));
	nrecent = recent_next = 0;
}

/*
 * Whose key netd announces: the profile's public key, whenever there is a
 * profile and a netd (at start, after an unlock or import, after netd
 * restarts).  Public, it is in the Tox ID; the onion client starts on it.
 */
void
onion_ops_tell_netd(void)
{
	struct profile	*p = unlocked();
	uint8_t		 buf[IPC_ONION_SELF_LEN];
	struct wr	 w;

	if (p == NULL || netd == NULL || !netd->open)
		return;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_self(&w, p->pk);
	(void)chan_send_wr(netd, IPC_ONION_SELF, 0, &w);
}
