/*
 * The friends' IPC payloads (ipc/msg_friend.h): each packs and unpacks
 * back to itself, and every unpacker refuses a payload one byte short or
 * long, a count or length over its bound, and out-of-range values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ipc/ipc.h"
#include "ipc/msg_friend.h"

static uint8_t	buf[IPC_MAX_PAYLOAD];

static void
friends_load_round_trip_and_bounds(void **state)
{
	static struct ipc_friends_load	a, b;
	struct wr			w;
	struct rd			r;
	size_t				len;

	memset(&a, 0, sizeof(a));
	a.flags = FRIENDS_LOAD_FIRST | FRIENDS_LOAD_LAST;
	a.self_pk[0] = 9;
	a.count = 2;
	a.recs[0].number = 5;
	a.recs[0].status = 2;
	a.recs[0].name_len = 3;
	memcpy(a.recs[0].name, "bob", 3);
	a.recs[0].request_len = FRIEND_REQ_STORE_MAX;
	a.recs[1].number = FRIEND_NUM_MAX - 1;
	a.recs[1].status = 3;
	a.recs[1].status_msg_len = 2;
	memcpy(a.recs[1].status_msg, "ok", 2);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friends_load(&w, &a);
	assert_true(wr_ok(&w));
	len = w.len;
	rd_init(&r, buf, len);
	assert_int_equal(ipc_unpack_friends_load(&r, &b), 0);
	assert_int_equal(b.count, 2);
	assert_int_equal(b.recs[0].number, 5);
	assert_int_equal(b.recs[0].request_len, FRIEND_REQ_STORE_MAX);
	assert_memory_equal(b.recs[0].name, "bob", 3);
	assert_memory_equal(b.recs[1].status_msg, "ok", 2);
	/* short, long */
	rd_init(&r, buf, len - 1);
	assert_int_equal(ipc_unpack_friends_load(&r, &b), -1);
	rd_init(&r, buf, len + 1);
	assert_int_equal(ipc_unpack_friends_load(&r, &b), -1);
	/* a number out of range, a status 0 */
	a.recs[1].number = FRIEND_NUM_MAX;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friends_load(&w, &a);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_friends_load(&r, &b), -1);
	a.recs[1].number = 1;
	a.recs[1].status = 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friends_load(&w, &a);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_friends_load(&r, &b), -1);
	/* a count over the batch cannot be packed or read */
	a.count = FRIENDS_LOAD_BATCH + 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friends_load(&w, &a);
	assert_false(wr_ok(&w));
	buf[0] = 0;
	buf[1 + TOX_PK_LEN] = FRIENDS_LOAD_BATCH + 1;
	rd_init(&r, buf, 2 + TOX_PK_LEN);
	assert_int_equal(ipc_unpack_friends_load(&r, &b), -1);
	/* unknown flags */
	buf[0] = 0x80;
	buf[1 + TOX_PK_LEN] = 0;
	rd_init(&r, buf, 2 + TOX_PK_LEN);
	assert_int_equal(ipc_unpack_friends_load(&r, &b), -1);
	buf[0] = 0;
	rd_init(&r, buf, 2 + TOX_PK_LEN);
	assert_int_equal(ipc_unpack_friends_load(&r, &b), 0);
}

static void
friend_add_bounds(void **state)
{
	static struct ipc_friend_add	a, b;
	struct wr			w;
	struct rd			r;

	memset(&a, 0, sizeof(a));
	a.number = 3;
	a.status = 1;
	a.request_len = FRIEND_REQ_SEND_MAX;
	memset(a.request, 'r', sizeof(a.request));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_add(&w, &a);
	assert_int_equal(w.len, IPC_FRIEND_ADD_MAX);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_friend_add(&r, &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	rd_init(&r, buf, w.len - 1);
	assert_int_equal(ipc_unpack_friend_add(&r, &b), -1);
	/* a length over the bound, with the bytes there */
	buf[IPC_FRIEND_ADD_MIN - 2] = 0x03;
	buf[IPC_FRIEND_ADD_MIN - 1] = 0xb0;	/* 944 */
	rd_init(&r, buf, IPC_FRIEND_ADD_MIN + 944);
	assert_int_equal(ipc_unpack_friend_add(&r, &b), -1);
	a.request_len = 0;
	a.status = 4;			/* online is never stored by chatd */
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_add(&w, &a);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_friend_add(&r, &b), -1);
}

