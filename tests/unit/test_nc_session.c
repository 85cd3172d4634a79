/*
 * keyd's net_crypto sessions (keyd/nc_session.c) over real channels: raw
 * "netd" and "chatd" ends send what those roles send, and the friend's
 * side of every handshake and data packet is built and opened here with
 * the codecs (common/nc_handshake.h, common/nc_data.h) and the friend's
 * own keys.  Nothing keyd sends may hold its long-term secret key or the
 * session key.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "common/loop.h"
#include "common/nc_data.h"
#include "common/nc_handshake.h"
#include "ipc/chan.h"
#include "ipc/msg_core.h"
#include "ipc/msg_nc.h"
#include "keyd/nc_session.h"
#include "keyd/profile_dispatch.h"

/* The friend's side of one session. */
struct fr {
	uint8_t	pk[32], sk[32];		/* long-term */
	uint8_t	spk[32], ssk[32];	/* its session keypair */
	uint8_t	base[24];		/* its base nonce */
	uint8_t	send[24];		/* its next send nonce */
	uint8_t	recv[24];		/* our base nonce, as it tracks it */
	uint8_t	our_spk[32];		/* our session pk, from our handshake */
	uint8_t	key[32];		/* the session key */
	int	keyed;
};

static struct chan	kn, kc;		/* keyd's ends */
static int		nfd = -1, cfd = -1;	/* the test's netd, chatd */
static int		closed_netd, closed_chatd;
static char		dir[64], path[96];
static struct ipc_msg	rep;
static struct fr	F, G;		/* friends */
static struct profile	*prof;

static const struct chan_tables from_netd = { { &nc_session_from_netd } };
static const struct chan_tables from_chatd = { { &nc_session_from_chatd } };

/* As keyd.c's peer_closed does. */
static void
on_close(struct chan *c, const char *why)
{
	if (c == &kc) {
		closed_chatd = 1;
		nc_session_chatd_gone();
	} else {
		closed_netd = 1;
		nc_session_netd_gone();
	}
}

static int
peer(struct chan *c, enum role who, const struct chan_tables *t)
{
	struct ipc_hello	h;
	uint8_t			buf[64];
	struct wr		w;
	int			sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	chan_open(c, sv[0], ROLE_KEYD, who, t, on_close, NULL);
	h.role = who;
	memcpy(h.build_id, ipc_build_id, sizeof(h.build_id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &h);
	if (ipc_send(sv[1], IPC_HELLO, 0, buf, wr_len(&w), -1) == -1 ||
	    ipc_recv(sv[1], &rep) != 1 || rep.hdr.type != IPC_HELLO ||
	    fcntl(sv[1], F_SETFL, O_NONBLOCK) == -1)
		return -1;
	return sv[1];
}

static void
friend_new(struct fr *f)
{
	memset(f, 0, sizeof(*f));
	crypto_box_keypair(f->pk, f->sk);
	crypto_box_keypair(f->spk, f->ssk);
	randombytes_buf(f->base, sizeof(f->base));
	memcpy(f->send, f->base, sizeof(f->send));
}

/* A fresh identity whose friends are F and G. */
static struct profile *
create_profile(void)
{
	struct identity	*id = keyd_profile_identity();
	struct profile	*p;
	struct id_err	 e;

	assert_int_equal(identity_create(id, NULL, 0, 1, &e), 0);
	p = id->prof;
	assert_non_null(p);
	p->friends = calloc(2, sizeof(*p->friends));
	assert_non_null(p->friends);
	p->nfriends = 2;
	p->friends[0].status = FRIEND_CONFIRMED;
	memcpy(p->friends[0].pk, F.pk, 32);
	p->friends[1].status = FRIEND_CONFIRMED;
	memcpy(p->friends[1].pk, G.pk, 32);
	return p;
}

static int
setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/bh-nc-session-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/profile.tox", dir);
	if (keyd_profile_open(path, NULL, NULL) == -1)
		return -1;
	loop_init();
	closed_netd = closed_chatd = 0;
	if ((nfd = peer(&kn, ROLE_NETD, &from_netd)) == -1 ||
	    (cfd = peer(&kc, ROLE_CHATD, &from_chatd)) == -1)
		return -1;
	if (nc_session_init(&kn, &kc) == -1)
		return -1;
	memset(&nc_session_stats, 0, sizeof(nc_session_stats));
	friend_new(&F);
	friend_new(&G);
	prof = create_profile();
	return 0;
}

