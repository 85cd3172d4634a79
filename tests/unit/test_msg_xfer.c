/*
 * File transfer messages between the frontend and chatd (ipc/msg_xfer.c):
 * round trips, file numbers, and what a compromised peer could send
 * instead.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ipc/msg_xfer.h"

static void
file_numbers(void **state)
{
	unsigned	slot;
	int		out;

	assert_int_equal(xfer_num_parse(0, &slot, &out), 0);
	assert_int_equal(slot, 0);
	assert_int_equal(out, 1);
	assert_int_equal(xfer_num_parse(XFER_NUM_OUT(255), &slot, &out), 0);
	assert_int_equal(slot, 255);
	assert_int_equal(out, 1);
	assert_int_equal(xfer_num_parse(XFER_NUM_IN(0), &slot, &out), 0);
	assert_int_equal(slot, 0);
	assert_int_equal(out, 0);
	assert_int_equal(xfer_num_parse(XFER_NUM_IN(255), &slot, &out), 0);
	assert_int_equal(slot, 255);
	assert_int_equal(out, 0);
	/* c-toxcore's numbers, and nothing between or beyond */
	assert_int_equal(XFER_NUM_IN(0), 65536);
	assert_int_equal(xfer_num_parse(256, &slot, &out), -1);
	assert_int_equal(xfer_num_parse(65537, &slot, &out), -1);
	assert_int_equal(xfer_num_parse(257u << 16, &slot, &out), -1);
	assert_int_equal(xfer_num_parse(UINT32_MAX, &slot, &out), -1);
}

static void
send_roundtrip_and_refusals(void **state)
{
	struct ipc_file_send	in, out;
	uint8_t			buf[IPC_FILE_SEND_MAX + 8];
	struct wr		w;
	struct rd		r;

	memset(&in, 0, sizeof(in));
	in.ref.number = 3;
	in.kind = 0;
	in.size = 10u << 20;
	in.name_len = 5;
	memcpy(in.name, "a.txt", 5);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_send(&w, &in);
	assert_true(wr_ok(&w));
	assert_int_equal(w.len, IPC_FILE_SEND_MIN + 5);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_file_send(&r, &out), 0);
	assert_int_equal(out.ref.number, 3);
	assert_true(out.size == in.size);
	assert_int_equal(out.name_len, 5);
	assert_memory_equal(out.name, "a.txt", 5);
	/* an empty name is a name (c-toxcore allows it) */
	in.name_len = 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_send(&w, &in);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_file_send(&r, &out), 0);
	/* too short, too long a name */
	rd_init(&r, buf, IPC_FILE_SEND_MIN - 1);
	assert_int_equal(ipc_unpack_file_send(&r, &out), -1);
	memset(buf + IPC_FILE_SEND_MIN, 'x', XFER_NAME_MAX + 1);
	rd_init(&r, buf, IPC_FILE_SEND_MIN + XFER_NAME_MAX + 1);
	assert_int_equal(ipc_unpack_file_send(&r, &out), -1);
	in.name_len = XFER_NAME_MAX + 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_send(&w, &in);
	assert_false(wr_ok(&w));
	/* a file id given (a re-send): kept; none is all zeros */
	in.name_len = 5;
	in.has_id = 1;
	memset(in.id, 0xa5, sizeof(in.id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_send(&w, &in);
	assert_true(wr_ok(&w));
	assert_int_equal(w.len, IPC_FILE_SEND_MIN + 5);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_file_send(&r, &out), 0);
	assert_int_equal(out.has_id, 1);
	assert_memory_equal(out.id, in.id, sizeof(in.id));
	assert_int_equal(out.name_len, 5);
	buf[IPC_FRIEND_REMOVE_LEN + 12] = 2;		/* has id 2 */
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_file_send(&r, &out), -1);
	buf[IPC_FRIEND_REMOVE_LEN + 12] = 0;		/* no id, yet bytes */
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_file_send(&r, &out), -1);
	in.has_id = 0;					/* the packer agrees */
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_send(&w, &in);
	assert_false(wr_ok(&w));
	in.has_id = 3;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_send(&w, &in);
	assert_false(wr_ok(&w));
	in.has_id = 0;
	memset(in.id, 0, sizeof(in.id));
	/* a bad friend ref (by_pk 2) */
	in.name_len = 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_send(&w, &in);
	buf[0] = 2;
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_file_send(&r, &out), -1);
}

