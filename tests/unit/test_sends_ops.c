/*
 * keyd's rows for files being sent, over a real channel: a raw
 * "frontend" end sends SEND_ID and SEND_DEL.  Before a profile is loaded
 * each is answered ERROR "no profile loaded"; after, SEND_ID for a
 * stranger is refused, and for a friend gives a new id (again 0), the
 * same id for the same path and stamp (again 1, also from a keyd that
 * loads the profile again: it is on disk), a new one when any of the
 * stamp changed; SEND_DEL forgets it (OK with or without a record); a
 * damaged file on disk costs the old ids, never an answer; a malformed
 * payload closes the channel.
 */
#include <sys/socket.h>

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

#include "common/log.h"
#include "common/loop.h"
#include "ipc/chan.h"
#include "ipc/msg_core.h"
#include "ipc/msg_partial.h"
#include "ipc/msg_profile.h"
#include "keyd/profile.h"
#include "keyd/profile_dispatch.h"
#include "keyd/sends_ops.h"

static struct chan	kc;
static int		fe = -1, closed;
static char		dir[64], path[96], sdpath[128];
static struct ipc_msg	rep;
static uint8_t		friend_pk[TOX_PK_LEN], stranger_pk[TOX_PK_LEN];

static const struct chan_tables from_frontend = {
	{ &keyd_profile_table, &sends_ops_from_frontend }
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
		sends_ops_profile_loaded();
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
	snprintf(dir, sizeof(dir), "/tmp/bh-sdops-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/profile.tox", dir);
	snprintf(sdpath, sizeof(sdpath), "%s/profile.tox.sends", dir);
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

static const char	file[] = "/home/u/film.mkv";

/* SEND_ID for pk and file with that stamp: the reply type; the answer
 * in *a when it is SEND_ID_ANS. */
static uint16_t
send_id(const uint8_t *pk, uint64_t size, uint64_t mtime,
    struct ipc_send_id_ans *a)
{
	static struct ipc_send_id	m;
	static uint8_t			buf[IPC_SEND_ID_MAX];
	struct wr			w;
	struct rd			r;
	uint16_t			t;

	memset(&m, 0, sizeof(m));
	memcpy(m.pk, pk, TOX_PK_LEN);
	m.size = size;
	m.mtime = mtime;
	m.dev = 0x803;
	m.ino = 77;
	m.len = (uint16_t)strlen(file);
	memcpy(m.path, file, m.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_send_id(&w, &m);
	assert_true(wr_ok(&w));
	if ((t = request(IPC_SEND_ID, &w)) == IPC_SEND_ID_ANS) {
		rd_init(&r, rep.data, rep.hdr.len);
		assert_int_equal(ipc_unpack_send_id_ans(&r, a), 0);
	}
	return t;
}

static uint16_t
send_del(const uint8_t *pk, const uint8_t *id)
{
	struct ipc_partial_key	k;
	uint8_t			buf[IPC_PARTIAL_KEY_LEN];
	struct wr		w;

	memcpy(k.pk, pk, TOX_PK_LEN);
	memcpy(k.file_id, id, sizeof(k.file_id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_partial_key(&w, &k);
	return request(IPC_SEND_DEL, &w);
}

static void	add_friend(void);

/* A keyd that loads the profile again (the friend added in memory as
 * create_with_friend did: the saved list does not have it). */
static void
reopen(void)
{
	close_chan();
	keyd_profile_close();
	assert_int_equal(keyd_profile_open(path, on_event, NULL), 0);
	open_chan();
	add_friend();
}

/* A plain profile with one friend (added in memory: only keyd's check
 * of the key needs it). */
static void
create_with_friend(void)
{
	struct ipc_profile_create	 cr;
	uint8_t				 buf[2048];
	struct wr			 w;

	memset(&cr, 0, sizeof(cr));
	cr.flags = IPC_PF_NOPASS;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_profile_create(&w, &cr);
	assert_int_equal(request(IPC_PROFILE_CREATE, &w), IPC_ID_ANS);
	add_friend();
}

static void
add_friend(void)
{
	struct identity	*id;
	struct profile	*p;

	assert_non_null(id = keyd_profile_identity());
	assert_non_null(p = id->prof);
	assert_non_null(p->friends = calloc(1, sizeof(*p->friends)));
	p->nfriends = 1;
	p->friends[0].status = FRIEND_CONFIRMED;
	memcpy(p->friends[0].pk, friend_pk, TOX_PK_LEN);
}

static void
sends_ops_round_trip(void **state)
{
	struct ipc_send_id_ans	a, b;
	uint8_t			zero[PARTIAL_FILE_ID_LEN];
	int			fd;

	memset(zero, 0, sizeof(zero));
	/* no profile yet */
	assert_int_equal(send_id(friend_pk, 5, 1, &a), IPC_ERROR);
	assert_error(IPC_ERR_STATE, "no profile loaded");
	assert_int_equal(send_del(friend_pk, zero), IPC_ERROR);
	assert_error(IPC_ERR_STATE, "no profile loaded");

	create_with_friend();
	assert_int_equal(send_id(stranger_pk, 5, 1, &a), IPC_ERROR);
	assert_error(IPC_ERR_NOTFOUND, "not a friend");
	/* new, then the same file again */
	assert_int_equal(send_id(friend_pk, 5000, 1, &a), IPC_SEND_ID_ANS);
	assert_int_equal(a.again, 0);
	assert_memory_not_equal(a.file_id, zero, sizeof(zero));
	assert_int_equal(send_id(friend_pk, 5000, 1, &b), IPC_SEND_ID_ANS);
	assert_int_equal(b.again, 1);
	assert_memory_equal(b.file_id, a.file_id, sizeof(a.file_id));
	/* changed (a later mtime): a new id, which then stays */
	assert_int_equal(send_id(friend_pk, 5000, 2, &b), IPC_SEND_ID_ANS);
	assert_int_equal(b.again, 0);
	assert_memory_not_equal(b.file_id, a.file_id, sizeof(a.file_id));
	a = b;

	/* a keyd that loads the profile again has it on disk */
	reopen();
	assert_int_equal(send_id(friend_pk, 5000, 2, &b), IPC_SEND_ID_ANS);
	assert_int_equal(b.again, 1);
	assert_memory_equal(b.file_id, a.file_id, sizeof(a.file_id));

	/* sent whole: forgotten; a second delete is OK too */
	assert_int_equal(send_del(friend_pk, a.file_id), IPC_OK);
	assert_int_equal(send_del(friend_pk, a.file_id), IPC_OK);
	assert_int_equal(send_id(friend_pk, 5000, 2, &b), IPC_SEND_ID_ANS);
	assert_int_equal(b.again, 0);
	assert_memory_not_equal(b.file_id, a.file_id, sizeof(a.file_id));
	a = b;

	/* a damaged file: the ids in it are lost, the answers are not */
	reopen();
	assert_true((fd = open(sdpath, O_WRONLY | O_TRUNC)) != -1);
	assert_int_equal(write(fd, "BHsendid\0\0\0\1 damaged", 20), 20);
	close(fd);
	reopen();
	assert_int_equal(send_id(friend_pk, 5000, 2, &b), IPC_SEND_ID_ANS);
	assert_int_equal(b.again, 0);
	assert_memory_not_equal(b.file_id, a.file_id, sizeof(a.file_id));
	a = b;
	reopen();				/* and the file is whole again */
	assert_int_equal(send_id(friend_pk, 5000, 2, &b), IPC_SEND_ID_ANS);
	assert_int_equal(b.again, 1);
	assert_memory_equal(b.file_id, a.file_id, sizeof(a.file_id));
	assert_false(closed);
}

static void
sends_ops_closes_on_malformed(void **state)
{
	static uint8_t	buf[IPC_SEND_ID_MIN + 8];
	struct wr	w;

	create_with_friend();
	/* a NUL in the path: the catalogue lets the length through, the
	 * unpacker refuses it, the channel closes */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, friend_pk, TOX_PK_LEN);
	buf[64] = '/';
	wr_init(&w, buf, sizeof(buf));
	w.len = 66;
	assert_int_equal(request(IPC_SEND_ID, &w), 0);
	assert_true(closed);
}

static int
init(void **state)
{
	log_init("test", LOG_LVL_ERROR);
	memset(friend_pk, 0x5a, sizeof(friend_pk));
	memset(stranger_pk, 0x66, sizeof(stranger_pk));
	return sodium_init() < 0 ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(sends_ops_round_trip,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    sends_ops_closes_on_malformed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, init, NULL);
}