static int
teardown(void **state)
{
	char	cmd[128];

	/* netd's close ends every session: the table is clean for the next */
	if (kn.open)
		chan_close(&kn, "test over");
	if (kc.open)
		chan_close(&kc, "test over");
	close(nfd);
	close(cfd);
	keyd_profile_close();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
holds(const struct ipc_msg *m, const uint8_t *secret, size_t len)
{
	size_t	i;

	for (i = 0; i + len <= m->hdr.len; i++)
		if (memcmp(m->data + i, secret, len) == 0)
			return 1;
	return 0;
}

/* Nothing keyd sends holds its secret key or a session key. */
static void
assert_no_secret(const struct ipc_msg *m)
{
	assert_false(holds(m, prof->vault->sk, 32));
	if (F.keyed)
		assert_false(holds(m, F.key, 32));
	if (G.keyed)
		assert_false(holds(m, G.key, 32));
}

/* Lets keyd run; the next message on fd, its type, or 0 if none. */
static uint16_t
next_on(int fd)
{
	int	n;

	loop_once(0);
	n = ipc_recv(fd, &rep);
	if (n == -1 && errno == EAGAIN)
		return 0;
	assert_int_equal(n, 1);
	assert_no_secret(&rep);
	return rep.hdr.type;
}

static void
notice(int fd, uint16_t type, const struct wr *w)
{
	assert_true(wr_ok(w));
	assert_int_equal(ipc_send(fd, type, 0, w->p, w->len, -1), 0);
	loop_once(1000);
}

/* The next message on fd is type (NC_STATE, NC_SESSION) for pk in state. */
static void
expect_state(int fd, uint16_t type, const uint8_t *pk, uint8_t state)
{
	struct ipc_nc_state	st;
	struct rd		r;

	assert_int_equal(next_on(fd), type);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_nc_state(&r, &st), 0);
	assert_memory_equal(st.pk, pk, 32);
	assert_int_equal(st.state, state);
}

static void
expect_none_both(const uint8_t *pk)
{
	expect_state(nfd, IPC_NC_STATE, pk, NC_STATE_NONE);
	expect_state(cfd, IPC_NC_SESSION, pk, NC_STATE_NONE);
}

static void
hs_make(const uint8_t *pk, uint8_t peer_cookie[112], uint8_t other[112])
{
	struct ipc_nc_hs_make	hm;
	uint8_t			buf[IPC_NC_HS_MAKE_LEN];
	struct wr		w;

	memcpy(hm.pk, pk, 32);
	randombytes_buf(hm.peer_cookie, sizeof(hm.peer_cookie));
	randombytes_buf(hm.other_cookie, sizeof(hm.other_cookie));
	memcpy(peer_cookie, hm.peer_cookie, 112);
	memcpy(other, hm.other_cookie, 112);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_hs_make(&w, &hm);
	notice(nfd, IPC_NC_HS_MAKE, &w);
}

/*
 * The next message to netd is our handshake to f: it opens with the key
 * f's secret shares with our public key, answers peer_cookie (outside,
 * and hashed inside, which nc_hs_open checks) and carries other.
 */