static void
ctl_and_ans_roundtrip(void **state)
{
	struct ipc_file_ctl	c = { .file = XFER_NUM_IN(7), .op = XFER_PAUSE,
	    .seek = 12345 }, co;
	struct ipc_file_ans	a = { .number = 9, .file = 42 }, ao;
	uint8_t			buf[128];
	struct wr		w;
	struct rd		r;

	c.ref.by_pk = 1;
	memset(c.ref.pk, 0xcd, sizeof(c.ref.pk));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_ctl(&w, &c);
	assert_int_equal(w.len, IPC_FILE_CTL_LEN);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_file_ctl(&r, &co), 0);
	assert_int_equal(co.file, c.file);
	assert_int_equal(co.op, XFER_PAUSE);
	assert_true(co.seek == 12345);
	assert_memory_equal(co.ref.pk, c.ref.pk, sizeof(c.ref.pk));
	/* no such op, either end */
	buf[IPC_FRIEND_REMOVE_LEN + 4] = XFER_OP_MAX;
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_file_ctl(&r, &co), -1);
	buf[IPC_FRIEND_REMOVE_LEN + 4] = 0;
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_file_ctl(&r, &co), -1);
	c.op = 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_ctl(&w, &c);
	assert_false(wr_ok(&w));

	memset(a.pk, 0x11, sizeof(a.pk));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_ans(&w, &a);
	assert_int_equal(w.len, IPC_FILE_ANS_LEN);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_file_ans(&r, &ao), 0);
	assert_int_equal(ao.number, 9);
	assert_int_equal(ao.file, 42);
	rd_init(&r, buf, w.len - 1);
	assert_int_equal(ipc_unpack_file_ans(&r, &ao), -1);
}

static void
event_roundtrip_and_refusals(void **state)
{
	struct ipc_file_event	in, out;
	uint8_t			buf[IPC_FILE_EVENT_MAX + 8];
	struct wr		w;
	struct rd		r;
	size_t			what_at = 2 + TOX_PK_LEN + 4;

	memset(&in, 0, sizeof(in));
	in.number = 1;
	in.file = XFER_NUM_IN(0);
	in.what = XFER_EV_DONE;
	in.size = 99;
	in.pos = 99;
	in.rate = 1000;
	memset(in.sha256, 0x5a, sizeof(in.sha256));
	memset(in.id, 0xa5, sizeof(in.id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_event(&w, &in);
	assert_int_equal(w.len, IPC_FILE_EVENT_MIN);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_file_event(&r, &out), 0);
	assert_int_equal(out.what, XFER_EV_DONE);
	assert_true(out.size == 99 && out.pos == 99 && out.rate == 1000);
	assert_memory_equal(out.sha256, in.sha256, sizeof(in.sha256));
	assert_memory_equal(out.id, in.id, sizeof(in.id));
	/* an offer's name, at most 255 bytes */
	in.what = XFER_EV_OFFER;
	in.name_len = XFER_NAME_MAX;
	memset(in.name, 'n', XFER_NAME_MAX);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_event(&w, &in);
	assert_int_equal(w.len, IPC_FILE_EVENT_MAX);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_file_event(&r, &out), 0);
	assert_int_equal(out.name_len, XFER_NAME_MAX);
	buf[w.len] = 'n';
	rd_init(&r, buf, w.len + 1);
	assert_int_equal(ipc_unpack_file_event(&r, &out), -1);
	/* no such event or reason */
	buf[what_at] = XFER_EV_MAX;
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_file_event(&r, &out), -1);
	buf[what_at] = XFER_EV_CANCELLED;
	buf[what_at + 1] = XFER_WHY_MAX;
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_file_event(&r, &out), -1);
	in.why = XFER_WHY_MAX;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_event(&w, &in);
	assert_false(wr_ok(&w));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_numbers),
		cmocka_unit_test(send_roundtrip_and_refusals),
		cmocka_unit_test(ctl_and_ans_roundtrip),
		cmocka_unit_test(event_roundtrip_and_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
