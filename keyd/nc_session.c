/* keyd's net_crypto sessions: see nc_session.h. */
#include <string.h>

#include <sodium.h>

#include "common/log.h"
#include "common/nc_data.h"
#include "common/nc_handshake.h"
#include "ipc/msg_nc.h"
#include "keyd/nc_session.h"
#include "keyd/profile_dispatch.h"
#include "keyd/vault.h"

struct nc_session_stats	nc_session_stats;

struct session {
	uint8_t		used;
	uint8_t		state;		/* enum nc_state */
	uint8_t		have_ours;	/* our half drawn */
	uint8_t		pk[IPC_NC_PK_LEN];	/* the friend */
	uint8_t		our_sk[crypto_box_SECRETKEYBYTES];
	uint8_t		our_pk[crypto_box_PUBLICKEYBYTES];
	uint8_t		base_nonce[NC_NONCE_LEN];	/* ours */
	uint8_t		peer_pk[crypto_box_PUBLICKEYBYTES];
	uint8_t		key[NC_KEY_LEN];	/* the session key */
	uint8_t		send_nonce[NC_NONCE_LEN];
	uint8_t		recv_nonce[NC_NONCE_LEN];
	/* the ack and send end chatd last used: a kill packet carries them */
	uint32_t	last_ack, last_end;
	/* where netd last had it established (NC_ADDR), for a new netd */
	uint8_t		has_where;
	struct packed_node where;
};

static struct session	*tab;		/* NC_SESSION_MAX, secure memory */
static struct chan	*netd, *chatd;

static struct profile *
unlocked(void)
{
	struct identity	*id = keyd_profile_identity();

	return id != NULL ? id->prof : NULL;
}

static struct session *
find(const uint8_t pk[IPC_NC_PK_LEN])
{
	size_t	i;

	for (i = 0; tab != NULL && i < NC_SESSION_MAX; i++)
		if (tab[i].used && memcmp(tab[i].pk, pk, IPC_NC_PK_LEN) == 0)
			return &tab[i];
	return NULL;
}

static struct session *
find_or_take(const uint8_t pk[IPC_NC_PK_LEN])
{
	struct session	*s;
	size_t		 i;

	if ((s = find(pk)) != NULL)
		return s;
	for (i = 0; tab != NULL && i < NC_SESSION_MAX; i++)
		if (!tab[i].used) {
			s = &tab[i];
			sodium_memzero(s, sizeof(*s));
			s->used = 1;
			memcpy(s->pk, pk, IPC_NC_PK_LEN);
			return s;
		}
	return NULL;
}

static void
wipe(struct session *s)
{
	sodium_memzero(s, sizeof(*s));
}

static void
tell(struct chan *c, uint32_t type, const uint8_t pk[IPC_NC_PK_LEN],
    uint8_t state)
{
	struct ipc_nc_state	st;
	uint8_t			buf[IPC_NC_STATE_LEN];
	struct wr		w;

	if (c == NULL || !c->open)
		return;
	memcpy(st.pk, pk, sizeof(st.pk));
	st.state = state;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_state(&w, &st);
	(void)chan_send_wr(c, type, 0, &w);
}

/* A new state, told to both sides. */
static void
set_state(struct session *s, uint8_t state)
{
	if (s->state == state)
		return;
	s->state = state;
	tell(netd, IPC_NC_STATE, s->pk, state);
	tell(chatd, IPC_NC_SESSION, s->pk, state);
}

/* Ends a session: both sides told, keys wiped. */
static void
end(struct session *s)
{
	uint8_t	pk[IPC_NC_PK_LEN];

	memcpy(pk, s->pk, sizeof(pk));
	wipe(s);
	tell(netd, IPC_NC_STATE, pk, NC_STATE_NONE);
	tell(chatd, IPC_NC_SESSION, pk, NC_STATE_NONE);
	nc_session_stats.killed++;
}

/*
 * Our half: a session keypair and the base nonce we seal from.  The base
 * nonce is the first thing in the handshake box; see nc_session.h for why
 * it never starts with 0x20 or 0x9c.
 */
static void
draw_ours(struct session *s)
{
	crypto_box_keypair(s->our_pk, s->our_sk);
	do
		randombytes_buf(s->base_nonce, sizeof(s->base_nonce));
	while (s->base_nonce[0] == 0x20 || s->base_nonce[0] == 0x9c);
	s->have_ours = 1;
}

