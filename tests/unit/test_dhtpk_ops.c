/*
 * keyd's DHT-PK operations (keyd/dhtpk_ops.c) over real channels: raw
 * "netd" and "chatd" ends send what those roles send; the friend's side
 * of every box is opened or sealed by hand with libsodium and the
 * friend's secret key.  Nothing keyd sends contains its secret key.
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
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "common/dhtpk.h"
#include "common/loop.h"
#include "common/onion_data.h"
#include "ipc/chan.h"
#include "ipc/msg_core.h"
#include "ipc/msg_dhtpk.h"
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
static uint8_t		fr_pk[32], fr_sk[32];	/* the friend */

static const struct chan_tables from_netd = {
	{ &onion_ops_from_netd, &dhtpk_ops_from_netd }
};
static const struct chan_tables from_chatd = {
	{ &onion_ops_from_chatd, &dhtpk_ops_from_chatd }
};

static void
on_close(struct chan *c, const char *why)
{
	closed = 1;
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

static int
setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/bh-dhtpk-ops-XXXXXX");
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
	dhtpk_ops_init(&kn, &kc);
	memset(&dhtpk_ops_stats, 0, sizeof(dhtpk_ops_stats));
	crypto_box_keypair(fr_pk, fr_sk);
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

/* A fresh identity whose only friend is fr_pk. */
static struct profile *
create_profile(void)
{
	struct identity	*id = keyd_profile_identity();
	struct profile	*p;
	struct id_err	 e;

	assert_int_equal(identity_create(id, NULL, 0, 1, &e), 0);
	p = id->prof;
	assert_non_null(p);
	p->friends = calloc(1, sizeof(*p->friends));
	assert_non_null(p->friends);
	p->nfriends = 1;
	p->friends[0].status = FRIEND_CONFIRMED;
	memcpy(p->friends[0].pk, fr_pk, 32);
	return p;
}

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

static void
notice(int fd, uint16_t type, const struct wr *w)
{
	assert_true(wr_ok(w));
	assert_int_equal(ipc_send(fd, type, 0, w->p, w->len, -1), 0);
	loop_once(1000);
}

static void
seal_req(struct ipc_dhtpk_seal *s, const uint8_t *to, uint8_t route)
{
	memset(s, 0, sizeof(*s));
	s->route = route;
	memcpy(s->f.pk, to, 32);
	randombytes_buf(s->f.dht_pk, 32);
	s->f.n = 2;
	s->f.nodes[0].family = PN_UDP4;
	memcpy(s->f.nodes[0].ip, "\xc6\x12\x00\x02", 4);
	s->f.nodes[0].port = 33445;
	randombytes_buf(s->f.nodes[0].pk, 32);
	s->f.nodes[1].family = PN_UDP6;
	s->f.nodes[1].ip[15] = 1;
	s->f.nodes[1].port = 443;
	randombytes_buf(s->f.nodes[1].pk, 32);
}

static uint16_t
ask_seal(const struct ipc_dhtpk_seal *s, struct ipc_dhtpk_sealed *out)
{
	uint8_t		buf[IPC_DHTPK_SEAL_MAX];
	struct wr	w;
	struct rd	r;
	uint16_t	t;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_dhtpk_seal(&w, s);
	assert_true(wr_ok(&w));
	if ((t = request(nfd, IPC_ONION_DHTPK_SEAL, &w)) ==
	    IPC_ONION_DHTPK_SEALED) {
		rd_init(&r, rep.data, rep.hdr.len);
		assert_int_equal(ipc_unpack_dhtpk_sealed(&r, out), 0);
	}
	return t;
}

/* The announcement inside matches the fields, no_replay is Unix time. */
static void
check_payload(const uint8_t *plain, size_t len,
    const struct ipc_dhtpk_seal *s, time_t t0, time_t t1)
{
	struct dhtpk	a;

	assert_int_equal(dhtpk_parse(plain, len, &a), 0);
	assert_true(a.no_replay >= (uint64_t)t0);
	assert_true(a.no_replay <= (uint64_t)t1);
	assert_memory_equal(a.dht_pk, s->f.dht_pk, 32);
	assert_int_equal(a.n, 2);
	assert_memory_equal(&a.nodes[0], &s->f.nodes[0], sizeof(a.nodes[0]));
	assert_memory_equal(&a.nodes[1], &s->f.nodes[1], sizeof(a.nodes[1]));
}

static void
seals_for_a_friend_only(void **state)
{
	struct ipc_dhtpk_seal		s;
	static struct ipc_dhtpk_sealed	out;
	struct profile			*p;
	uint8_t				stranger[32], ssk[32];

	/* no profile: refused */
	seal_req(&s, fr_pk, DHTPK_ROUTE_ONION);
	assert_int_equal(ask_seal(&s, &out), IPC_ERROR);
	p = create_profile();
	/* a stranger, ourselves: refused */
	crypto_box_keypair(stranger, ssk);
	seal_req(&s, stranger, DHTPK_ROUTE_ONION);
	assert_int_equal(ask_seal(&s, &out), IPC_ERROR);
	seal_req(&s, p->pk, DHTPK_ROUTE_DHT);
	assert_int_equal(ask_seal(&s, &out), IPC_ERROR);
	/* the friend, removed: refused */
	p->friends[0].status = FRIEND_NONE;
	seal_req(&s, fr_pk, DHTPK_ROUTE_DHT);
	assert_int_equal(ask_seal(&s, &out), IPC_ERROR);
	/* the locked one never reached the row */
	assert_int_equal(dhtpk_ops_stats.seal_refused, 3);
	assert_int_equal(dhtpk_ops_stats.sealed, 0);
	assert_false(closed);
}

static void
onion_seal_opens_with_the_friends_key(void **state)
{
	struct profile			*p = create_profile();
	struct ipc_dhtpk_seal		s;
	static struct ipc_dhtpk_sealed	out;
	uint8_t				key[32], sender[32];
	struct onion_data		d;
	uint8_t				plain[DHTPK_MAX_LEN];
	const uint8_t			*box;
	size_t				boxlen;
	time_t				t0, t1;

	seal_req(&s, fr_pk, DHTPK_ROUTE_ONION);
	t0 = time(NULL);
	assert_int_equal(ask_seal(&s, &out), IPC_ONION_DHTPK_SEALED);
	t1 = time(NULL);
	assert_int_equal(out.route, DHTPK_ROUTE_ONION);
	/* the inner layer of onion data: our pk || box, under the nonce */
	assert_int_equal(onion_data_split(out.sealed, out.len, sender, &box,
	    &boxlen), 0);
	assert_memory_equal(sender, p->pk, 32);
	assert_int_equal(crypto_box_beforenm(key, p->pk, fr_sk), 0);
	assert_int_equal(onion_data_open(key, out.nonce, box, boxlen, &d), 0);
	assert_int_equal(d.id, ONION_DATA_ID_DHTPK);
	plain[0] = d.id;
	memcpy(plain + 1, d.data, d.len);
	check_payload(plain, (size_t)d.len + 1, &s, t0, t1);
	/* under any other key it does not open */
	key[0] ^= 1;
	assert_int_equal(onion_data_open(key, out.nonce, box, boxlen, &d),
	    -1);
	assert_int_equal(dhtpk_ops_stats.sealed, 1);
}

static void
dht_seal_is_pk_nonce_box(void **state)
{
	struct profile			*p = create_profile();
	struct ipc_dhtpk_seal		s;
	static struct ipc_dhtpk_sealed	out;
	uint8_t				plain[DHTPK_MAX_LEN];
	size_t				boxlen;
	time_t				t0, t1;

	seal_req(&s, fr_pk, DHTPK_ROUTE_DHT);
	t0 = time(NULL);
	assert_int_equal(ask_seal(&s, &out), IPC_ONION_DHTPK_SEALED);
	t1 = time(NULL);
	assert_int_equal(out.route, DHTPK_ROUTE_DHT);
	/* c-toxcore's send_dht_dhtpk: our real pk || nonce || box */
	assert_memory_equal(out.sealed, p->pk, 32);
	assert_memory_equal(out.sealed + 32, out.nonce, 24);
	boxlen = out.len - 56;
	assert_int_equal(crypto_box_open_easy(plain, out.sealed + 56, boxlen,
	    out.nonce, p->pk, fr_sk), 0);
	check_payload(plain, boxlen - 16, &s, t0, t1);
	/* two seals: two nonces */
	{
		static struct ipc_dhtpk_sealed	out2;

		assert_int_equal(ask_seal(&s, &out2), IPC_ONION_DHTPK_SEALED);
		assert_memory_not_equal(out.nonce, out2.nonce, 24);
	}
}

/* ONION_DHTPK_IN as netd passes a 0x20 on: the friend sealed it. */
static void
dht_in(const uint8_t *outer, const uint8_t *spk, const uint8_t *ssk,
    const uint8_t *plain, size_t plen)
{
	static struct ipc_dhtpk_in	in;
	static uint8_t			buf[IPC_DHTPK_IN_MAX];
	struct identity			*id = keyd_profile_identity();
	struct wr			w;

	memcpy(in.outer_pk, outer, 32);
	memcpy(in.sender_pk, spk, 32);
	randombytes_buf(in.nonce, sizeof(in.nonce));
	assert_int_equal(crypto_box_easy(in.box, plain, plen, in.nonce,
	    id->prof->pk, ssk), 0);
	in.boxlen = (uint16_t)(plen + 16);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_dhtpk_in(&w, &in);
	notice(nfd, IPC_ONION_DHTPK_IN, &w);
}

static void
incoming_goes_to_chatd_from_friends_only(void **state)
{
	struct profile			*p = create_profile();
	static struct ipc_friend_dhtpk_in	fi;
	static struct ipc_onion_data_in	di;
	struct dhtpk			a;
	uint8_t				plain[DHTPK_MAX_LEN], outer[32];
	uint8_t				stranger[32], ssk[32], buf[2048];
	struct wr			w;
	struct rd			r;
	int				n;

	memset(&a, 0, sizeof(a));
	a.no_replay = 1234;
	randombytes_buf(a.dht_pk, 32);
	memcpy(outer, a.dht_pk, 32);
	n = dhtpk_pack(&a, plain, sizeof(plain));
	assert_true(n > 0);

	/* by the DHT, from the friend: to chatd, with the outer key */
	dht_in(outer, fr_pk, fr_sk, plain, (size_t)n);
	assert_int_equal(next_on(cfd), IPC_FRIEND_DHTPK_IN);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_friend_dhtpk_in(&r, &fi), 0);
	assert_int_equal(fi.route, DHTPK_ROUTE_DHT);
	assert_memory_equal(fi.pk, fr_pk, 32);
	assert_memory_equal(fi.outer_pk, outer, 32);
	assert_int_equal(fi.len, n);
	assert_memory_equal(fi.data, plain, n);

	/* from a stranger, or sealed by someone else: nothing */
	crypto_box_keypair(stranger, ssk);
	dht_in(outer, stranger, ssk, plain, (size_t)n);
	dht_in(outer, fr_pk, ssk, plain, (size_t)n);
	assert_int_equal(next_on(cfd), 0);
	assert_int_equal(dhtpk_ops_stats.in_stranger, 1);
	assert_int_equal(dhtpk_ops_stats.in_unopened, 1);

	/* by the onion: to chatd with the id byte, no outer key */
	memcpy(di.sender_pk, fr_pk, 32);
	randombytes_buf(di.nonce, sizeof(di.nonce));
	assert_int_equal(crypto_box_easy(di.box, plain, (size_t)n, di.nonce,
	    p->pk, fr_sk), 0);
	di.boxlen = (uint16_t)(n + 16);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_data_in(&w, &di);
	notice(nfd, IPC_ONION_DATA_IN, &w);
	assert_int_equal(next_on(cfd), IPC_FRIEND_DHTPK_IN);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_friend_dhtpk_in(&r, &fi), 0);
	assert_int_equal(fi.route, DHTPK_ROUTE_ONION);
	assert_memory_equal(fi.data, plain, n);
	assert_int_equal(dhtpk_ops_stats.in_passed, 2);
	assert_false(closed);
}

