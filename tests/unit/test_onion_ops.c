/*
 * keyd's onion operations (keyd/onion_ops.c) over real channels: raw
 * "netd" and "chatd" ends send what those roles send, and the other side
 * of every box is built or opened by hand with libsodium and the secret
 * key of the node or the friend.  Nothing keyd sends contains its secret
 * key.
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
#include "ipc/chan.h"
#include "ipc/msg_core.h"
#include "ipc/msg_friend.h"
#include "ipc/msg_onion.h"
#include "keyd/dhtpk_ops.h"
#include "keyd/onion_ops.h"
#include "keyd/profile_dispatch.h"

static struct chan	kn, kc;		/* keyd's ends */
static int		nfd = -1, cfd = -1;	/* the test's netd, chatd */
static int		closed;
static char		dir[64], path[96];
static struct ipc_msg	rep;
static uint32_t		next_id = 100;

static const struct chan_tables from_netd = { { &onion_ops_from_netd } };
static const struct chan_tables from_chatd = { { &onion_ops_from_chatd } };

static void
on_close(struct chan *c, const char *why)
{
	closed = 1;
}

/* A raw peer end: HELLO both ways, then non-blocking reads. */
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

static int
setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/bh-onion-ops-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/profile.tox", dir);
	if (keyd_profile_open(path, NULL, NULL) == -1)
		return -1;
	loop_init();
	closed = 0;
	if ((nfd = peer(&kn, ROLE_NETD, &from_netd)) == -1 ||
	    (cfd = peer(&kc, ROLE_CHATD, &from_chatd)) == -1)
		return -1;
	onion_ops_init(&kn, &kc);
	memset(&onion_ops_stats, 0, sizeof(onion_ops_stats));
	return 0;
}

static int
teardown(void **state)
{
	char	cmd[128];

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

static struct profile *
create_profile(void)
{
	struct identity	*id = keyd_profile_identity();
	struct id_err	 e;

	assert_int_equal(identity_create(id, NULL, 0, 1, &e), 0);
	assert_non_null(id->prof);
	return id->prof;
}

/* The secret key must never appear in anything keyd sends. */
static void
assert_no_secret(const struct ipc_msg *m)
{
	struct identity	*id = keyd_profile_identity();
	size_t		 i;

	if (id == NULL || id->prof == NULL || m->hdr.len < TOX_SK_LEN)
		return;
	for (i = 0; i + TOX_SK_LEN <= m->hdr.len; i++)
		assert_false(memcmp(m->data + i, id->prof->vault->sk,
		    TOX_SK_LEN) == 0);
}

/* Lets keyd run, then the next message on fd, or 0 if there is none. */
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

/* Sends a request on fd and returns the answer's type. */
static uint16_t
request(int fd, uint16_t type, const struct wr *w)
{
	uint16_t	t;

	next_id++;
	assert_int_equal(ipc_send(fd, type, next_id, w->p, w->len, -1), 0);
	loop_once(1000);
	assert_int_not_equal(t = next_on(fd), 0);
	assert_int_equal(rep.hdr.id, next_id);
	return t;
}

static uint16_t
error_code(void)
{
	struct ipc_error	e;
	struct rd		r;

	assert_int_equal(rep.hdr.type, IPC_ERROR);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_error(&r, &e), 0);
	return e.code;
}

static void
pack_seal(struct wr *w, uint8_t *buf, size_t sz,
    const struct ipc_onion_announce_seal *s)
{
	wr_init(w, buf, sz);
	ipc_pack_onion_announce_seal(w, s);
	assert_true(wr_ok(w));
}

/*
 * ONION_DATA_IN as netd would pass it on: the inner layer a stranger
 * sealed by hand for our real key, with the nonce of its 0x86.
 */
static void
data_in(const uint8_t spk[32], const uint8_t ssk[32], const uint8_t *plain,
    size_t plen)
{
	static struct ipc_onion_data_in	di;
	static uint8_t			buf[IPC_ONION_DATA_IN_MAX];
	struct identity			*id = keyd_profile_identity();
	struct wr			w;

	memcpy(di.sender_pk, spk, 32);
	randombytes_buf(di.nonce, sizeof(di.nonce));
	assert_int_equal(crypto_box_easy(di.box, plain, plen, di.nonce,
	    id->prof->pk, ssk), 0);
	di.boxlen = (uint16_t)(plen + ONION_MAC_LEN);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_data_in(&w, &di);
	assert_true(wr_ok(&w));
	assert_int_equal(ipc_send(nfd, IPC_ONION_DATA_IN, 0, buf, wr_len(&w),
	    -1), 0);
}