static void
expect_hs_made(struct fr *f, const uint8_t *peer_cookie,
    const uint8_t *other, struct nc_hs *out)
{
	struct ipc_nc_hs_made	made;
	uint8_t			key[32];
	struct rd		r;

	assert_int_equal(next_on(nfd), IPC_NC_HS_MADE);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_nc_hs_made(&r, &made), 0);
	assert_memory_equal(made.pk, f->pk, 32);
	assert_int_equal(made.hs[0], NC_HS_KIND);
	assert_memory_equal(made.hs + 1, peer_cookie, 112);
	assert_int_equal(crypto_box_beforenm(key, prof->pk, f->sk), 0);
	assert_int_equal(nc_hs_open(key, made.hs, sizeof(made.hs), out), 0);
	assert_memory_equal(out->other_cookie, other, 112);
	/* our base nonce is where f's receive nonce starts (gotcha 1) */
	memcpy(f->recv, out->base_nonce, 24);
	memcpy(f->our_spk, out->session_pk, 32);
	/* under the key of anyone else it stays shut */
	assert_int_equal(crypto_box_beforenm(key, prof->pk, G.sk == f->sk ?
	    F.sk : G.sk), 0);
	{
		struct nc_hs	x;

		assert_int_equal(nc_hs_open(key, made.hs, sizeof(made.hs),
		    &x), -1);
	}
}

/*
 * f's handshake on a cookie of ours, as netd passes it on.  sealer is the
 * secret key that seals the box (f->sk unless a test forges it).
 */
static void
hs_in(struct fr *f, const uint8_t *sealer, int want_reply,
    uint8_t our_cookie[112], uint8_t their_other[112],
    uint8_t our_other[112], int tamper)
{
	static struct ipc_nc_hs_in	hi;
	struct nc_hs			hs;
	uint8_t				key[32], nonce[24];
	uint8_t				buf[IPC_NC_HS_IN_LEN];
	struct wr			w;

	memset(&hi, 0, sizeof(hi));
	memcpy(hi.pk, f->pk, 32);
	randombytes_buf(hi.dht_pk, 32);
	hi.want_reply = (uint8_t)want_reply;
	randombytes_buf(our_cookie, 112);	/* netd's, opaque to keyd */
	randombytes_buf(their_other, 112);
	randombytes_buf(our_other, 112);
	memcpy(hi.other_cookie, our_other, 112);
	memcpy(hs.base_nonce, f->base, 24);
	memcpy(hs.session_pk, f->spk, 32);
	memcpy(hs.other_cookie, their_other, 112);
	randombytes_buf(nonce, sizeof(nonce));
	assert_int_equal(crypto_box_beforenm(key, prof->pk, sealer), 0);
	assert_int_equal(nc_hs_build(key, our_cookie, nonce, &hs, hi.hs,
	    sizeof(hi.hs)), NC_HS_LEN);
	if (tamper)
		hi.hs[NC_HS_LEN - 1] ^= 0x01;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_hs_in(&w, &hi);
	notice(nfd, IPC_NC_HS_IN, &w);
}

/* f's handshake with want_reply: keys set on both sides, NOT_CONFIRMED. */
static void
keyed(struct fr *f)
{
	uint8_t		oc[112], to[112], ou[112];
	struct nc_hs	ours;

	hs_in(f, f->sk, 1, oc, to, ou, 0);
	/* our answer is built on f's other cookie and carries ours */
	expect_hs_made(f, to, ou, &ours);
	expect_state(nfd, IPC_NC_STATE, f->pk, NC_STATE_NOT_CONFIRMED);
	expect_state(cfd, IPC_NC_SESSION, f->pk, NC_STATE_NOT_CONFIRMED);
	assert_int_equal(crypto_box_beforenm(f->key, f->our_spk, f->ssk), 0);
	f->keyed = 1;
}

