/*
 * The net_crypto and messenger messages' pack/unpack pairs (ipc/msg_nc.c,
 * ipc/msg_chat.c): round trips, and the values an unpacker must refuse
 * although the size is right (a sibling role may lie).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ipc/msg_chat.h"
#include "ipc/msg_nc.h"

static uint8_t	buf[CHAT_TEXT_MAX + 256];

static void
hs_in_round_trip_and_refusals(void **state)
{
	static struct ipc_nc_hs_in	a, b;
	struct wr			w;
	struct rd			r;

	memset(&a, 0x5a, sizeof(a));
	a.want_reply = 1;
	a.hs[0] = NC_HS_KIND;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_hs_in(&w, &a);
	assert_int_equal(w.len, IPC_NC_HS_IN_LEN);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_nc_hs_in(&r, &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	buf[64] = 2;			/* want_reply is 0 or 1 */
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_nc_hs_in(&r, &b), -1);
	buf[64] = 1;
	buf[65 + NC_HS_COOKIE_LEN] = 0x1b;	/* not a handshake */
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_nc_hs_in(&r, &b), -1);
	buf[65 + NC_HS_COOKIE_LEN] = NC_HS_KIND;
	rd_init(&r, buf, w.len - 1);	/* short */
	assert_int_equal(ipc_unpack_nc_hs_in(&r, &b), -1);
}

static void
data_bounds(void **state)
{
	static struct ipc_nc_data	a, b;
	struct wr			w;
	struct rd			r;

	memset(a.pk, 7, sizeof(a.pk));
	a.pkt[0] = NC_DATA_KIND;
	a.len = NC_DATA_PACKET_MIN;		/* one short */
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_data(&w, &a);
	assert_false(wr_ok(&w));
	a.len = NC_PACKET_MAX;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_data(&w, &a);
	assert_int_equal(w.len, IPC_NC_DATA_MAX);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_nc_data(&r, &b), 0);
	assert_int_equal(b.len, NC_PACKET_MAX);
	buf[32] = 0x1a;				/* wrong kind */
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_nc_data(&r, &b), -1);
	rd_init(&r, buf, IPC_NC_DATA_MIN - 1);
	assert_int_equal(ipc_unpack_nc_data(&r, &b), -1);
}

static void
plain_refuses_invalid_ids(void **state)
{
	static struct ipc_nc_plain	a, b;
	struct wr			w;
	struct rd			r;
	unsigned			id;

	a.buffer_start = 0xfffffff0;
	a.number = 3;
	a.len = 2;
	a.data[1] = 'x';
	for (id = 0; id < 256; id++) {
		a.data[0] = (uint8_t)id;
		wr_init(&w, buf, sizeof(buf));
		ipc_pack_nc_plain(&w, &a);
		assert_int_equal(wr_ok(&w),
		    nc_data_id_class((uint8_t)id) != NC_CLASS_INVALID);
		if (!wr_ok(&w)) {	/* a liar's packet is refused too */
			buf[40] = (uint8_t)id;
			rd_init(&r, buf, IPC_NC_PLAIN_MIN + 1);
			assert_int_equal(ipc_unpack_nc_plain(&r, &b), -1);
			continue;
		}
		rd_init(&r, buf, w.len);
		assert_int_equal(ipc_unpack_nc_plain(&r, &b), 0);
		assert_int_equal(b.buffer_start, a.buffer_start);
		assert_int_equal(b.number, 3);
		assert_int_equal(b.len, 2);
		assert_int_equal(b.data[0], id);
	}
}

/* The views read the same bytes in place and refuse the same. */
static void
views_point_into_the_message(void **state)
{
	static struct ipc_nc_plain	a;
	static struct ipc_nc_data	dd;
	struct ipc_nc_plain_ref		v;
	struct ipc_nc_data_ref		dv;
	uint8_t				again[IPC_NC_PLAIN_MAX];
	struct wr			w, w2;
	struct rd			r;

	(void)state;
	memset(a.pk, 9, sizeof(a.pk));
	a.buffer_start = 7;
	a.number = 0x01020304;
	a.len = NC_DATA_MAX;
	memset(a.data, 0x33, a.len);
	a.data[0] = NC_ID_LOSSLESS_MIN;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_plain(&w, &a);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_view_nc_plain(&r, &v), 0);
	assert_ptr_equal(v.pk, buf);
	assert_ptr_equal(v.data, buf + IPC_NC_PK_LEN + NC_DATA_HDR_LEN);
	assert_int_equal(v.buffer_start, 7);
	assert_int_equal(v.number, 0x01020304);
	assert_int_equal(v.len, NC_DATA_MAX);
	/* packed from the view: the same bytes */
	wr_init(&w2, again, sizeof(again));
	ipc_pack_nc_plain_ref(&w2, &v);
	assert_int_equal(w2.len, w.len);
	assert_memory_equal(again, buf, w.len);
	buf[IPC_NC_PK_LEN + NC_DATA_HDR_LEN] = 3;	/* an invalid id */
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_view_nc_plain(&r, &v), -1);
	assert_null(v.data);
	rd_init(&r, buf, IPC_NC_PK_LEN + NC_DATA_HDR_LEN);	/* no id */
	assert_int_equal(ipc_view_nc_plain(&r, &v), -1);

	memset(dd.pk, 4, sizeof(dd.pk));
	dd.pkt[0] = NC_DATA_KIND;
	dd.len = NC_DATA_PACKET_MIN + 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_data(&w, &dd);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_view_nc_data(&r, &dv), 0);
	assert_ptr_equal(dv.pkt, buf + IPC_NC_PK_LEN);
	assert_int_equal(dv.len, NC_DATA_PACKET_MIN + 1);
	rd_init(&r, buf, w.len - 1);			/* one short */
	assert_int_equal(ipc_view_nc_data(&r, &dv), -1);
	assert_null(dv.pkt);
}

