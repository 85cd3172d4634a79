/*
 * keyd's side of the friend list over a real channel, with a raw
 * "chatd" end: the list goes to chatd when the profile loads and again
 * (same numbers) when chatd comes back; FRIEND_ADD refuses our own key,
 * a key already stored and a number in use; what keyd
 * answered OK is in the profile file once pending writes are flushed;
 * FRIEND_DEL takes a friend out of it.
 */
#include <sys/socket.h>

#include <poll.h>
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
#include "keyd/friends.h"
#include "keyd/identity.h"
#include "keyd/profile_dispatch.h"
#include "keyd/savedata.h"

static struct chan	kc;
static int		cfd = -1, closed;
static char		dir[64], path[96];
static struct ipc_msg	got;

static const struct chan_tables from_chatd = { { &keyd_friends_from_chatd } };

static void
on_close(struct chan *c, const char *why)
{
	closed = 1;
}

static int
open_chatd(void)
{
	struct ipc_hello	h;
	uint8_t			buf[64];
	struct wr		w;
	int			sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	chan_open(&kc, sv[0], ROLE_KEYD, ROLE_CHATD, &from_chatd, on_close,
	    NULL);
	cfd = sv[1];
	h.role = ROLE_CHATD;
	memcpy(h.build_id, ipc_build_id, sizeof(h.build_id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &h);
	if (ipc_send(cfd, IPC_HELLO, 0, buf, wr_len(&w), -1) == -1 ||
	    ipc_recv(cfd, &got) != 1 || got.hdr.type != IPC_HELLO)
		return -1;
	return 0;
}

static int
setup(void **state)
{
	struct id_err	e;

	if (sodium_init() < 0)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/bh-kfriends-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/profile.tox", dir);
	loop_init();
	closed = 0;
	keyd_friends_init(&kc);
	if (keyd_profile_open(path, NULL, NULL) == -1 ||
	    identity_create(keyd_profile_identity(), NULL, 0, 1, &e) == -1)
		return -1;
	return open_chatd();
}

static int
teardown(void **state)
{
	char	cmd[128];

	chan_close(&kc, "test over");
	close(cfd);
	keyd_profile_close();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static uint16_t
next(void)
{
	struct pollfd	p = { .fd = cfd, .events = POLLIN };
	int		i;

	do {
		for (i = 0; i < 50 && poll(&p, 1, 0) != 1; i++)
			loop_once(100);
		if (poll(&p, 1, 0) != 1)
			return 0;
		assert_int_equal(ipc_recv(cfd, &got), 1);
		/* what friends are told about us follows every list */
	} while (got.hdr.type == IPC_SELF_INFO);
	return got.hdr.type;
}

static void
key(uint8_t pk[TOX_PK_LEN], int v)
{
	memset(pk, 0x33, TOX_PK_LEN);
	pk[0] = (uint8_t)v;
}

/* FRIEND_ADD; the answer's type (and the error's code in *code). */
static uint16_t
add(uint16_t number, const uint8_t *pk, uint8_t status, uint16_t *code)
{
	static uint32_t		id = 10;
	struct ipc_friend_add	a;
	struct ipc_error	e;
	uint8_t			buf[IPC_FRIEND_ADD_MAX];
	struct wr		w;
	struct rd		r;

	memset(&a, 0, sizeof(a));
	a.number = number;
	memcpy(a.pk, pk, TOX_PK_LEN);
	a.nospam[0] = 7;
	a.status = status;
	a.request_len = status == 1 ? 3 : 0;
	memcpy(a.request, "hey", a.request_len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_add(&w, &a);
	assert_int_equal(ipc_send(cfd, IPC_FRIEND_ADD, ++id, buf, w.len, -1),
	    0);
	assert_int_not_equal(next(), 0);
	assert_int_equal(got.hdr.id, id);
	if (got.hdr.type == IPC_ERROR) {
		rd_init(&r, got.data, got.hdr.len);
		assert_int_equal(ipc_unpack_error(&r, &e), 0);
		*code = e.code;
	}
	return got.hdr.type;
}

static void
load(struct ipc_friends_load *ld)
{
	struct rd	r;

	assert_int_equal(next(), IPC_FRIENDS_LOAD);
	rd_init(&r, got.data, got.hdr.len);
	assert_int_equal(ipc_unpack_friends_load(&r, ld), 0);
}

/* The profile file as it is on disk now. */
static struct profile *
on_disk(void)
{
	static uint8_t	 buf[1 << 20];
	struct profile	*p;
	FILE		*f;
	size_t		 n;

	assert_non_null(f = fopen(path, "rb"));
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(savedata_parse(buf, n, &p), SD_OK);
	return p;
}

static void
list_adds_and_refusals(void **state)
{
	static struct ipc_friends_load	 ld;
	struct profile			*self = keyd_profile_identity()->prof;
	struct profile			*p;
	uint8_t				 pk[TOX_PK_LEN], buf[TOX_PK_LEN];
	uint16_t			 code = 0;

	keyd_friends_profile_loaded();
	load(&ld);
	assert_int_equal(ld.flags, FRIENDS_LOAD_FIRST | FRIENDS_LOAD_LAST);
	assert_int_equal(ld.count, 0);
	assert_memory_equal(ld.self_pk, self->pk, TOX_PK_LEN);

	key(pk, 1);
	assert_int_equal(add(4, pk, 1, &code), IPC_OK);
	key(pk, 2);
	assert_int_equal(add(0, pk, 3, &code), IPC_OK);
	/* refused: ourselves, a stored key, a number in use */
	assert_int_equal(add(9, self->pk, 3, &code), IPC_ERROR);
	assert_int_equal(code, IPC_ERR_INVALID);
	assert_int_equal(add(9, pk, 3, &code), IPC_ERROR);
	assert_int_equal(code, IPC_ERR_INVALID);
	key(pk, 3);
	assert_int_equal(add(4, pk, 1, &code), IPC_ERROR);
	assert_int_equal(code, IPC_ERR_STATE);
	assert_int_equal(self->nfriends, 2);

	/* what was answered OK is on disk once flushed */
	keyd_friends_flush();
	p = on_disk();
	assert_int_equal(p->nfriends, 2);
	key(pk, 1);
	assert_memory_equal(p->friends[0].pk, pk, TOX_PK_LEN);
	assert_int_equal(p->friends[0].status, 1);
	assert_int_equal(p->friends[0].request_len, 3);
	assert_int_equal(p->friends[0].nospam[0], 7);
	assert_int_equal(p->friends[1].status, 3);
	profile_free(p);

	/* chatd comes back: the same numbers */
	keyd_friends_chatd_up();
	load(&ld);
	assert_int_equal(ld.count, 2);
	assert_int_equal(ld.recs[0].number, 0);
	key(pk, 2);
	assert_memory_equal(ld.recs[0].pk, pk, TOX_PK_LEN);
	assert_int_equal(ld.recs[1].number, 4);
	assert_int_equal(ld.recs[1].request_len, 3);

	/* del: gone from memory and disk; unknown: NOTFOUND */
	key(pk, 1);
	memcpy(buf, pk, sizeof(buf));
	assert_int_equal(ipc_send(cfd, IPC_FRIEND_DEL, 99, buf, sizeof(buf),
	    -1), 0);
	assert_int_equal(next(), IPC_OK);
	assert_int_equal(ipc_send(cfd, IPC_FRIEND_DEL, 100, buf, sizeof(buf),
	    -1), 0);
	assert_int_equal(next(), IPC_ERROR);
	keyd_friends_flush();
	p = on_disk();
	assert_int_equal(p->nfriends, 1);
	key(pk, 2);
	assert_memory_equal(p->friends[0].pk, pk, TOX_PK_LEN);
	profile_free(p);
	/* its number is free again */
	key(pk, 5);
	assert_int_equal(add(4, pk, 1, &code), IPC_OK);
	assert_false(closed);
}

static void
numbers_follow_profile_order(void **state)
{
	static struct ipc_friends_load	 ld;
	struct profile			*p = keyd_profile_identity()->prof;
	uint8_t				 pk[TOX_PK_LEN];
	uint16_t			 code;
	int				 i;

	/* a profile from elsewhere: 20 friends, one empty slot */
	assert_non_null(p->friends = calloc(20, sizeof(*p->friends)));
	p->nfriends = 20;
	for (i = 0; i < 20; i++) {
		p->friends[i].status = i == 5 ? 0 : 3;
		key(p->friends[i].pk, 100 + i);
	}
	keyd_friends_profile_loaded();
	load(&ld);
	assert_int_equal(ld.flags, FRIENDS_LOAD_FIRST);
	assert_int_equal(ld.count, FRIENDS_LOAD_BATCH);
	assert_int_equal(ld.recs[5].number, 5);
	key(pk, 106);			/* slot 5 was empty: no number */
	assert_memory_equal(ld.recs[5].pk, pk, TOX_PK_LEN);
	load(&ld);
	assert_int_equal(ld.flags, FRIENDS_LOAD_LAST);
	assert_int_equal(ld.count, 3);
	assert_int_equal(ld.recs[2].number, 18);
	/* numbers past the list are free; a used one is refused */
	key(pk, 1);
	assert_int_equal(add(18, pk, 1, &code), IPC_ERROR);
	assert_int_equal(add(19, pk, 1, &code), IPC_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(list_adds_and_refusals,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(numbers_follow_profile_order,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
