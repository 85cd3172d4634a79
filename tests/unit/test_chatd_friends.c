/*
 * chatd's friends: the table (numbers, bounds, the request schedule), the
 * inbox (bounds, one per key, newest kept), and the handlers over real
 * channels, with raw "keyd" and "frontend" ends: a request keyd opened
 * reaches the inbox and the frontend; accept asks keyd to store the
 * friend; decline drops it; add asks keyd, then sends the request at
 * once and keeps it scheduled when keyd cannot send it yet.
 */
#include <sys/socket.h>

#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "chatd/friend_ops.h"
#include "chatd/friends.h"
#include "chatd/inbox.h"
#include "common/loop.h"
#include "common/mono.h"
#include "ipc/chan.h"
#include "ipc/msg_core.h"
#include "ipc/msg_dhtpk.h"
#include "ipc/msg_friend.h"

static void
key(uint8_t pk[TOX_PK_LEN], int v)
{
	memset(pk, 0, TOX_PK_LEN);
	pk[0] = (uint8_t)(v >> 8);
	pk[1] = (uint8_t)v;
	pk[31] = 0x5a;
}

static void
table_numbers_lowest_free_and_bounded(void **state)
{
	static struct friends	fs;
	uint8_t			pk[TOX_PK_LEN];
	int			i;

	friends_reset(&fs);
	for (i = 0; i < FRIEND_NUM_MAX; i++) {
		key(pk, i);
		assert_int_equal(friends_free_slot(&fs), i);
		assert_non_null(friends_take(&fs, (unsigned)i, pk));
	}
	assert_int_equal(friends_free_slot(&fs), -1);
	assert_int_equal(friends_count(&fs), FRIEND_NUM_MAX);
	key(pk, 7);
	assert_null(friends_take(&fs, 7, pk));		/* taken */
	assert_null(friends_take(&fs, FRIEND_NUM_MAX, pk));
	assert_null(friends_get(&fs, FRIEND_NUM_MAX));
	assert_int_equal(friends_find(&fs, pk), 7);
	friends_del(&fs, 7);
	friends_del(&fs, 3);
	assert_int_equal(friends_find(&fs, pk), -1);
	assert_null(friends_get(&fs, 7));
	/* the others keep their numbers; the lowest hole is next */
	key(pk, 8);
	assert_int_equal(friends_find(&fs, pk), 8);
	assert_int_equal(friends_free_slot(&fs), 3);
	assert_int_equal(friends_count(&fs), FRIEND_NUM_MAX - 2);
}

static void
table_resend_doubles_to_the_cap(void **state)
{
	static struct friends	 fs;
	struct friend		*f;
	uint8_t			 pk[TOX_PK_LEN];
	uint64_t		 now = 1000, want = FRIEND_RESEND_FIRST_MS;
	int			 i;

	friends_reset(&fs);
	key(pk, 1);
	f = friends_take(&fs, 4, pk);
	assert_int_equal(friends_next_due(&fs), 0);
	assert_int_equal(friends_take_due(&fs, now), -1);
	friends_resend_start(f, now);
	assert_int_equal(friends_next_due(&fs), now);	/* at once */
	for (i = 0; i < 20; i++) {
		assert_int_equal(friends_take_due(&fs, now), 4);
		assert_int_equal(friends_take_due(&fs, now), -1);
		assert_int_equal(friends_next_due(&fs), now + want);
		/* not a millisecond early */
		assert_int_equal(friends_take_due(&fs, now + want - 1), -1);
		now += want;
		want = want * 2 > FRIEND_RESEND_MAX_MS ?
		    FRIEND_RESEND_MAX_MS : want * 2;
	}
	assert_int_equal(want, FRIEND_RESEND_MAX_MS);
	/* a pending friend (keyd has not stored it) is not sent yet */
	f->pending = 1;
	assert_int_equal(friends_next_due(&fs), 0);
}