static void
state_refuses_unknown(void **state)
{
	struct ipc_nc_state	a, b;
	struct wr		w;
	struct rd		r;

	memset(&a, 0, sizeof(a));
	a.state = NC_STATE_ESTABLISHED;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_state(&w, &a);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_nc_state(&r, &b), 0);
	assert_int_equal(b.state, NC_STATE_ESTABLISHED);
	buf[32] = 3;
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_nc_state(&r, &b), -1);
}

/* NC_PATH: UDP and TCP cross; 0, 3 and a short or long message do not. */
static void
path_round_trip_and_refusals(void **state)
{
	struct ipc_nc_path	a, b;
	struct wr		w;
	struct rd		r;

	memset(&a, 0x5a, sizeof(a));
	a.path = NC_PATH_TCP;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_path(&w, &a);
	assert_true(wr_ok(&w));
	assert_int_equal(w.len, IPC_NC_PATH_LEN);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_nc_path(&r, &b), 0);
	assert_memory_equal(b.pk, a.pk, sizeof(a.pk));
	assert_int_equal(b.path, NC_PATH_TCP);
	buf[32] = 0;
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_nc_path(&r, &b), -1);
	buf[32] = 3;
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_nc_path(&r, &b), -1);
	buf[32] = NC_PATH_UDP;
	rd_init(&r, buf, w.len - 1);
	assert_int_equal(ipc_unpack_nc_path(&r, &b), -1);
	rd_init(&r, buf, w.len + 1);
	assert_int_equal(ipc_unpack_nc_path(&r, &b), -1);
	a.path = 7;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_path(&w, &a);
	assert_false(wr_ok(&w));
}

static void
chat_send_round_trip_and_bounds(void **state)
{
	static struct ipc_chat_send	a, b;
	struct wr			w;
	struct rd			r;

	a.ref.by_pk = 1;
	memset(a.ref.pk, 9, sizeof(a.ref.pk));
	a.action = 1;
	a.len = CHAT_TEXT_MAX;
	memset(a.text, 'a', a.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_send(&w, &a);
	assert_int_equal(w.len, IPC_CHAT_SEND_MAX);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_chat_send(&r, &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	buf[w.len] = 'a';		/* one byte too many */
	rd_init(&r, buf, w.len + 1);
	assert_int_equal(ipc_unpack_chat_send(&r, &b), -1);
	rd_init(&r, buf, IPC_CHAT_SEND_MIN - 1);	/* empty text */
	assert_int_equal(ipc_unpack_chat_send(&r, &b), -1);
	buf[0] = 2;			/* by_pk is 0 or 1 */
	rd_init(&r, buf, IPC_CHAT_SEND_MIN);
	assert_int_equal(ipc_unpack_chat_send(&r, &b), -1);
	buf[0] = 1;
	buf[IPC_FRIEND_REMOVE_LEN] = 2;	/* action is 0 or 1 */
	rd_init(&r, buf, IPC_CHAT_SEND_MIN);
	assert_int_equal(ipc_unpack_chat_send(&r, &b), -1);
	a.len = 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_send(&w, &a);
	assert_false(wr_ok(&w));
}

static void
chat_friend_values(void **state)
{
	static struct ipc_chat_friend	a, b;
	struct wr			w;
	struct rd			r;

	a.what = CHAT_FRIEND_CONNECTION;
	a.len = 1;
	a.value[0] = FRIEND_CONN_UDP;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_friend(&w, &a);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_chat_friend(&r, &b), 0);
	assert_int_equal(b.value[0], FRIEND_CONN_UDP);
	buf[35] = FRIEND_CONN_MAX;
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_chat_friend(&r, &b), -1);
	a.what = CHAT_FRIEND_NAME;	/* a name longer than c-toxcore's */
	a.len = FRIEND_NAME_MAX + 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_friend(&w, &a);
	assert_false(wr_ok(&w));
	a.what = 5;			/* no such kind */
	a.len = 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_friend(&w, &a);
	assert_false(wr_ok(&w));
	buf[34] = 5;
	rd_init(&r, buf, 35);
	assert_int_equal(ipc_unpack_chat_friend(&r, &b), -1);
}

static void
outbox_and_self_round_trips(void **state)
{
	static struct ipc_outbox_load	a, b;
	static struct ipc_self_info	s, t;
	struct wr			w;
	struct rd			r;

	a.id = 0x0102030405060708ull;
	memset(a.m.pk, 3, sizeof(a.m.pk));
	a.m.len = 5;
	memcpy(a.m.text, "hello", 5);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_outbox_load(&w, &a);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_outbox_load(&r, &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	s.userstatus = 2;
	s.name_len = 3;
	memcpy(s.name, "bob", 3);
	s.status_msg_len = 2;
	memcpy(s.status_msg, "hi", 2);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_self_info(&w, &s);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_self_info(&r, &t), 0);
	assert_memory_equal(&s, &t, sizeof(s));
	buf[1] = 200;			/* a name longer than the rest */
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_self_info(&r, &t), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hs_in_round_trip_and_refusals),
		cmocka_unit_test(data_bounds),
		cmocka_unit_test(plain_refuses_invalid_ids),
		cmocka_unit_test(views_point_into_the_message),
		cmocka_unit_test(state_refuses_unknown),
		cmocka_unit_test(path_round_trip_and_refusals),
		cmocka_unit_test(chat_send_round_trip_and_bounds),
		cmocka_unit_test(chat_friend_values),
		cmocka_unit_test(outbox_and_self_round_trips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