/* 0x20 || nospam || text */
static size_t
friend_req(uint8_t *plain, const uint8_t nospam[4], const char *text,
    size_t len)
{
	plain[0] = ONION_DATA_ID_FRIEND_REQ;
	memcpy(plain + 1, nospam, 4);
	memcpy(plain + 5, text, len);
	return 5 + len;
}

static void
locked_refuses_everything(void **state)
{
	struct ipc_onion_announce_seal	s;
	struct ipc_friend_request_send	fs;
	uint8_t				buf[2048], pk[32], sk[32];
	struct wr			w;

	memset(&s, 1, sizeof(s));
	pack_seal(&w, buf, sizeof(buf), &s);
	assert_int_equal(request(nfd, IPC_ONION_ANNOUNCE_SEAL, &w), IPC_ERROR);
	assert_int_equal(error_code(), IPC_ERR_STATE);

	memset(&fs, 0, sizeof(fs));
	memset(fs.pk, 9, sizeof(fs.pk));
	fs.len = 2;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_request_send(&w, &fs);
	assert_int_equal(request(cfd, IPC_FRIEND_REQUEST_SEND, &w), IPC_ERROR);
	assert_int_equal(error_code(), IPC_ERR_STATE);
	assert_int_equal(next_on(nfd), 0);	/* nothing for netd */

	/* a notice is dropped unopened (no key to open it with) */
	create_profile();
	crypto_box_keypair(pk, sk);
	data_in(pk, sk, buf, friend_req(buf,
	    keyd_profile_identity()->prof->nospam, "hi", 2));
	/* keyd restarts on a profile not there yet, the box in flight */
	keyd_profile_close();
	snprintf(path, sizeof(path), "%s/none.tox", dir);
	assert_int_equal(keyd_profile_open(path, NULL, NULL), 0);
	assert_null(keyd_profile_identity()->prof);
	assert_int_equal(next_on(cfd), 0);
	assert_int_equal(onion_ops_stats.friend_requests +
	    onion_ops_stats.data_unopened, 0);
	assert_false(closed);
}