/* A 0x1b from f, sealed with its send nonce, as netd passes it on. */
static void
data_in(struct fr *f, uint32_t ack, uint32_t num, const uint8_t *d,
    size_t len, int tamper)
{
	static struct ipc_nc_data	in;
	static uint8_t			buf[IPC_NC_DATA_MAX];
	struct wr			w;
	int				n;

	memcpy(in.pk, f->pk, 32);
	n = nc_data_seal(f->key, f->send, ack, num, d, len, in.pkt,
	    sizeof(in.pkt));
	assert_true(n > 0);
	in.len = (uint16_t)n;
	if (tamper)
		in.pkt[n - 1] ^= 0x80;		/* in the MAC or the box */
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_data(&w, &in);
	notice(nfd, IPC_NC_DATA_IN, &w);
}

static void
plain_out(const uint8_t *pk, uint32_t ack, uint32_t num, const uint8_t *d,
    size_t len)
{
	static struct ipc_nc_plain	p;
	static uint8_t			buf[IPC_NC_PLAIN_MAX];
	struct wr			w;

	memcpy(p.pk, pk, 32);
	p.buffer_start = ack;
	p.number = num;
	p.len = (uint16_t)len;
	memcpy(p.data, d, len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_plain(&w, &p);
	notice(cfd, IPC_NC_PLAIN_OUT, &w);
}

/* The next message to netd is a 0x1b for f; f opens it into *d. */
static void
expect_data_out(struct fr *f, struct nc_data *d)
{
	static struct ipc_nc_data	out;
	struct rd			r;

	assert_int_equal(next_on(nfd), IPC_NC_DATA_OUT);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_nc_data(&r, &out), 0);
	assert_memory_equal(out.pk, f->pk, 32);
	assert_int_equal(nc_data_open(f->key, f->recv, out.pkt, out.len, d),
	    0);
}

static void
hs_make_for_friends_only(void **state)
{
	uint8_t		pc[112], oc[112], pc2[112], oc2[112], stranger[32];
	struct nc_hs	a, b;

	/* a stranger: nothing to anyone */
	randombytes_buf(stranger, sizeof(stranger));
	hs_make(stranger, pc, oc);
	assert_int_equal(next_on(nfd), 0);
	assert_int_equal(next_on(cfd), 0);
	/* nor ourselves */
	hs_make(prof->pk, pc, oc);
	assert_int_equal(next_on(nfd), 0);
	assert_int_equal(nc_session_stats.hs_refused, 2);

	/* F: our handshake, sealed for F alone; no state changes yet */
	hs_make(F.pk, pc, oc);
	expect_hs_made(&F, pc, oc, &a);
	assert_int_equal(next_on(nfd), 0);
	assert_int_equal(next_on(cfd), 0);
	/* a new cookie round: the same session half, a new box */
	hs_make(F.pk, pc2, oc2);
	expect_hs_made(&F, pc2, oc2, &b);
	assert_memory_equal(a.base_nonce, b.base_nonce, 24);
	assert_memory_equal(a.session_pk, b.session_pk, 32);
	/* the friend removed: refused again */
	prof->friends[0].status = FRIEND_NONE;
	hs_make(F.pk, pc, oc);
	assert_int_equal(next_on(nfd), 0);
	assert_int_equal(nc_session_stats.hs_made, 2);
	assert_int_equal(nc_session_stats.hs_refused, 3);
	assert_false(closed_netd || closed_chatd);
}

/*
 * A base nonce starting 0x20 or 0x9c would let netd pass our handshake
 * box off as onion data from us.  Every draw is a new session (NC_ABORT
 * ends the one before); 1000 random draws would hit one of the two bytes
 * with probability 1 - (254/256)^1000, above 0.9995.
 */
