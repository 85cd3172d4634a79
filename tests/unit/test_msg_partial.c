/*
 * The partial-download messages (ipc/msg_partial.c): round trips at both
 * bounds with the exact layout, and what a compromised frontend or keyd
 * could send instead (cut short at every length, trailing bytes, a NUL in
 * a path, an empty or long path, a "not found" that carries a path or a
 * size, a found flag other than 0 or 1); and the sending side's SEND_ID
 * and SEND_ID_ANS likewise.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <string.h>

#include "ipc/msg_partial.h"

static uint8_t	buf[IPC_PARTIAL_PUT_MAX + 16];

static void
key_fill(struct ipc_partial_key *k)
{
	size_t	i;

	for (i = 0; i < sizeof(k->pk); i++)
		k->pk[i] = (uint8_t)(0x10 + i);
	for (i = 0; i < sizeof(k->file_id); i++)
		k->file_id[i] = (uint8_t)(0x80 + i);
}

static size_t
pack_put(const struct ipc_partial_put *m)
{
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_partial_put(&w, m);
	return wr_ok(&w) ? w.len : 0;
}

static int
unpack_put(size_t len, struct ipc_partial_put *out)
{
	struct rd	r;

	rd_init(&r, buf, len);
	return ipc_unpack_partial_put(&r, out);
}

static size_t
pack_ans(const struct ipc_partial_ans *m)
{
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_partial_ans(&w, m);
	return wr_ok(&w) ? w.len : 0;
}

static int
unpack_ans(size_t len, struct ipc_partial_ans *out)
{
	struct rd	r;

	rd_init(&r, buf, len);
	return ipc_unpack_partial_ans(&r, out);
}

static void
partial_key_roundtrip_and_lengths(void **state)
{
	struct ipc_partial_key	k, out;
	struct wr		w;
	struct rd		r;
	size_t			n;

	key_fill(&k);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_partial_key(&w, &k);
	assert_true(wr_ok(&w));
	assert_int_equal(w.len, IPC_PARTIAL_KEY_LEN);
	assert_memory_equal(buf, k.pk, 32);
	assert_memory_equal(buf + 32, k.file_id, 32);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_partial_key(&r, &out), 0);
	assert_memory_equal(&out, &k, sizeof(k));
	/* every other length is refused */
	for (n = 0; n < IPC_PARTIAL_KEY_LEN + 2; n++) {
		if (n == IPC_PARTIAL_KEY_LEN)
			continue;
		rd_init(&r, buf, n);
		assert_int_equal(ipc_unpack_partial_key(&r, &out), -1);
	}
}

static void
partial_put_roundtrip(void **state)
{
	static struct ipc_partial_put	m, out;
	size_t				n;

	key_fill(&m.key);
	m.size = 0x0102030405060708ULL;
	m.len = 5;
	memcpy(m.path, "/a/b\xff", 5);
	n = pack_put(&m);
	assert_int_equal(n, 32 + 32 + 8 + 5);
	assert_memory_equal(buf, m.key.pk, 32);
	assert_memory_equal(buf + 32, m.key.file_id, 32);
	assert_int_equal(buf[64], 0x01);	/* size, big endian */
	assert_int_equal(buf[71], 0x08);
	assert_memory_equal(buf + 72, "/a/b\xff", 5);
	assert_int_equal(unpack_put(n, &out), 0);
	assert_memory_equal(&out.key, &m.key, sizeof(m.key));
	assert_true(out.size == m.size);
	assert_int_equal(out.len, 5);
	assert_string_equal(out.path, "/a/b\xff");

	/* the longest path */
	memset(m.path, 'q', PARTIAL_PATH_MAX);
	m.len = PARTIAL_PATH_MAX;
	n = pack_put(&m);
	assert_int_equal(n, IPC_PARTIAL_PUT_MAX);
	assert_int_equal(unpack_put(n, &out), 0);
	assert_int_equal(out.len, PARTIAL_PATH_MAX);
	assert_int_equal(strlen(out.path), PARTIAL_PATH_MAX);
}