/* Builds and sends our handshake answering peer_cookie. */
static int
send_handshake(const struct profile *p, struct session *s,
    const uint8_t peer_cookie[NC_HS_COOKIE_LEN],
    const uint8_t other_cookie[NC_HS_COOKIE_LEN])
{
	struct nc_hs		hs;
	struct ipc_nc_hs_made	out;
	uint8_t			key[NC_HS_KEY_LEN], nonce[NC_HS_NONCE_LEN];
	uint8_t			buf[IPC_NC_HS_MADE_LEN];
	struct wr		w;
	int			rc = -1;

	memcpy(hs.base_nonce, s->base_nonce, sizeof(hs.base_nonce));
	memcpy(hs.session_pk, s->our_pk, sizeof(hs.session_pk));
	memcpy(hs.other_cookie, other_cookie, sizeof(hs.other_cookie));
	randombytes_buf(nonce, sizeof(nonce));
	memcpy(out.pk, s->pk, sizeof(out.pk));
	if (crypto_box_beforenm(key, s->pk, p->vault->sk) == 0 &&
	    nc_hs_build(key, peer_cookie, nonce, &hs, out.hs,
	    sizeof(out.hs)) == NC_HS_LEN) {
		wr_init(&w, buf, sizeof(buf));
		ipc_pack_nc_hs_made(&w, &out);
		if (netd != NULL && netd->open &&
		    chan_send_wr(netd, IPC_NC_HS_MADE, 0, &w) == 0)
			rc = 0;
		nc_session_stats.hs_made++;
	}
	sodium_memzero(key, sizeof(key));
	return rc;
}

/* netd's rows. */

static int
on_hs_make(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_nc_hs_make	 hm;
	struct profile		*p = unlocked();
	struct session		*s;

	if (ipc_unpack_nc_hs_make(r, &hm) == -1)
		return -1;
	if (chatd == NULL || !chatd->open) {	/* nobody to run it */
		nc_session_stats.hs_refused++;
		return 0;
	}
	/* an established session takes no new handshake of ours */
	if (!profile_has_friend(p, hm.pk) ||
	    (s = find_or_take(hm.pk)) == NULL ||
	    s->state == NC_STATE_ESTABLISHED) {
		nc_session_stats.hs_refused++;
		return 0;
	}
	if (!s->have_ours)
		draw_ours(s);
	(void)send_handshake(p, s, hm.peer_cookie, hm.other_cookie);
	return 0;
}

static int
on_hs_in(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_nc_hs_in	 hi;
	struct nc_hs		 peer;
	struct profile		*p = unlocked();
	struct session		*s;
	uint8_t			 key[NC_HS_KEY_LEN];
	int			 ok;

	if (ipc_unpack_nc_hs_in(r, &hi) == -1)
		return -1;
	if (chatd == NULL || !chatd->open) {	/* nobody to run it */
		nc_session_stats.hs_refused++;
		return 0;
	}
	if (!profile_has_friend(p, hi.pk) ||
	    crypto_box_beforenm(key, hi.pk, p->vault->sk) != 0) {
		nc_session_stats.hs_refused++;
		return 0;
	}
	ok = nc_hs_open(key, hi.hs, sizeof(hi.hs), &peer) == 0;
	sodium_memzero(key, sizeof(key));
	if (!ok || (s = find_or_take(hi.pk)) == NULL) {
		nc_session_stats.hs_refused++;
		sodium_memzero(&peer, sizeof(peer));
		return 0;
	}
	nc_session_stats.hs_opened++;
	/* netd lets one through in ESTABLISHED only for a new DHT key: a
	 * friend that restarted.  The old session is over. */
	if (s->state == NC_STATE_ESTABLISHED) {
		end(s);
		s = find_or_take(hi.pk);
	}
	if (!s->have_ours)
		draw_ours(s);
	if (s->state == NC_STATE_NONE ||
	    memcmp(s->peer_pk, peer.session_pk, sizeof(s->peer_pk)) != 0) {
		memcpy(s->peer_pk, peer.session_pk, sizeof(s->peer_pk));
		if (crypto_box_beforenm(s->key, s->peer_pk, s->our_sk) != 0) {
			wipe(s);
			sodium_memzero(&peer, sizeof(peer));
			return 0;
		}
		if (s->state == NC_STATE_NONE)
			memcpy(s->send_nonce, s->base_nonce,
			    sizeof(s->send_nonce));
	}
	/* as c-toxcore, a handshake (re)sets where the peer's nonces are */
	memcpy(s->recv_nonce, peer.base_nonce, sizeof(s->recv_nonce));
	if (hi.want_reply)
		(void)send_handshake(p, s, peer.other_cookie, hi.other_cookie);
	sodium_memzero(&peer, sizeof(peer));
	set_state(s, NC_STATE_NOT_CONFIRMED);
	return 0;
}