static void
base_nonce_never_looks_like_onion_data(void **state)
{
	uint8_t		pc[112], oc[112], prev[24], pk[32];
	struct nc_hs	h;
	uint8_t		wr_buf[IPC_NC_PK_MSG_LEN];
	struct wr	w;
	int		i, same = 0;

	memset(prev, 0, sizeof(prev));
	for (i = 0; i < 1000; i++) {
		hs_make(F.pk, pc, oc);
		expect_hs_made(&F, pc, oc, &h);
		assert_int_not_equal(h.base_nonce[0], 0x20);
		assert_int_not_equal(h.base_nonce[0], 0x9c);
		if (memcmp(prev, h.base_nonce, 24) == 0)
			same++;
		memcpy(prev, h.base_nonce, 24);
		memcpy(pk, F.pk, 32);
		wr_init(&w, wr_buf, sizeof(wr_buf));
		ipc_pack_nc_pk(&w, pk);
		notice(nfd, IPC_NC_ABORT, &w);
		expect_none_both(F.pk);
	}
	/* each abort really ended the session: a new nonce every time */
	assert_int_equal(same, 0);
	assert_int_equal(nc_session_stats.hs_made, 1000);
}

static void
hs_in_keys_the_session(void **state)
{
	uint8_t		oc[112], to[112], ou[112], sk[32], pk[32];

	/* sealed by someone who is not F, or tampered with: nothing */
	crypto_box_keypair(pk, sk);
	hs_in(&F, sk, 1, oc, to, ou, 0);
	hs_in(&F, F.sk, 1, oc, to, ou, 1);
	assert_int_equal(next_on(nfd), 0);
	assert_int_equal(next_on(cfd), 0);
	/* G, without want_reply: keys set, no handshake back */
	hs_in(&G, G.sk, 0, oc, to, ou, 0);
	expect_state(nfd, IPC_NC_STATE, G.pk, NC_STATE_NOT_CONFIRMED);
	expect_state(cfd, IPC_NC_SESSION, G.pk, NC_STATE_NOT_CONFIRMED);
	assert_int_equal(next_on(nfd), 0);
	/* F, with want_reply: the handshake too */
	keyed(&F);
	assert_int_equal(next_on(nfd), 0);
	assert_int_equal(next_on(cfd), 0);
	assert_int_equal(nc_session_stats.hs_refused, 2);
	assert_int_equal(nc_session_stats.hs_opened, 2);
	assert_false(closed_netd || closed_chatd);
}

static void
data_both_ways(void **state)
{
	static const uint8_t	msg[] = { 0x40, 'h', 'e', 'l', 'l', 'o' };
	static const uint8_t	online[] = { 0x18 };
	static struct ipc_nc_plain	pin;
	struct nc_data		d;
	uint8_t			pc[112], oc[112];
	struct rd		r;

	keyed(&F);
	/* a tampered packet opens nothing and confirms nothing */
	data_in(&F, 0, 0, msg, sizeof(msg), 1);
	assert_int_equal(next_on(nfd), 0);
	assert_int_equal(next_on(cfd), 0);
	assert_int_equal(nc_session_stats.data_unopened, 1);
	/* F's first packet (under the nonce after the one the tampered
	 * one burnt) opens: ESTABLISHED, and the bytes go to chatd */
	data_in(&F, 7, 3, msg, sizeof(msg), 0);
	expect_state(nfd, IPC_NC_STATE, F.pk, NC_STATE_ESTABLISHED);
	expect_state(cfd, IPC_NC_SESSION, F.pk, NC_STATE_ESTABLISHED);
	assert_int_equal(next_on(cfd), IPC_NC_PLAIN_IN);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_nc_plain(&r, &pin), 0);
	assert_memory_equal(pin.pk, F.pk, 32);
	assert_int_equal(pin.buffer_start, 7);
	assert_int_equal(pin.number, 3);
	assert_int_equal(pin.len, sizeof(msg));
	assert_memory_equal(pin.data, msg, sizeof(msg));
	/* the next one: no second state change */
	data_in(&F, 7, 4, online, sizeof(online), 0);
	assert_int_equal(next_on(cfd), IPC_NC_PLAIN_IN);
	assert_int_equal(next_on(nfd), 0);

	/* ours: F opens them with OUR base nonce, in order (gotcha 1) */
	plain_out(F.pk, 5, 0, online, sizeof(online));
	expect_data_out(&F, &d);
	assert_int_equal(d.buffer_start, 5);
	assert_int_equal(d.number, 0);
	assert_int_equal(d.len, 1);
	assert_int_equal(d.data[0], 0x18);
	plain_out(F.pk, 5, 1, msg, sizeof(msg));
	expect_data_out(&F, &d);
	assert_int_equal(d.number, 1);
	assert_memory_equal(d.data, msg, sizeof(msg));
	/* and not with F's own base nonce */
	{
		static struct ipc_nc_data	out;
		uint8_t				n2[24];

		memcpy(n2, F.base, 24);
		plain_out(F.pk, 5, 2, msg, sizeof(msg));
		assert_int_equal(next_on(nfd), IPC_NC_DATA_OUT);
		rd_init(&r, rep.data, rep.hdr.len);
		assert_int_equal(ipc_unpack_nc_data(&r, &out), 0);
		assert_int_equal(nc_data_open(F.key, n2, out.pkt, out.len,
		    &d), -1);
		assert_int_equal(nc_data_open(F.key, F.recv, out.pkt,
		    out.len, &d), 0);
	}
	/* for a friend without a session: nothing */
	plain_out(G.pk, 0, 0, msg, sizeof(msg));
	assert_int_equal(next_on(nfd), 0);
	assert_int_equal(nc_session_stats.seal_refused, 1);
	/* an established session takes no handshake of ours */
	hs_make(F.pk, pc, oc);
	assert_int_equal(next_on(nfd), 0);
	assert_int_equal(nc_session_stats.sealed, 3);
	assert_false(closed_netd || closed_chatd);
}