static void
inbox_one_per_key_newest_kept_oldest_evicted(void **state)
{
	static struct inbox	ib;
	uint8_t			pk[TOX_PK_LEN], big[FRIEND_REQ_MSG_MAX + 1];
	int			i;

	inbox_init(&ib);
	key(pk, 1);
	assert_int_equal(inbox_put(&ib, pk, (const uint8_t *)"a", 1),
	    INBOX_NEW);
	assert_int_equal(inbox_put(&ib, pk, (const uint8_t *)"a", 1),
	    INBOX_SAME);
	key(pk, 2);
	assert_int_equal(inbox_put(&ib, pk, (const uint8_t *)"b", 1),
	    INBOX_NEW);
	key(pk, 1);
	assert_int_equal(inbox_put(&ib, pk, (const uint8_t *)"a2", 2),
	    INBOX_REPLACED);
	assert_int_equal(ib.n, 2);
	assert_int_equal(inbox_find(&ib, pk), 1);	/* now the newest */
	assert_memory_equal(ib.r[1].msg, "a2", 2);
	memset(big, 'x', sizeof(big));
	assert_int_equal(inbox_put(&ib, pk, big, 0), -1);
	assert_int_equal(inbox_put(&ib, pk, big, sizeof(big)), -1);
	assert_int_equal(inbox_put(&ib, pk, big, sizeof(big) - 1),
	    INBOX_REPLACED);
	for (i = 3; i < INBOX_MAX + 1; i++) {
		key(pk, i);
		assert_int_equal(inbox_put(&ib, pk, (const uint8_t *)"c", 1),
		    INBOX_NEW);
	}
	assert_int_equal(ib.n, INBOX_MAX);
	key(pk, 1000);
	assert_int_equal(inbox_put(&ib, pk, (const uint8_t *)"d", 1),
	    INBOX_EVICTED);
	assert_int_equal(ib.n, INBOX_MAX);
	key(pk, 2);				/* the oldest went */
	assert_int_equal(inbox_find(&ib, pk), -1);
	key(pk, 1000);
	assert_int_equal(inbox_find(&ib, pk), INBOX_MAX - 1);
	assert_int_equal(inbox_del(&ib, pk), 0);
	assert_int_equal(inbox_del(&ib, pk), -1);
	assert_int_equal(ib.n, INBOX_MAX - 1);
}

/* The handlers over channels: chatd's ends in this process, raw peers. */
static struct chan	ck, cf;
static int		kfd = -1, ffd = -1, closed;
static struct ipc_msg	got;
static uint8_t		self_pk[TOX_PK_LEN];

static const struct chan_tables from_keyd = { { &friend_ops_from_keyd } };
static const struct chan_tables from_frontend = {
	{ &friend_ops_from_frontend }
};

static void
on_close(struct chan *c, const char *why)
{
	closed = 1;
}

