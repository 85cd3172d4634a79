/*
 * keyd's partial-download rows over a real channel: a raw "frontend" end
 * sends PARTIAL_PUT, GET and DEL.  Before a profile is loaded each is
 * answered ERROR "no profile loaded"; after, a put for a stored friend is
 * answered OK and found by GET, also by a keyd that loads the profile
 * again (the file is on disk); a put for a stranger is refused; a delete
 * is OK with or without a record; a malformed payload closes the channel.
 */
#include <sys/socket.h>

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

#include "common/log.h"
#include "common/loop.h"
#include "ipc/chan.h"
#include "ipc/msg_core.h"
#include "ipc/msg_partial.h"
#include "ipc/msg_profile.h"
#include "keyd/partials_ops.h"
#include "keyd/profile.h"
#include "keyd/profile_dispatch.h"

static struct chan	kc;
static int		fe = -1, closed;
static char		dir[64], path[96];
static struct ipc_msg	rep;
static uint8_t		friend_pk[TOX_PK_LEN], stranger_pk[TOX_PK_LEN];
static uint8_t		fid[PARTIAL_FILE_ID_LEN];

static const struct chan_tables from_frontend = {
	{ &keyd_profile_table, &partials_ops_from_frontend }
};

static void
on_close(struct chan *c, const char *why)
{
	closed = 1;
}

static void
on_event(enum keyd_profile_event ev, void *arg)
{
	if (ev == KEYD_PROFILE_LOADED)
		partials_ops_profile_loaded();
}

static void
open_chan(void)
{
	struct ipc_hello	h;
	uint8_t			buf[64];
	struct wr		w;
	int			sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC,
	    0, sv), 0);
	closed = 0;
	chan_open(&kc, sv[0], ROLE_KEYD, ROLE_FRONTEND, &from_frontend,
	    on_close, NULL);
	fe = sv[1];
	h.role = ROLE_FRONTEND;
	memcpy(h.build_id, ipc_build_id, sizeof(h.build_id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &h);
	assert_int_equal(ipc_send(fe, IPC_HELLO, 0, buf, wr_len(&w), -1), 0);
	assert_int_equal(ipc_recv(fe, &rep), 1);
	assert_int_equal(rep.hdr.type, IPC_HELLO);
}

static void
close_chan(void)
{
	if (kc.open)
		chan_close(&kc, "test over");
	close(fe);
}

static int
setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/bh-ptops-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/profile.tox", dir);
	if (keyd_profile_open(path, on_event, NULL) == -1)
		return -1;
	loop_init();
	open_chan();
	return 0;
}

static int
teardown(void **state)
{
	char	cmd[128];

	close_chan();
	keyd_profile_close();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Sends a request, lets keyd run, returns the reply type (0: closed). */
static uint16_t
request(uint16_t type, const struct wr *w)
{
	static uint32_t	id = 100;

	id++;
	assert_int_equal(ipc_send(fe, type, id, w->p, w->len, -1), 0);
	loop_once(1000);
	if (closed)
		return 0;
	assert_int_equal(ipc_recv(fe, &rep), 1);
	assert_int_equal(rep.hdr.id, id);
	return rep.hdr.type;
}

static void
assert_error(uint16_t code, const char *text)
{
	struct ipc_error	e;
	struct rd		r;

	assert_int_equal(rep.hdr.type, IPC_ERROR);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_error(&r, &e), 0);
	assert_int_equal(e.code, code);
	if (text != NULL)
		assert_string_equal(e.text, text);
}

static uint16_t
put(const uint8_t *pk, uint64_t size, const char *p)
{
	static struct ipc_partial_put	m;
	static uint8_t			buf[IPC_PARTIAL_PUT_MAX];
	struct wr			w;

	memcpy(m.key.pk, pk, TOX_PK_LEN);
	memcpy(m.key.file_id, fid, sizeof(fid));
	m.size = size;
	m.len = (uint16_t)strlen(p);
	memcpy(m.path, p, m.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_partial_put(&w, &m);
	assert_true(wr_ok(&w));
	return request(IPC_PARTIAL_PUT, &w);
}

static uint16_t
keyed(uint16_t type, const uint8_t *pk)
{
	struct ipc_partial_key	k;
	uint8_t			buf[IPC_PARTIAL_KEY_LEN];
	struct wr		w;

	memcpy(k.pk, pk, TOX_PK_LEN);
	memcpy(k.file_id, fid, sizeof(fid));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_partial_key(&w, &k);
	return request(type, &w);
}

static void
get(const uint8_t *pk, struct ipc_partial_ans *a)
{
	struct rd	r;

	assert_int_equal(keyed(IPC_PARTIAL_GET, pk), IPC_PARTIAL_ANS);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_partial_ans(&r, a), 0);
}