static void
relays_chatds_friends_to_netd(void **state)
{
	struct ipc_friend_net	f;
	struct ipc_friend_dht	fd;
	static struct ipc_friend_dht	got;
	uint8_t			buf[256];
	struct wr		w;
	struct rd		r;

	(void)create_profile();
	memcpy(f.pk, fr_pk, 32);
	f.state = FRIEND_NET_OFFLINE;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_net(&w, &f);
	notice(cfd, IPC_FRIEND_NET, &w);
	assert_int_equal(next_on(nfd), IPC_ONION_FRIEND);
	assert_memory_equal(rep.data, fr_pk, 32);
	assert_int_equal(rep.data[32], FRIEND_NET_OFFLINE);

	/* a stranger is not searched for; a removal always passes */
	randombytes_buf(f.pk, 32);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_net(&w, &f);
	notice(cfd, IPC_FRIEND_NET, &w);
	assert_int_equal(next_on(nfd), 0);
	f.state = FRIEND_NET_GONE;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_net(&w, &f);
	notice(cfd, IPC_FRIEND_NET, &w);
	assert_int_equal(next_on(nfd), IPC_ONION_FRIEND);

	memset(&fd, 0, sizeof(fd));
	memcpy(fd.pk, fr_pk, 32);
	randombytes_buf(fd.dht_pk, 32);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_dht(&w, &fd);
	notice(cfd, IPC_FRIEND_DHT_LEARNED, &w);
	assert_int_equal(next_on(nfd), IPC_ONION_FRIEND_DHT);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_friend_dht(&r, &got), 0);
	assert_memory_equal(got.dht_pk, fd.dht_pk, 32);
	randombytes_buf(fd.pk, 32);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_dht(&w, &fd);
	notice(cfd, IPC_FRIEND_DHT_LEARNED, &w);
	assert_int_equal(next_on(nfd), 0);
	assert_int_equal(dhtpk_ops_stats.relay_refused, 2);

	/* netd comes back: every stored friend again */
	dhtpk_ops_netd_up();
	assert_int_equal(next_on(nfd), IPC_ONION_FRIEND);
	assert_memory_equal(rep.data, fr_pk, 32);
	assert_int_equal(next_on(nfd), 0);
	assert_false(closed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(seals_for_a_friend_only,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    onion_seal_opens_with_the_friends_key, setup, teardown),
		cmocka_unit_test_setup_teardown(dht_seal_is_pk_nonce_box,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    incoming_goes_to_chatd_from_friends_only, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    relays_chatds_friends_to_netd, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