static void
partial_put_refusals(void **state)
{
	static struct ipc_partial_put	m, out;
	size_t				n, cut;

	key_fill(&m.key);
	/* the packer refuses what the unpacker would */
	m.len = 0;
	assert_int_equal(pack_put(&m), 0);
	m.len = PARTIAL_PATH_MAX + 1;
	memset(m.path, 'x', sizeof(m.path));
	assert_int_equal(pack_put(&m), 0);
	memcpy(m.path, "a\0b", 3);
	m.len = 3;
	assert_int_equal(pack_put(&m), 0);

	/* every cut of a valid one short of its path is refused */
	memcpy(m.path, "/dl/x", 5);
	m.len = 5;
	n = pack_put(&m);
	assert_int_equal(n, IPC_PARTIAL_PUT_MIN + 4);
	for (cut = 0; cut < IPC_PARTIAL_PUT_MIN; cut++) {
		assert_int_equal(unpack_put(cut, &out), -1);
		assert_int_equal(out.len, 0);
	}
	/* a NUL inside the path, by hand */
	buf[74] = '\0';
	assert_int_equal(unpack_put(n, &out), -1);
	assert_int_equal(out.len, 0);
	assert_string_equal(out.path, "");
	/* one byte too long */
	memset(m.path, 'y', PARTIAL_PATH_MAX);
	m.len = PARTIAL_PATH_MAX;
	assert_int_equal(pack_put(&m), IPC_PARTIAL_PUT_MAX);
	buf[IPC_PARTIAL_PUT_MAX] = 'y';
	assert_int_equal(unpack_put(IPC_PARTIAL_PUT_MAX + 1, &out), -1);
}

static void
partial_ans_roundtrip(void **state)
{
	static struct ipc_partial_ans	m, out;
	size_t				n;

	/* not found: 9 bytes, all zero */
	memset(&m, 0, sizeof(m));
	n = pack_ans(&m);
	assert_int_equal(n, IPC_PARTIAL_ANS_MIN);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(buf[i], 0);
	out.found = 7;
	assert_int_equal(unpack_ans(n, &out), 0);
	assert_int_equal(out.found, 0);
	assert_int_equal(out.len, 0);
	assert_string_equal(out.path, "");

	m.found = 1;
	m.size = 1ULL << 40;
	m.len = 3;
	memcpy(m.path, "/p1", 3);
	n = pack_ans(&m);
	assert_int_equal(n, 1 + 8 + 3);
	assert_int_equal(buf[0], 1);
	assert_int_equal(buf[3], 1);	/* bit 40, big endian */
	assert_int_equal(unpack_ans(n, &out), 0);
	assert_int_equal(out.found, 1);
	assert_true(out.size == 1ULL << 40);
	assert_string_equal(out.path, "/p1");

	memset(m.path, 'z', PARTIAL_PATH_MAX);
	m.len = PARTIAL_PATH_MAX;
	assert_int_equal(pack_ans(&m), IPC_PARTIAL_ANS_MAX);
	assert_int_equal(unpack_ans(IPC_PARTIAL_ANS_MAX, &out), 0);
	assert_int_equal(out.len, PARTIAL_PATH_MAX);
}

static void
partial_ans_refusals(void **state)
{
	static struct ipc_partial_ans	m, out;
	size_t				cut;

	/* packer: found without a path, not found with one or a size, a
	 * flag over 1, a NUL in the path */
	memset(&m, 0, sizeof(m));
	m.found = 1;
	assert_int_equal(pack_ans(&m), 0);
	m.found = 0;
	m.len = 1;
	m.path[0] = '/';
	assert_int_equal(pack_ans(&m), 0);
	m.len = 0;
	m.size = 1;
	assert_int_equal(pack_ans(&m), 0);
	m.size = 0;
	m.found = 2;
	assert_int_equal(pack_ans(&m), 0);
	m.found = 1;
	m.len = 2;
	memcpy(m.path, "a\0", 2);
	assert_int_equal(pack_ans(&m), 0);

	/* unpacker, by hand */
	for (cut = 0; cut < IPC_PARTIAL_ANS_MIN; cut++) {
		memset(buf, 0, sizeof(buf));
		assert_int_equal(unpack_ans(cut, &out), -1);
	}
	memset(buf, 0, sizeof(buf));
	buf[0] = 1;				/* found, no path */
	assert_int_equal(unpack_ans(9, &out), -1);
	buf[0] = 2;				/* a flag over 1 */
	buf[9] = '/';
	assert_int_equal(unpack_ans(10, &out), -1);
	buf[0] = 0;				/* not found, a path */
	assert_int_equal(unpack_ans(10, &out), -1);
	assert_int_equal(out.len, 0);
	buf[9] = 0;
	buf[8] = 1;				/* not found, a size */
	assert_int_equal(unpack_ans(9, &out), -1);
	buf[8] = 0;
	buf[0] = 1;				/* found, NUL in the path */
	buf[9] = '/';
	buf[10] = '\0';
	assert_int_equal(unpack_ans(11, &out), -1);
	memset(buf + 9, 'w', PARTIAL_PATH_MAX + 1);	/* too long */
	assert_int_equal(unpack_ans(IPC_PARTIAL_ANS_MAX + 1, &out), -1);
	assert_int_equal(unpack_ans(IPC_PARTIAL_ANS_MAX, &out), 0);
}