static void
kill_from_the_friend(void **state)
{
	static const uint8_t	kill[] = { NC_ID_KILL };
	static const uint8_t	msg[] = { 0x40, 'x' };

	keyed(&F);
	data_in(&F, 0, 0, msg, sizeof(msg), 0);
	expect_state(nfd, IPC_NC_STATE, F.pk, NC_STATE_ESTABLISHED);
	expect_state(cfd, IPC_NC_SESSION, F.pk, NC_STATE_ESTABLISHED);
	assert_int_equal(next_on(cfd), IPC_NC_PLAIN_IN);
	/* the kill is not passed on as data: the session just ends */
	data_in(&F, 0, 1, kill, sizeof(kill), 0);
	expect_none_both(F.pk);
	assert_int_equal(next_on(cfd), 0);
	assert_int_equal(nc_session_stats.killed_by_peer, 1);
	/* the keys are gone: F's next packet and our seal go nowhere */
	data_in(&F, 0, 2, msg, sizeof(msg), 0);
	plain_out(F.pk, 0, 0, msg, sizeof(msg));
	assert_int_equal(next_on(nfd), 0);
	assert_int_equal(next_on(cfd), 0);
	assert_int_equal(nc_session_stats.data_unopened, 1);
	assert_int_equal(nc_session_stats.seal_refused, 1);
}

/*
 * A kill packet that is the first packet to open in a NOT_CONFIRMED
 * session ends it without confirming it first (c-toxcore 0.2.18
 * handle_data_packet_core checks PACKET_ID_KILL before its NOT_CONFIRMED
 * -> ESTABLISHED step): NONE both ways and nothing else, so chatd never
 * runs its "up" hook for a session already gone.
 */
static void
kill_as_first_packet_confirms_nothing(void **state)
{
	static const uint8_t	kill[] = { NC_ID_KILL };

	keyed(&F);
	data_in(&F, 0, 0, kill, sizeof(kill), 0);
	expect_none_both(F.pk);		/* fails: ESTABLISHED comes first */
	assert_int_equal(next_on(nfd), 0);
	assert_int_equal(next_on(cfd), 0);
}