static void
add_req_and_lists(void **state)
{
	static struct ipc_friend_add_req	a, b;
	static struct ipc_friend_inbox		ia, ib;
	static struct ipc_friend_list		la, lb;
	struct ipc_friend_remove		rm;
	struct wr				w;
	struct rd				r;

	memset(&a, 0, sizeof(a));
	a.len = 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_add_req(&w, &a);
	assert_false(wr_ok(&w));		/* a request has text */
	a.len = FRIEND_REQ_SEND_MAX + 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_add_req(&w, &a);
	assert_false(wr_ok(&w));
	memset(buf, 'a', IPC_FRIEND_ADD_REQ_MAX + 1);
	rd_init(&r, buf, IPC_FRIEND_ADD_REQ_MAX + 1);
	assert_int_equal(ipc_unpack_friend_add_req(&r, &b), -1);
	rd_init(&r, buf, IPC_FRIEND_ADD_REQ_MAX);
	assert_int_equal(ipc_unpack_friend_add_req(&r, &b), 0);
	assert_int_equal(b.len, FRIEND_REQ_SEND_MAX);
	rd_init(&r, buf, TOX_ADDRESS_LEN);
	assert_int_equal(ipc_unpack_friend_add_req(&r, &b), -1);

	memset(&ia, 0, sizeof(ia));
	ia.next = 7;
	ia.count = 1;
	ia.e[0].len = 0;			/* an empty request */
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_inbox(&w, &ia);
	assert_false(wr_ok(&w));
	ia.e[0].len = 2;
	memcpy(ia.e[0].msg, "yo", 2);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_inbox(&w, &ia);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_friend_inbox(&r, &ib), 0);
	assert_int_equal(ib.next, 7);
	assert_memory_equal(ib.e[0].msg, "yo", 2);
	rd_init(&r, buf, w.len - 1);
	assert_int_equal(ipc_unpack_friend_inbox(&r, &ib), -1);

	memset(&la, 0, sizeof(la));
	la.next = FRIEND_NUM_NONE;
	la.count = 1;
	la.e[0].number = 2;
	la.e[0].connection = FRIEND_CONN_MAX;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_list(&w, &la);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_friend_list(&r, &lb), -1);
	la.e[0].connection = FRIEND_CONN_NONE;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_list(&w, &la);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_friend_list(&r, &lb), 0);
	assert_int_equal(lb.e[0].number, 2);

	memset(&rm, 0, sizeof(rm));
	rm.by_pk = 2;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_remove(&w, &rm);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_friend_remove(&r, &rm), -1);
}

/* A list entry's link: carried whole while up; down, it says nothing. */
static void
list_link(void **state)
{
	static struct ipc_friend_list	la, lb;
	struct wr			w;
	struct rd			r;

	memset(&la, 0, sizeof(la));
	la.next = FRIEND_NUM_NONE;
	la.count = 2;
	la.e[0].number = 3;
	la.e[0].link.up = 1;
	la.e[0].link.rtt_ms = 17;
	la.e[0].link.bulk_rate = 150000;
	la.e[0].link.sent = UINT64_MAX;
	la.e[0].link.resent = 1234;
	la.e[0].link.received = 5678;
	la.e[0].link.congestion = 9;
	la.e[1].number = 4;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_list(&w, &la);
	assert_true(wr_ok(&w));
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_friend_list(&r, &lb), 0);
	assert_memory_equal(&lb.e[0].link, &la.e[0].link,
	    sizeof(la.e[0].link));
	assert_int_equal(lb.e[1].link.up, 0);

	la.e[0].link.up = 2;			/* a flag is 0 or 1 */
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_list(&w, &la);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_friend_list(&r, &lb), -1);
	la.e[0].link.up = 0;			/* down, yet figures */
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_list(&w, &la);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_friend_list(&r, &lb), -1);
	/* a link cut short */
	memset(&la.e[0].link, 0, sizeof(la.e[0].link));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_list(&w, &la);
	rd_init(&r, buf, w.len - 1);
	assert_int_equal(ipc_unpack_friend_list(&r, &lb), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(friends_load_round_trip_and_bounds),
		cmocka_unit_test(friend_add_bounds),
		cmocka_unit_test(add_req_and_lists),
		cmocka_unit_test(list_link),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