static int
on_abort(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	uint8_t		 pk[IPC_NC_PK_LEN];
	struct session	*s;

	if (ipc_unpack_nc_pk(r, pk) == -1)
		return -1;
	if ((s = find(pk)) != NULL && s->state != NC_STATE_ESTABLISHED)
		end(s);
	return 0;
}

/*
 * The data path, once per packet each way: no copies into structs.  The
 * packet is read where it lies in the frame, opened into plain, and
 * packed from there for chatd (a copy of 1.4 KB and a wipe each had cost
 * more than the hsalsa20 of the opening).
 */
static int
on_data_in(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static uint8_t			plain[NC_PLAIN_BUF_LEN];
	static uint8_t			buf[IPC_NC_PLAIN_MAX];
	struct ipc_nc_data_ref		in;
	struct ipc_nc_plain_ref		out;
	struct nc_data_ref		d;
	struct session			*s;
	struct wr			 w;

	if (ipc_view_nc_data(r, &in) == -1)
		return -1;
	if ((s = find(in.pk)) == NULL || s->state == NC_STATE_NONE ||
	    nc_data_open_ref(s->key, s->recv_nonce, in.pkt, in.len, plain,
	    &d) == -1) {
		nc_session_stats.data_unopened++;
		sodium_memzero(plain, sizeof(plain));	/* all padding */
		return 0;
	}
	nc_session_stats.data_opened++;
	/* as c-toxcore: a kill ends the session before it could confirm it */
	if (d.cls == NC_CLASS_KILL) {
		nc_session_stats.killed_by_peer++;
		end(s);
	} else {
		set_state(s, NC_STATE_ESTABLISHED);
		if (d.cls != NC_CLASS_INVALID && chatd != NULL &&
		    chatd->open) {
			out.pk = in.pk;
			out.buffer_start = d.buffer_start;
			out.number = d.number;
			out.len = d.len;
			out.data = d.data;
			wr_init(&w, buf, sizeof(buf));
			ipc_pack_nc_plain_ref(&w, &out);
			(void)chan_send_wr(chatd, IPC_NC_PLAIN_IN, 0, &w);
			sodium_memzero(buf, wr_len(&w));
		}
	}
	sodium_memzero(plain, (size_t)(d.data - plain) + d.len);
	return 0;
}

/* Seals id || data for s and hands it to netd. */
static int
seal_out(struct session *s, uint32_t ack, uint32_t number,
    const uint8_t *data, size_t len)
{
	static uint8_t			buf[IPC_NC_DATA_MAX];
	struct wr			w;
	int				n;

	/* NC_DATA_OUT as ipc_pack_nc_data lays it out (pk || packet),
	 * sealed in place: nc_data_seal makes only packets it accepts */
	wr_init(&w, buf, sizeof(buf));
	wr_bytes(&w, s->pk, IPC_NC_PK_LEN);
	n = nc_data_seal(s->key, s->send_nonce, ack, number, data, len,
	    buf + IPC_NC_PK_LEN, sizeof(buf) - IPC_NC_PK_LEN);
	if (n == -1)
		return -1;
	(void)wr_reserve(&w, (size_t)n);
	nc_session_stats.sealed++;
	if (netd == NULL || !netd->open)
		return -1;
	return chan_send_wr(netd, IPC_NC_DATA_OUT, 0, &w);
}

/* A kill packet, carrying the ack and send end chatd last used. */
static void
send_kill(struct session *s)
{
	static const uint8_t	kill_id = NC_ID_KILL;

	if (s->state != NC_STATE_NONE)
		(void)seal_out(s, s->last_ack, s->last_end, &kill_id, 1);
}

/* chatd's rows. */

static int
on_plain_out(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_nc_plain_ref		p;	/* wiped with the frame */
	struct session			*s;

	if (ipc_view_nc_plain(r, &p) == -1)
		return -1;
	if ((s = find(p.pk)) == NULL || s->state == NC_STATE_NONE) {
		nc_session_stats.seal_refused++;
		return 0;
	}
	s->last_ack = p.buffer_start;
	/* a lossless packet's number is its own; the others carry the end */
	s->last_end = nc_data_id_class(p.data[0]) == NC_CLASS_LOSSLESS ?
	    p.number + 1 : p.number;
	(void)seal_out(s, p.buffer_start, p.number, p.data, p.len);
	return 0;
}