static void
kill_from_chatd(void **state)
{
	static const uint8_t	msg[] = { 0x40, 'y' };
	uint8_t			buf[IPC_NC_PK_MSG_LEN];
	struct nc_data		d;
	struct wr		w;

	keyed(&F);
	data_in(&F, 0, 0, msg, sizeof(msg), 0);
	expect_state(nfd, IPC_NC_STATE, F.pk, NC_STATE_ESTABLISHED);
	expect_state(cfd, IPC_NC_SESSION, F.pk, NC_STATE_ESTABLISHED);
	assert_int_equal(next_on(cfd), IPC_NC_PLAIN_IN);
	/* chatd's last packet: ack 1, lossless number 4 */
	plain_out(F.pk, 1, 4, msg, sizeof(msg));
	expect_data_out(&F, &d);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_pk(&w, F.pk);
	notice(cfd, IPC_NC_KILL, &w);
	/* a kill packet F opens, carrying that ack and the send end */
	expect_data_out(&F, &d);
	assert_int_equal(d.cls, NC_CLASS_KILL);
	assert_int_equal(d.len, 1);
	assert_int_equal(d.buffer_start, 1);
	assert_int_equal(d.number, 5);
	expect_none_both(F.pk);
	plain_out(F.pk, 1, 5, msg, sizeof(msg));
	assert_int_equal(next_on(nfd), 0);
	/* a kill for no session: nothing */
	notice(cfd, IPC_NC_KILL, &w);
	assert_int_equal(next_on(nfd), 0);
	assert_int_equal(next_on(cfd), 0);
	assert_false(closed_netd || closed_chatd);
}

static void
chatd_gone_kills_every_session(void **state)
{
	static const uint8_t	msg[] = { 0x40, 'z' };
	struct nc_data		d;
	int			i, seen_f = 0, seen_g = 0;

	keyed(&F);
	keyed(&G);
	data_in(&G, 0, 0, msg, sizeof(msg), 0);
	expect_state(nfd, IPC_NC_STATE, G.pk, NC_STATE_ESTABLISHED);
	close(cfd);
	cfd = -1;
	loop_once(1000);
	assert_true(closed_chatd);
	/* one kill packet and NONE for each, F's and G's, table order */
	for (i = 0; i < 2; i++) {
		static struct ipc_nc_data	out;
		struct ipc_nc_state		st;
		struct fr			*f;
		struct rd			r;

		assert_int_equal(next_on(nfd), IPC_NC_DATA_OUT);
		rd_init(&r, rep.data, rep.hdr.len);
		assert_int_equal(ipc_unpack_nc_data(&r, &out), 0);
		f = memcmp(out.pk, F.pk, 32) == 0 ? &F : &G;
		assert_memory_equal(out.pk, f->pk, 32);
		assert_int_equal(nc_data_open(f->key, f->recv, out.pkt,
		    out.len, &d), 0);
		assert_int_equal(d.cls, NC_CLASS_KILL);
		if (f == &F)
			seen_f++;
		else
			seen_g++;
		assert_int_equal(next_on(nfd), IPC_NC_STATE);
		rd_init(&r, rep.data, rep.hdr.len);
		assert_int_equal(ipc_unpack_nc_state(&r, &st), 0);
		assert_memory_equal(st.pk, f->pk, 32);
		assert_int_equal(st.state, NC_STATE_NONE);
	}
	assert_int_equal(seen_f, 1);
	assert_int_equal(seen_g, 1);
	assert_int_equal(next_on(nfd), 0);
	assert_false(closed_netd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(hs_make_for_friends_only,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    base_nonce_never_looks_like_onion_data, setup, teardown),
		cmocka_unit_test_setup_teardown(hs_in_keys_the_session,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(data_both_ways,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(kill_from_the_friend,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    kill_as_first_packet_confirms_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(kill_from_chatd,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    chatd_gone_kills_every_session, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