static void
announce_seal_opens_with_the_nodes_key(void **state)
{
	struct profile			*p = create_profile();
	struct ipc_onion_announce_seal	 s;
	struct ipc_onion_announce_sealed out, out2;
	uint8_t				 node_pk[32], node_sk[32];
	uint8_t				 buf[512], plain[ANNOUNCE_PLAIN_LEN];
	struct wr			 w;
	struct rd			 r;

	crypto_box_keypair(node_pk, node_sk);
	memcpy(s.node_pk, node_pk, 32);
	randombytes_buf(s.ping_id, sizeof(s.ping_id));
	/* keyd refuses ping ids that start like a friend request or a
	 * DHT-PK (2 in 256 of random ones): this one must not */
	s.ping_id[0] = 0x01;
	randombytes_buf(s.data_pk, sizeof(s.data_pk));
	randombytes_buf(s.sendback, sizeof(s.sendback));
	pack_seal(&w, buf, sizeof(buf), &s);
	assert_int_equal(request(nfd, IPC_ONION_ANNOUNCE_SEAL, &w),
	    IPC_ONION_ANNOUNCE_SEALED);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_onion_announce_sealed(&r, &out), 0);

	/* the node: sender pk is the user's, and it opens with its sk */
	assert_memory_equal(out.pkt + 1 + ONION_NONCE_LEN, p->pk, 32);
	assert_int_equal(crypto_box_open_easy(plain, out.pkt + 57,
	    ANNOUNCE_REQ_LEN - 57, out.pkt + 1, p->pk, node_sk), 0);
	assert_memory_equal(plain, s.ping_id, 32);
	assert_memory_equal(plain + 32, p->pk, 32);	/* search pk: ours */
	assert_memory_equal(plain + 64, s.data_pk, 32);
	assert_memory_equal(plain + 96, s.sendback, 8);

	/* a fresh nonce each time */
	assert_int_equal(request(nfd, IPC_ONION_ANNOUNCE_SEAL, &w),
	    IPC_ONION_ANNOUNCE_SEALED);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_onion_announce_sealed(&r, &out2), 0);
	assert_memory_not_equal(out.pkt + 1, out2.pkt + 1, ONION_NONCE_LEN);

	/* a ping id that would make the box read as onion data for a real
	 * key (a friend request from us with netd's text): refused */
	s.ping_id[0] = ONION_DATA_ID_FRIEND_REQ;
	pack_seal(&w, buf, sizeof(buf), &s);
	assert_int_equal(request(nfd, IPC_ONION_ANNOUNCE_SEAL, &w), IPC_ERROR);
	assert_int_equal(error_code(), IPC_ERR_INVALID);
	s.ping_id[0] = ONION_DATA_ID_DHTPK;
	pack_seal(&w, buf, sizeof(buf), &s);
	assert_int_equal(request(nfd, IPC_ONION_ANNOUNCE_SEAL, &w), IPC_ERROR);
	s.ping_id[0] = 0;

	/* our own key or a friend's is no announce node */
	memcpy(s.node_pk, p->pk, 32);
	pack_seal(&w, buf, sizeof(buf), &s);
	assert_int_equal(request(nfd, IPC_ONION_ANNOUNCE_SEAL, &w), IPC_ERROR);
	p->friends = calloc(1, sizeof(*p->friends));
	assert_non_null(p->friends);
	p->nfriends = 1;
	p->friends[0].status = FRIEND_CONFIRMED;
	memcpy(p->friends[0].pk, node_pk, 32);
	memcpy(s.node_pk, node_pk, 32);
	pack_seal(&w, buf, sizeof(buf), &s);
	assert_int_equal(request(nfd, IPC_ONION_ANNOUNCE_SEAL, &w), IPC_ERROR);
	assert_int_equal(error_code(), IPC_ERR_INVALID);

	/* a node key that gives no secret is refused, not sealed */
	memset(s.node_pk, 0, 32);
	pack_seal(&w, buf, sizeof(buf), &s);
	assert_int_equal(request(nfd, IPC_ONION_ANNOUNCE_SEAL, &w), IPC_ERROR);
	assert_int_equal(error_code(), IPC_ERR_INVALID);
	assert_int_equal(onion_ops_stats.announces_sealed, 2);
	assert_int_equal(onion_ops_stats.announces_refused, 5);
	assert_false(closed);
}

/* The node's 0x84 for us, sealed by hand with its sk. */
static size_t
node_resp(uint8_t *pkt, const uint8_t node_sk[32], const uint8_t *plain,
    size_t plen)
{
	struct identity	*id = keyd_profile_identity();
	uint8_t		*nonce = pkt + 1 + ONION_SENDBACK_LEN;

	pkt[0] = ONION_ANNOUNCE_RESP;
	memcpy(pkt + 1, "sndback!", ONION_SENDBACK_LEN);
	randombytes_buf(nonce, ONION_NONCE_LEN);
	assert_int_equal(crypto_box_easy(pkt + ANNOUNCE_RESP_HDR_LEN, plain,
	    plen, nonce, id->prof->pk, node_sk), 0);
	return ANNOUNCE_RESP_HDR_LEN + ONION_MAC_LEN + plen;
}