static int
peer(struct chan *c, enum role role, const struct chan_tables *t)
{
	struct ipc_hello	h;
	uint8_t			buf[64];
	struct wr		w;
	int			sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	chan_open(c, sv[0], ROLE_CHATD, role, t, on_close, NULL);
	h.role = role;
	memcpy(h.build_id, ipc_build_id, sizeof(h.build_id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &h);
	if (ipc_send(sv[1], IPC_HELLO, 0, buf, wr_len(&w), -1) == -1 ||
	    ipc_recv(sv[1], &got) != 1 || got.hdr.type != IPC_HELLO)
		return -1;
	return sv[1];
}

static int
ch_setup(void **state)
{
	loop_init();
	closed = 0;
	friend_ops_init(&ck, &cf);
	if ((kfd = peer(&ck, ROLE_KEYD, &from_keyd)) == -1 ||
	    (ffd = peer(&cf, ROLE_FRONTEND, &from_frontend)) == -1)
		return -1;
	return 0;
}

static int
ch_teardown(void **state)
{
	chan_close(&ck, "test over");
	chan_close(&cf, "test over");
	close(kfd);
	close(ffd);
	return 0;
}

static int
readable(int fd, int ms)
{
	struct pollfd	p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* Lets chatd run, then reads one message from fd; its type, or 0. */
static uint16_t
next_from(int fd)
{
	int	i;

	for (i = 0; i < 50 && !readable(fd, 0); i++)
		loop_once(100);
	if (!readable(fd, 0))
		return 0;
	assert_int_equal(ipc_recv(fd, &got), 1);
	return got.hdr.type;
}

/* Lets chatd run; 1 if nothing arrived on fd. */
static int
quiet(int fd)
{
	loop_once(50);
	return !readable(fd, 0);
}

static void
send_wr(int fd, uint16_t type, uint32_t id, const struct wr *w)
{
	assert_true(wr_ok(w));
	assert_int_equal(ipc_send(fd, type, id, w->p, w->len, -1), 0);
}

static void
load_empty(void)
{
	static struct ipc_friends_load	ld;
	static uint8_t			buf[IPC_FRIENDS_LOAD_MAX];
	struct wr			w;

	memset(&ld, 0, sizeof(ld));
	ld.flags = FRIENDS_LOAD_FIRST | FRIENDS_LOAD_LAST;
	key(self_pk, 0xfff);
	memcpy(ld.self_pk, self_pk, sizeof(ld.self_pk));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friends_load(&w, &ld);
	send_wr(kfd, IPC_FRIENDS_LOAD, 0, &w);
	loop_once(100);
}

static void
request_in(int who, const char *text)
{
	struct ipc_friend_request_in	rq;
	uint8_t				buf[IPC_FRIEND_REQUEST_IN_MAX];
	struct wr			w;

	memset(&rq, 0, sizeof(rq));
	key(rq.pk, who);
	rq.len = (uint16_t)strlen(text);
	memcpy(rq.msg, text, rq.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_request_in(&w, &rq);
	send_wr(kfd, IPC_FRIEND_REQUEST_IN, 0, &w);
}

static void
pk_cmd(uint16_t type, uint32_t id, int who)
{
	uint8_t		pk[TOX_PK_LEN], buf[IPC_FRIEND_PK_LEN];
	struct wr	w;

	key(pk, who);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_pk(&w, pk);
	send_wr(ffd, type, id, &w);
}

static void
add_cmd(uint32_t id, const uint8_t *pk, const char *text)
{
	struct ipc_friend_add_req	rq;
	static const uint8_t		ns[TOX_NOSPAM_LEN] = { 1, 2, 3, 4 };
	uint8_t				buf[IPC_FRIEND_ADD_REQ_MAX];
	struct wr			w;

	memset(&rq, 0, sizeof(rq));
	toxid_make(rq.address, pk, ns);
	rq.len = (uint16_t)strlen(text);
	memcpy(rq.msg, text, rq.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_add_req(&w, &rq);
	send_wr(ffd, IPC_FRIEND_ADD_REQ, id, &w);
}

static void
keyd_answers(uint32_t id, int ok)
{
	struct ipc_error	e = { .code = IPC_ERR_STATE };
	uint8_t			buf[IPC_ERROR_MAX_LEN];
	struct wr		w;

	if (ok) {
		assert_int_equal(ipc_send(kfd, IPC_OK, id, NULL, 0, -1), 0);
		return;
	}
	snprintf(e.text, sizeof(e.text), "not supported");
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_error(&w, &e);
	send_wr(kfd, IPC_ERROR, id, &w);
}

static void
assert_friend_ans(uint32_t id, unsigned number, int who)
{
	struct ipc_friend_ans	a;
	uint8_t			pk[TOX_PK_LEN];
	struct rd		r;

	assert_int_equal(next_from(ffd), IPC_FRIEND_ANS);
	assert_int_equal(got.hdr.id, id);
	rd_init(&r, got.data, got.hdr.len);
	assert_int_equal(ipc_unpack_friend_ans(&r, &a), 0);
	assert_int_equal(a.number, number);
	key(pk, who);
	assert_memory_equal(a.pk, pk, TOX_PK_LEN);
}

/* The next message to keyd is FRIEND_NET for friend `who` in state. */
static void
assert_friend_net(int who, uint8_t state)
{
	struct ipc_friend_net	f;
	struct rd		r;
	uint8_t			pk[TOX_PK_LEN];

	assert_int_equal(next_from(kfd), IPC_FRIEND_NET);
	rd_init(&r, got.data, got.hdr.len);
	assert_int_equal(ipc_unpack_friend_net(&r, &f), 0);
	key(pk, who);
	assert_memory_equal(f.pk, pk, TOX_PK_LEN);
	assert_int_equal(f.state, state);
}

static void
request_in_accept_and_decline(void **state)
{
	struct ipc_friend_request_in	 ev;
	struct ipc_friend_add		 add;
	struct inbox			*ib = friend_ops_inbox();
	struct rd			 r;
	uint8_t				 pk[TOX_PK_LEN];
	uint32_t			 kid;

	load_empty();
	request_in(0xa, "hello from A");
	assert_int_equal(next_from(ffd), IPC_FRIEND_REQUEST_EVENT);
	rd_init(&r, got.data, got.hdr.len);
	assert_int_equal(ipc_unpack_friend_request_in(&r, &ev), 0);
	assert_int_equal(ev.len, 12);
	assert_memory_equal(ev.msg, "hello from A", 12);
	assert_int_equal(ib->n, 1);
	/* the same again is no news */
	request_in(0xa, "hello from A");
	assert_true(quiet(ffd));
	assert_int_equal(ib->n, 1);

	/* accept: keyd is asked to store a confirmed friend, no text */
	pk_cmd(IPC_FRIEND_ACCEPT, 41, 0xa);
	assert_int_equal(next_from(kfd), IPC_FRIEND_ADD);
	kid = got.hdr.id;
	rd_init(&r, got.data, got.hdr.len);
	assert_int_equal(ipc_unpack_friend_add(&r, &add), 0);
	key(pk, 0xa);
	assert_memory_equal(add.pk, pk, TOX_PK_LEN);
	assert_int_equal(add.status, 3);
	assert_int_equal(add.number, 0);
	assert_int_equal(add.request_len, 0);
	assert_true(quiet(ffd));	/* no answer before keyd's */
	keyd_answers(kid, 1);
	assert_friend_ans(41, 0, 0xa);
	/* stored: netd is to search for it, through keyd */
	assert_friend_net(0xa, FRIEND_NET_OFFLINE);
	assert_int_equal(ib->n, 0);
	assert_non_null(friends_get(friend_ops_friends(), 0));
	assert_int_equal(friends_get(friend_ops_friends(), 0)->status, 3);
	/* a friend's request is not a new one; nothing goes to keyd */
	request_in(0xa, "hello again");
	assert_true(quiet(ffd));
	assert_int_equal(ib->n, 0);
	assert_true(quiet(kfd));

	/* decline drops it, and only once */
	request_in(0xb, "from B");
	assert_int_equal(next_from(ffd), IPC_FRIEND_REQUEST_EVENT);
	pk_cmd(IPC_FRIEND_DECLINE, 42, 0xb);
	assert_int_equal(next_from(ffd), IPC_OK);
	assert_int_equal(got.hdr.id, 42);
	assert_int_equal(ib->n, 0);
	pk_cmd(IPC_FRIEND_DECLINE, 43, 0xb);
	assert_int_equal(next_from(ffd), IPC_ERROR);
	pk_cmd(IPC_FRIEND_ACCEPT, 44, 0xb);
	assert_int_equal(next_from(ffd), IPC_ERROR);
	assert_true(quiet(kfd));
	assert_false(closed);
}

static void
add_sends_at_once_and_keeps_trying(void **state)
{
	struct ipc_friend_request_send	 rs;
	struct ipc_friend_add		 add;
	struct friends			*fs = friend_ops_friends();
	struct rd			 r;
	uint8_t				 pk[TOX_PK_LEN];
	uint32_t			 kid;

	/* before keyd's list: refused, nothing asked of keyd */
	key(pk, 0xc);
	add_cmd(50, pk, "hi C");
	assert_int_equal(next_from(ffd), IPC_ERROR);
	assert_true(quiet(kfd));
	load_empty();
	add_cmd(51, self_pk, "me");
	assert_int_equal(next_from(ffd), IPC_ERROR);
	assert_true(quiet(kfd));

	add_cmd(52, pk, "hi C");
	assert_int_equal(next_from(kfd), IPC_FRIEND_ADD);
	kid = got.hdr.id;
	rd_init(&r, got.data, got.hdr.len);
	assert_int_equal(ipc_unpack_friend_add(&r, &add), 0);
	assert_int_equal(add.status, 1);
	assert_int_equal(add.request_len, 4);
	assert_memory_equal(add.request, "hi C", 4);
	/* a second add of the same key while the first is pending */
	add_cmd(53, pk, "hi C");
	assert_int_equal(next_from(ffd), IPC_ERROR);
	assert_int_equal(got.hdr.id, 53);
	keyd_answers(kid, 1);
	assert_friend_ans(52, 0, 0xc);
	assert_friend_net(0xc, FRIEND_NET_OFFLINE);
	/* the request goes to keyd at once */
	assert_int_equal(next_from(kfd), IPC_FRIEND_REQUEST_SEND);
	rd_init(&r, got.data, got.hdr.len);
	assert_int_equal(ipc_unpack_friend_request_send(&r, &rs), 0);
	assert_memory_equal(rs.pk, pk, TOX_PK_LEN);
	assert_int_equal(rs.nospam[0], 1);
	assert_int_equal(rs.len, 4);
	/* "not supported" (no onion yet): tried again later, not dropped */
	keyd_answers(got.hdr.id, 0);
	assert_true(quiet(ffd));
	assert_non_null(friends_get(fs, 0));
	assert_true(friends_next_due(fs) > mono_ms());

	/* keyd refuses: the frontend hears why, the slot is free again */
	key(pk, 0xd);
	add_cmd(54, pk, "hi D");
	assert_int_equal(next_from(kfd), IPC_FRIEND_ADD);
	keyd_answers(got.hdr.id, 0);
	assert_int_equal(next_from(ffd), IPC_ERROR);
	assert_int_equal(got.hdr.id, 54);
	assert_int_equal(friends_find(fs, pk), -1);

	/* remove: keyd first, then gone */
	{
		struct ipc_friend_remove	rm = { .by_pk = 0,
						    .number = 0 };
		uint8_t				buf[IPC_FRIEND_REMOVE_LEN];
		struct wr			w;

		wr_init(&w, buf, sizeof(buf));
		ipc_pack_friend_remove(&w, &rm);
		send_wr(ffd, IPC_FRIEND_REMOVE, 55, &w);
	}
	assert_int_equal(next_from(kfd), IPC_FRIEND_DEL);
	assert_true(quiet(ffd));
	keyd_answers(got.hdr.id, 1);
	assert_int_equal(next_from(ffd), IPC_OK);
	assert_int_equal(got.hdr.id, 55);
	assert_friend_net(0xc, FRIEND_NET_GONE);
	assert_null(friends_get(fs, 0));
	assert_int_equal(friends_next_due(fs), 0);
	assert_false(closed);
}

static void
list_pages_and_load(void **state)
{
	static struct ipc_friends_load	ld;
	static struct ipc_friend_list	l;
	static uint8_t			buf[IPC_FRIENDS_LOAD_MAX];
	struct wr			w;
	struct rd			r;
	uint8_t				pb[2];
	int				i, b, total = 0;
	uint16_t			start = 0, t;

	/* asked before keyd's list (a command typed at once): the request
	 * waits, then is answered with the whole list, not an error */
	wr_init(&w, pb, sizeof(pb));
	ipc_pack_friend_page_req(&w, 0);
	send_wr(ffd, IPC_FRIEND_LIST_REQ, 59, &w);
	assert_true(quiet(ffd));
	/* 40 friends in three batches, numbers as keyd gave them */
	for (b = 0; b < 3; b++) {
		memset(&ld, 0, sizeof(ld));
		ld.flags = (b == 0 ? FRIENDS_LOAD_FIRST : 0) |
		    (b == 2 ? FRIENDS_LOAD_LAST : 0);
		key(ld.self_pk, 0xfff);
		ld.count = b == 2 ? 8 : FRIENDS_LOAD_BATCH;
		for (i = 0; i < ld.count; i++) {
			ld.recs[i].number = (uint16_t)(b * 16 + i) * 2;
			ld.recs[i].status = i % 2 ? 3 : 2;
			key(ld.recs[i].pk, b * 16 + i);
			ld.recs[i].request_len = 1;
			ld.recs[i].request[0] = 'x';
		}
		wr_init(&w, buf, sizeof(buf));
		ipc_pack_friends_load(&w, &ld);
		send_wr(kfd, IPC_FRIENDS_LOAD, 0, &w);
		/* a partial list is not answered either */
		if (b < 2)
			assert_true(quiet(ffd));
	}
	assert_int_equal(next_from(ffd), IPC_FRIEND_LIST_ANS);
	assert_int_equal(got.hdr.id, 59);
	rd_init(&r, got.data, got.hdr.len);
	assert_int_equal(ipc_unpack_friend_list(&r, &l), 0);
	assert_int_equal(l.count, FRIEND_LIST_PAGE);
	assert_int_equal(l.e[0].number, 0);
	do {
		wr_init(&w, pb, sizeof(pb));
		ipc_pack_friend_page_req(&w, start);
		send_wr(ffd, IPC_FRIEND_LIST_REQ, 60, &w);
		assert_int_equal(next_from(ffd), IPC_FRIEND_LIST_ANS);
		rd_init(&r, got.data, got.hdr.len);
		assert_int_equal(ipc_unpack_friend_list(&r, &l), 0);
		for (i = 0; i < l.count; i++, total++) {
			assert_int_equal(l.e[i].number, total * 2);
			assert_int_equal(l.e[i].status, total % 16 % 2 ? 3 : 2);
		}
		start = l.next;
	} while (start != FRIEND_NUM_NONE);
	assert_int_equal(total, 40);
	/* the 20 with a request pending are due at once */
	assert_true(friends_next_due(friend_ops_friends()) != 0);
	/* and netd is to search for all 40, through keyd */
	total = 0;
	while (total < 40 && (t = next_from(kfd)) != 0)
		if (t == IPC_FRIEND_NET) {
			assert_int_equal(got.data[TOX_PK_LEN],
			    FRIEND_NET_OFFLINE);
			total++;
		}
	assert_int_equal(total, 40);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_numbers_lowest_free_and_bounded),
		cmocka_unit_test(table_resend_doubles_to_the_cap),
		cmocka_unit_test(inbox_one_per_key_newest_kept_oldest_evicted),
		cmocka_unit_test_setup_teardown(request_in_accept_and_decline,
		    ch_setup, ch_teardown),
		cmocka_unit_test_setup_teardown(
		    add_sends_at_once_and_keeps_trying, ch_setup, ch_teardown),
		cmocka_unit_test_setup_teardown(list_pages_and_load,
		    ch_setup, ch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