static void
send_id_roundtrip_and_refusals(void **state)
{
	static struct ipc_send_id	in, out;
	struct ipc_send_id_ans		a, b;
	struct wr			w;
	struct rd			r;
	size_t				n, cut;

	memset(&in, 0, sizeof(in));
	memset(in.pk, 0x42, sizeof(in.pk));
	in.size = 50u << 20;
	in.mtime = 1700000000123456789ULL;
	in.dev = 0x803;
	in.ino = 123456;
	in.len = 9;
	memcpy(in.path, "big.bin.x", 9);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_send_id(&w, &in);
	assert_true(wr_ok(&w));
	n = w.len;
	assert_int_equal(n, IPC_SEND_ID_MIN - 1 + 9);
	/* pk || size || mtime || dev || ino || path, big-endian */
	assert_int_equal(buf[32 + 7 + 8], 0x15);	/* mtime's low byte */
	assert_memory_equal(buf + 32 + 32, "big.bin.x", 9);
	rd_init(&r, buf, n);
	assert_int_equal(ipc_unpack_send_id(&r, &out), 0);
	assert_memory_equal(out.pk, in.pk, sizeof(in.pk));
	assert_true(out.size == in.size && out.mtime == in.mtime &&
	    out.dev == in.dev && out.ino == in.ino);
	assert_int_equal(out.len, 9);
	assert_string_equal(out.path, "big.bin.x");
	for (cut = 0; cut < IPC_SEND_ID_MIN; cut++) {
		rd_init(&r, buf, cut);
		assert_int_equal(ipc_unpack_send_id(&r, &out), -1);
	}
	buf[n - 2] = '\0';				/* a NUL in the path */
	rd_init(&r, buf, n);
	assert_int_equal(ipc_unpack_send_id(&r, &out), -1);
	in.len = 0;					/* no path */
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_send_id(&w, &in);
	assert_false(wr_ok(&w));
	in.len = PARTIAL_PATH_MAX + 1;			/* too long */
	memset(in.path, 'p', in.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_send_id(&w, &in);
	assert_false(wr_ok(&w));

	memset(a.file_id, 0x5a, sizeof(a.file_id));
	a.again = 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_send_id_ans(&w, &a);
	assert_int_equal(w.len, IPC_SEND_ID_ANS_LEN);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_send_id_ans(&r, &b), 0);
	assert_memory_equal(b.file_id, a.file_id, sizeof(a.file_id));
	assert_int_equal(b.again, 1);
	buf[32] = 2;					/* again 2 */
	rd_init(&r, buf, IPC_SEND_ID_ANS_LEN);
	assert_int_equal(ipc_unpack_send_id_ans(&r, &b), -1);
	buf[32] = 0;
	rd_init(&r, buf, IPC_SEND_ID_ANS_LEN - 1);	/* short */
	assert_int_equal(ipc_unpack_send_id_ans(&r, &b), -1);
	rd_init(&r, buf, IPC_SEND_ID_ANS_LEN + 1);	/* trailing */
	assert_int_equal(ipc_unpack_send_id_ans(&r, &b), -1);
	a.again = 2;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_send_id_ans(&w, &a);
	assert_false(wr_ok(&w));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(partial_key_roundtrip_and_lengths),
		cmocka_unit_test(partial_put_roundtrip),
		cmocka_unit_test(partial_put_refusals),
		cmocka_unit_test(partial_ans_roundtrip),
		cmocka_unit_test(partial_ans_refusals),
		cmocka_unit_test(send_id_roundtrip_and_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