/* A plain profile with one friend (added in memory: only keyd's check
 * of the key needs it). */
static void
create_with_friend(void)
{
	struct ipc_profile_create	 cr;
	struct identity			*id;
	struct profile			*p;
	uint8_t				 buf[2048];
	struct wr			 w;

	memset(&cr, 0, sizeof(cr));
	cr.flags = IPC_PF_NOPASS;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_profile_create(&w, &cr);
	assert_int_equal(request(IPC_PROFILE_CREATE, &w), IPC_ID_ANS);
	assert_non_null(id = keyd_profile_identity());
	assert_non_null(p = id->prof);
	assert_non_null(p->friends = calloc(1, sizeof(*p->friends)));
	p->nfriends = 1;
	p->friends[0].status = FRIEND_CONFIRMED;
	memcpy(p->friends[0].pk, friend_pk, TOX_PK_LEN);
}

static void
partials_ops_round_trip(void **state)
{
	static struct ipc_partial_ans	a;

	/* no profile yet */
	assert_int_equal(put(friend_pk, 5, "/dl/x"), IPC_ERROR);
	assert_error(IPC_ERR_STATE, "no profile loaded");
	assert_int_equal(keyed(IPC_PARTIAL_GET, friend_pk), IPC_ERROR);
	assert_error(IPC_ERR_STATE, "no profile loaded");
	assert_int_equal(keyed(IPC_PARTIAL_DEL, friend_pk), IPC_ERROR);
	assert_error(IPC_ERR_STATE, "no profile loaded");

	create_with_friend();
	get(friend_pk, &a);
	assert_int_equal(a.found, 0);
	assert_int_equal(put(stranger_pk, 5, "/dl/x"), IPC_ERROR);
	assert_error(IPC_ERR_NOTFOUND, NULL);
	assert_int_equal(put(friend_pk, 123456, "/home/u/dl/movie.mkv"),
	    IPC_OK);
	get(friend_pk, &a);
	assert_int_equal(a.found, 1);
	assert_true(a.size == 123456);
	assert_string_equal(a.path, "/home/u/dl/movie.mkv");
	get(stranger_pk, &a);
	assert_int_equal(a.found, 0);

	/* a keyd that loads the profile again finds it on disk */
	close_chan();
	keyd_profile_close();
	assert_int_equal(keyd_profile_open(path, on_event, NULL), 0);
	open_chan();
	get(friend_pk, &a);
	assert_int_equal(a.found, 1);
	assert_string_equal(a.path, "/home/u/dl/movie.mkv");

	assert_int_equal(keyed(IPC_PARTIAL_DEL, friend_pk), IPC_OK);
	get(friend_pk, &a);
	assert_int_equal(a.found, 0);
	assert_int_equal(keyed(IPC_PARTIAL_DEL, friend_pk), IPC_OK);
	assert_false(closed);
}

static void
partials_ops_closes_on_malformed(void **state)
{
	static uint8_t	buf[IPC_PARTIAL_PUT_MIN + 8];
	struct wr	w;

	create_with_friend();
	/* a NUL in the path: the catalogue lets the length through, the
	 * unpacker refuses it, the channel closes */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, friend_pk, TOX_PK_LEN);
	buf[72] = '/';
	wr_init(&w, buf, sizeof(buf));
	w.len = 74;
	assert_int_equal(request(IPC_PARTIAL_PUT, &w), 0);
	assert_true(closed);
}

static int
init(void **state)
{
	log_init("test", LOG_LVL_ERROR);
	memset(friend_pk, 0x5a, sizeof(friend_pk));
	memset(stranger_pk, 0x66, sizeof(stranger_pk));
	memset(fid, 0xf1, sizeof(fid));
	return sodium_init() < 0 ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(partials_ops_round_trip,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    partials_ops_closes_on_malformed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, init, NULL);
}