static int
on_kill(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	uint8_t		 pk[IPC_NC_PK_LEN];
	struct session	*s;

	if (ipc_unpack_nc_pk(r, pk) == -1)
		return -1;
	if ((s = find(pk)) != NULL) {
		send_kill(s);
		end(s);
	}
	return 0;
}

void
nc_session_chatd_gone(void)
{
	size_t	i;

	for (i = 0; tab != NULL && i < NC_SESSION_MAX; i++)
		if (tab[i].used) {
			send_kill(&tab[i]);
			end(&tab[i]);
		}
}

/*
 * An established session whose address netd told us outlives netd: the
 * next netd has the same DHT key and socket, and goes on with it
 * (nc_session_netd_up).  One still being made is lost with netd's state.
 */
/*
 * A new chatd knows no session: one keyed while it was away (a race with
 * its restart) would be established here and unknown there for ever, and
 * the friend's new handshakes ignored.  End them all; netd makes new ones.
 */
void
nc_session_chatd_up(void)
{
	nc_session_chatd_gone();
}

void
nc_session_netd_gone(void)
{
	size_t	i;

	for (i = 0; tab != NULL && i < NC_SESSION_MAX; i++)
		if (tab[i].used && (tab[i].state != NC_STATE_ESTABLISHED ||
		    !tab[i].has_where))
			end(&tab[i]);
}

void
nc_session_netd_up(void)
{
	struct ipc_nc_addr	a;
	uint8_t			buf[IPC_NC_ADDR_MAX];
	struct wr		w;
	size_t			i;

	for (i = 0; tab != NULL && i < NC_SESSION_MAX; i++) {
		if (!tab[i].used || tab[i].state != NC_STATE_ESTABLISHED ||
		    !tab[i].has_where || netd == NULL || !netd->open)
			continue;
		memcpy(a.pk, tab[i].pk, sizeof(a.pk));
		a.node = tab[i].where;
		wr_init(&w, buf, sizeof(buf));
		ipc_pack_nc_addr(&w, &a);
		(void)chan_send_wr(netd, IPC_NC_RESUME, 0, &w);
	}
}

void
nc_session_forget(const uint8_t pk[IPC_NC_PK_LEN])
{
	struct session	*s;

	if ((s = find(pk)) != NULL) {
		send_kill(s);
		end(s);
	}
}

int
nc_session_init(struct chan *n, struct chan *ch)
{
	netd = n;
	chatd = ch;
	if (tab == NULL &&
	    (tab = secbuf_alloc(NC_SESSION_MAX * sizeof(*tab))) == NULL)
		return -1;
	return 0;
}

static const char *
need_profile(struct chan *c, const struct ipc_msg *m)
{
	return unlocked() != NULL && tab != NULL ? NULL :
	    "no profile is unlocked";
}

static int
on_addr(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_nc_addr	 a;
	struct session		*s;

	if (ipc_unpack_nc_addr(r, &a) == -1)
		return -1;
	if ((s = find(a.pk)) != NULL && s->state == NC_STATE_ESTABLISHED) {
		s->where = a.node;
		s->has_where = 1;
	}
	return 0;
}

/* How a session goes (UDP, relays): chatd shows it; keyd keeps nothing. */
static int
on_path(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_nc_path	 p;
	struct session		*s;
	uint8_t			 buf[IPC_NC_PATH_LEN];
	struct wr		 w;

	if (ipc_unpack_nc_path(r, &p) == -1)
		return -1;
	if ((s = find(p.pk)) == NULL || s->state != NC_STATE_ESTABLISHED ||
	    chatd == NULL || !chatd->open)
		return 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_path(&w, &p);
	(void)chan_send_wr(chatd, IPC_NC_PATH, 0, &w);
	return 0;
}

static const struct chan_handler from_netd_rows[] = {
	{ IPC_NC_ADDR,	CH_GATED,	on_addr },
	{ IPC_NC_PATH,	CH_GATED,	on_path },
	{ IPC_NC_HS_MAKE,	CH_GATED,	on_hs_make },
	{ IPC_NC_HS_IN,	CH_GATED,	on_hs_in },
	{ IPC_NC_ABORT,	CH_GATED,	on_abort },
	{ IPC_NC_DATA_IN,	CH_GATED,	on_data_in },
};
const struct chan_table nc_session_from_netd = {
	CHAN_ROWS(from_netd_rows), need_profile
};

static const struct chan_handler from_chatd_rows[] = {
	{ IPC_NC_PLAIN_OUT,	CH_GATED,	on_plain_out },
	{ IPC_NC_KILL,	CH_GATED,	on_kill },
};
const struct chan_table nc_session_from_chatd = {
	CHAN_ROWS(from_chatd_rows), need_profile
};
