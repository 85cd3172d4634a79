/*
 * The avatar messages (ipc/msg_avatar.c): round trips with the exact
 * layout, and what a compromised peer could send instead (cut short at
 * every length, trailing bytes, a NUL in a path, a size over AVATAR_MAX,
 * unknown flags, a DONE of size 0).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <string.h>

#include "ipc/msg_avatar.h"

static uint8_t	buf[IPC_AVATAR_DATA_MAX + 16];	/* the largest here */

static void
self_roundtrip(void **state)
{
	static struct ipc_avatar_self	m, out;
	struct wr			w;
	struct rd			r;
	size_t				n, len;

	m.size = 1234;
	memset(m.sha256, 0xab, sizeof(m.sha256));
	m.len = 5;
	memcpy(m.path, "/a/b\0", 6);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_self(&w, &m);
	assert_false(wr_ok(&w));	/* a NUL in the path */
	m.len = 4;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_self(&w, &m);
	assert_true(wr_ok(&w));
	len = w.len;
	assert_int_equal(len, IPC_AVATAR_SELF_MIN + 4);
	assert_int_equal(buf[7], 1234 & 0xff);
	assert_int_equal(buf[6], 1234 >> 8);
	rd_init(&r, buf, len);
	assert_int_equal(ipc_unpack_avatar_self(&r, &out), 0);
	assert_int_equal(out.size, 1234);
	assert_memory_equal(out.sha256, m.sha256, 32);
	assert_int_equal(out.len, 4);
	assert_string_equal(out.path, "/a/b");
	for (n = 0; n < IPC_AVATAR_SELF_MIN; n++) {
		rd_init(&r, buf, n);
		assert_int_equal(ipc_unpack_avatar_self(&r, &out), -1);
	}
	buf[len] = '\0';
	rd_init(&r, buf, len + 1);
	assert_int_equal(ipc_unpack_avatar_self(&r, &out), -1);
	/* too large a size */
	m.size = AVATAR_MAX + 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_self(&w, &m);
	assert_false(wr_ok(&w));
	memset(buf, 0, 8);
	buf[5] = 1;
	buf[7] = 1;		/* 65537 */
	rd_init(&r, buf, IPC_AVATAR_SELF_MIN);
	assert_int_equal(ipc_unpack_avatar_self(&r, &out), -1);
}