static void
announce_open_answers_the_fields(void **state)
{
	static struct ipc_onion_announce_open	o;
	struct ipc_onion_announce_opened	a;
	uint8_t					node_sk[32], plain[256];
	uint8_t					buf[1024];
	struct profile				*p;
	struct wr				w;
	struct rd				r;
	size_t					plen = 0;

	p = create_profile();
	crypto_box_keypair(o.node_pk, node_sk);
	plain[plen++] = ANNOUNCE_STORED;
	memset(plain + plen, 0x5a, 32);
	plen += 32;
	/* one IPv4 node: 2 || 127.0.0.1 || 33445 || pk */
	memcpy(plain + plen, "\x02\x7f\x00\x00\x01\x82\xa5", 7);
	plen += 7;
	memset(plain + plen, 0x33, 32);
	plen += 32;
	o.len = (uint16_t)node_resp(o.pkt, node_sk, plain, plen);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_announce_open(&w, &o);
	assert_int_equal(request(nfd, IPC_ONION_ANNOUNCE_OPEN, &w),
	    IPC_ONION_ANNOUNCE_OPENED);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_onion_announce_opened(&r, &a), 0);
	assert_int_equal(a.is_stored, ANNOUNCE_STORED);
	assert_int_equal(a.field[0], 0x5a);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.nodes[0].family, PN_UDP4);
	assert_int_equal(a.nodes[0].ip[0], 127);
	assert_int_equal(a.nodes[0].port, 33445);
	assert_int_equal(a.nodes[0].pk[31], 0x33);

	/* tampered: refused, and the channel stays */
	o.pkt[o.len - 1] ^= 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_announce_open(&w, &o);
	assert_int_equal(request(nfd, IPC_ONION_ANNOUNCE_OPEN, &w), IPC_ERROR);
	assert_int_equal(error_code(), IPC_ERR_INVALID);
	/* from another node than netd says: refused too */
	o.pkt[o.len - 1] ^= 1;
	o.node_pk[0] ^= 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_announce_open(&w, &o);
	assert_int_equal(request(nfd, IPC_ONION_ANNOUNCE_OPEN, &w), IPC_ERROR);
	/* a friend's key: its boxes are no announce responses */
	o.node_pk[0] ^= 1;
	p->friends = calloc(1, sizeof(*p->friends));
	assert_non_null(p->friends);
	p->nfriends = 1;
	p->friends[0].status = FRIEND_ADDED;
	memcpy(p->friends[0].pk, o.node_pk, 32);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_announce_open(&w, &o);
	assert_int_equal(request(nfd, IPC_ONION_ANNOUNCE_OPEN, &w), IPC_ERROR);
	assert_int_equal(onion_ops_stats.announces_opened, 1);
	assert_int_equal(onion_ops_stats.announces_refused, 3);
	assert_false(closed);
}

static void
friend_request_in_filters(void **state)
{
	struct profile			*p = create_profile();
	static uint8_t			 plain[1100], text[FRIEND_REQ_MSG_MAX];
	static uint8_t			 pks[34][32], sks[34][32];
	struct ipc_friend_request_in	 in;
	uint8_t				 bad_nospam[4];
	struct rd			 r;
	size_t				 i;

	for (i = 0; i < 34; i++)
		crypto_box_keypair(pks[i], sks[i]);
	/* pks[1] is a friend */
	p->friends = calloc(1, sizeof(*p->friends));
	assert_non_null(p->friends);
	p->nfriends = 1;
	p->friends[0].status = FRIEND_CONFIRMED;
	memcpy(p->friends[0].pk, pks[1], 32);

	memcpy(bad_nospam, p->nospam, 4);
	bad_nospam[3] ^= 1;
	data_in(pks[0], sks[0], plain, friend_req(plain, bad_nospam, "hi", 2));
	assert_int_equal(next_on(cfd), 0);
	assert_int_equal(onion_ops_stats.fr_bad_nospam, 1);

	data_in(pks[1], sks[1], plain, friend_req(plain, p->nospam, "hi", 2));
	assert_int_equal(next_on(cfd), 0);
	assert_int_equal(onion_ops_stats.fr_known, 1);

	/* a good one: exactly one, with the text and the sender */
	data_in(pks[0], sks[0], plain, friend_req(plain, p->nospam,
	    "hello there", 11));
	assert_int_equal(next_on(cfd), IPC_FRIEND_REQUEST_IN);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_friend_request_in(&r, &in), 0);
	assert_memory_equal(in.pk, pks[0], 32);
	assert_int_equal(in.len, 11);
	assert_memory_equal(in.msg, "hello there", 11);
	assert_int_equal(next_on(cfd), 0);

	/* the same stranger again: dropped */
	data_in(pks[0], sks[0], plain, friend_req(plain, p->nospam, "again",
	    5));
	assert_int_equal(next_on(cfd), 0);
	assert_int_equal(onion_ops_stats.fr_repeat, 1);

	/* 32 other strangers push it out of the ring; the longest text */
	memset(text, 'x', sizeof(text));
	for (i = 2; i < 34; i++) {
		data_in(pks[i], sks[i], plain, friend_req(plain, p->nospam,
		    (const char *)text, FRIEND_REQ_MSG_MAX));
		assert_int_equal(next_on(cfd), IPC_FRIEND_REQUEST_IN);
		assert_int_equal(rep.hdr.len, 32 + FRIEND_REQ_MSG_MAX);
	}
	data_in(pks[0], sks[0], plain, friend_req(plain, p->nospam, "back",
	    4));
	assert_int_equal(next_on(cfd), IPC_FRIEND_REQUEST_IN);
	assert_int_equal(onion_ops_stats.friend_requests, 34);

	/* no text at all */
	data_in(pks[2], sks[2], plain, friend_req(plain, p->nospam, "", 0));
	assert_int_equal(next_on(cfd), 0);
	assert_int_equal(onion_ops_stats.fr_malformed, 1);
	assert_false(closed);
}