static void
friend_roundtrip(void **state)
{
	static struct ipc_avatar_friend	m, out;
	struct wr			w;
	struct rd			r;
	size_t				n, len;

	m.flags = AVATAR_F_HAS | AVATAR_F_NEWS;
	m.number = 258;
	memset(m.pk, 0x11, sizeof(m.pk));
	memset(m.sha256, 0x22, sizeof(m.sha256));
	m.len = AVATAR_PATH_MAX;
	memset(m.path, 'p', m.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_friend(&w, &m);
	assert_true(wr_ok(&w));
	len = w.len;
	assert_int_equal(len, IPC_AVATAR_FRIEND_MAX);
	assert_int_equal(buf[0], 3);
	assert_int_equal(buf[1], 1);
	assert_int_equal(buf[2], 2);
	rd_init(&r, buf, len);
	assert_int_equal(ipc_unpack_avatar_friend(&r, &out), 0);
	assert_int_equal(out.number, 258);
	assert_int_equal(out.len, AVATAR_PATH_MAX);
	assert_memory_equal(out.pk, m.pk, 32);
	for (n = 0; n < IPC_AVATAR_FRIEND_MIN; n++) {
		rd_init(&r, buf, n);
		assert_int_equal(ipc_unpack_avatar_friend(&r, &out), -1);
	}
	rd_init(&r, buf, len + 1);
	assert_int_equal(ipc_unpack_avatar_friend(&r, &out), -1);
	buf[0] = 4;		/* an unknown flag */
	rd_init(&r, buf, len);
	assert_int_equal(ipc_unpack_avatar_friend(&r, &out), -1);
	buf[0] = 1;
	buf[len - 1] = '\0';	/* a NUL in the path */
	rd_init(&r, buf, len);
	assert_int_equal(ipc_unpack_avatar_friend(&r, &out), -1);
	m.flags = 0x80;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_friend(&w, &m);
	assert_false(wr_ok(&w));
}

static void
pk_and_done(void **state)
{
	struct ipc_avatar_done	d, out;
	uint8_t			pk[TOX_PK_LEN], back[TOX_PK_LEN];
	struct wr		w;
	struct rd		r;
	size_t			n;

	memset(pk, 0x42, sizeof(pk));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_pk(&w, pk);
	assert_int_equal(w.len, IPC_AVATAR_PK_LEN);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_avatar_pk(&r, back), 0);
	assert_memory_equal(back, pk, sizeof(pk));
	rd_init(&r, buf, w.len - 1);
	assert_int_equal(ipc_unpack_avatar_pk(&r, back), -1);
	rd_init(&r, buf, w.len + 1);
	assert_int_equal(ipc_unpack_avatar_pk(&r, back), -1);

	memset(&d, 0x33, sizeof(d));
	d.size = AVATAR_MAX;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_done(&w, &d);
	assert_true(wr_ok(&w));
	assert_int_equal(w.len, IPC_AVATAR_DONE_LEN);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_avatar_done(&r, &out), 0);
	assert_int_equal(out.size, AVATAR_MAX);
	assert_memory_equal(out.sha256, d.sha256, 32);
	for (n = 0; n < IPC_AVATAR_DONE_LEN; n++) {
		rd_init(&r, buf, n);
		assert_int_equal(ipc_unpack_avatar_done(&r, &out), -1);
	}
	/* size 0 and over the limit, both ways */
	memset(buf + TOX_PK_LEN, 0, 8);
	rd_init(&r, buf, IPC_AVATAR_DONE_LEN);
	assert_int_equal(ipc_unpack_avatar_done(&r, &out), -1);
	buf[TOX_PK_LEN + 5] = 1;
	buf[TOX_PK_LEN + 7] = 1;
	rd_init(&r, buf, IPC_AVATAR_DONE_LEN);
	assert_int_equal(ipc_unpack_avatar_done(&r, &out), -1);
	d.size = 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_done(&w, &d);
	assert_false(wr_ok(&w));
}

/* Bytes of a friend's avatar: 1..AVATAR_DATA_MAX of them, all below
 * AVATAR_MAX, both ways. */
static void
data_bounds(void **state)
{
	static struct ipc_avatar_data	d, out;
	struct wr			w;
	struct rd			r;

	memset(&d, 0x5a, sizeof(d));
	d.off = AVATAR_MAX - 100;
	d.len = 100;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_data(&w, &d);
	assert_true(wr_ok(&w));
	assert_int_equal(w.len, TOX_PK_LEN + 4 + 100);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_avatar_data(&r, &out), 0);
	assert_int_equal(out.off, AVATAR_MAX - 100);
	assert_int_equal(out.len, 100);
	assert_memory_equal(out.pk, d.pk, TOX_PK_LEN);
	assert_memory_equal(out.data, d.data, 100);
	/* one byte past the end of an avatar, on the wire */
	buf[TOX_PK_LEN + 3]++;
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_avatar_data(&r, &out), -1);
	/* an offset that wraps a u32 once added */
	memset(buf + TOX_PK_LEN, 0xff, 4);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_avatar_data(&r, &out), -1);
	/* no bytes */
	rd_init(&r, buf, TOX_PK_LEN + 4);
	assert_int_equal(ipc_unpack_avatar_data(&r, &out), -1);
	/* more than a piece */
	memset(buf, 0, sizeof(buf));
	rd_init(&r, buf, TOX_PK_LEN + 4 + AVATAR_DATA_MAX + 1);
	assert_int_equal(ipc_unpack_avatar_data(&r, &out), -1);
	rd_init(&r, buf, TOX_PK_LEN + 4 + AVATAR_DATA_MAX);
	assert_int_equal(ipc_unpack_avatar_data(&r, &out), 0);
	/* and the packer refuses the same */
	d.off = AVATAR_MAX - 99;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_data(&w, &d);
	assert_false(wr_ok(&w));
	d.off = 0;
	d.len = 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_data(&w, &d);
	assert_false(wr_ok(&w));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(self_roundtrip),
		cmocka_unit_test(friend_roundtrip),
		cmocka_unit_test(pk_and_done),
		cmocka_unit_test(data_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