static void
other_data_is_counted_and_dropped(void **state)
{
	struct profile		*p = create_profile();
	uint8_t			 pk[32], sk[32], plain[64], other_sk[32];
	uint8_t			 other_pk[32];

	crypto_box_keypair(pk, sk);
	crypto_box_keypair(other_pk, other_sk);
	memset(plain, 0, sizeof(plain));
	plain[0] = ONION_DATA_ID_DHTPK;
	data_in(pk, sk, plain, 1 + 8 + 32);
	plain[0] = 0x42;
	data_in(pk, sk, plain, 10);
	/* sealed by someone else than the sender netd names */
	friend_req(plain, p->nospam, "hi", 2);
	data_in(pk, other_sk, plain, 7);
	assert_int_equal(next_on(cfd), 0);
	/* a DHT-PK from a stranger goes no further than keyd */
	assert_int_equal(onion_ops_stats.dhtpk, 1);
	assert_int_equal(dhtpk_ops_stats.in_stranger, 1);
	assert_int_equal(onion_ops_stats.other_dropped, 1);
	assert_int_equal(onion_ops_stats.data_unopened, 1);
	assert_int_equal(onion_ops_stats.friend_requests, 0);
	assert_false(closed);
}

static void
friend_request_send_seals_for_the_friend(void **state)
{
	struct profile			*p = create_profile();
	static struct ipc_friend_request_send	fs;
	static struct ipc_onion_data_out	out;
	static uint8_t			 buf[2048], plain[2048];
	uint8_t				 fr_sk[32];
	struct wr			 w;
	struct rd			 r;
	size_t				 plen;

	crypto_box_keypair(fs.pk, fr_sk);
	memcpy(fs.nospam, "\x01\x02\x03\x04", 4);
	fs.len = FRIEND_REQ_SEND_MAX;
	memset(fs.msg, 'm', fs.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_request_send(&w, &fs);
	assert_int_equal(request(cfd, IPC_FRIEND_REQUEST_SEND, &w), IPC_OK);

	assert_int_equal(next_on(nfd), IPC_ONION_DATA_OUT);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_onion_data_out(&r, &out), 0);
	assert_memory_equal(out.dest_pk, fs.pk, 32);
	assert_int_equal(out.len, ONION_DATA_SEALED_SEND_MAX);
	assert_memory_equal(out.sealed, p->pk, 32);
	/* the friend opens it with its sk and our pk */
	assert_int_equal(crypto_box_open_easy(plain, out.sealed + 32,
	    out.len - 32, out.nonce, p->pk, fr_sk), 0);
	plen = out.len - 32 - ONION_MAC_LEN;
	assert_int_equal(plen, 1 + 4 + FRIEND_REQ_SEND_MAX);
	assert_int_equal(plain[0], ONION_DATA_ID_FRIEND_REQ);
	assert_memory_equal(plain + 1, "\x01\x02\x03\x04", 4);
	assert_memory_equal(plain + 5, fs.msg, fs.len);

	/* to ourselves: refused */
	memcpy(fs.pk, p->pk, 32);
	fs.len = 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_request_send(&w, &fs);
	assert_int_equal(request(cfd, IPC_FRIEND_REQUEST_SEND, &w), IPC_ERROR);
	assert_int_equal(error_code(), IPC_ERR_INVALID);

	/* netd gone: an ERROR, nothing queued anywhere */
	fs.pk[0] ^= 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_request_send(&w, &fs);
	chan_close(&kn, "netd restarts");
	assert_int_equal(request(cfd, IPC_FRIEND_REQUEST_SEND, &w), IPC_ERROR);
	assert_int_equal(error_code(), IPC_ERR_GONE);
	assert_int_equal(onion_ops_stats.requests_sealed, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(locked_refuses_everything,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    announce_seal_opens_with_the_nodes_key, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    announce_open_answers_the_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(friend_request_in_filters,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    other_data_is_counted_and_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    friend_request_send_seals_for_the_friend, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
