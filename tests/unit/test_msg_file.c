/*
 * The file service's messages (ipc/msg_file.c): round trips at both
 * bounds, and what a compromised frontend or a confused supervisor could
 * send instead (cut short, trailing bytes, a NUL in a path, an unknown
 * mode, an errno out of range, a refusal that carries a path).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <string.h>

#include "ipc/msg_file.h"

static uint8_t	buf[IPC_FILE_OPENED_MAX + 16];

static size_t
pack_open(uint8_t mode, const char *path, size_t len)
{
	static struct ipc_file_open	m;
	struct wr			w;

	m.mode = mode;
	m.len = (uint16_t)len;
	memcpy(m.path, path, len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_open(&w, &m);
	return wr_ok(&w) ? w.len : 0;
}

static int
unpack_open(size_t len, struct ipc_file_open *out)
{
	struct rd	r;

	rd_init(&r, buf, len);
	return ipc_unpack_file_open(&r, out);
}

static void
file_open_roundtrip(void **state)
{
	static struct ipc_file_open	out;
	static char			big[IPC_FILE_PATH_MAX];
	size_t				n;

	n = pack_open(IPC_FILE_INCOMING, "../x", 4);
	assert_int_equal(n, 1 + 2 + 4);
	assert_int_equal(buf[0], IPC_FILE_INCOMING);
	assert_int_equal(buf[1], 0);		/* len, big endian */
	assert_int_equal(buf[2], 4);
	assert_int_equal(unpack_open(n, &out), 0);
	assert_int_equal(out.mode, IPC_FILE_INCOMING);
	assert_int_equal(out.len, 4);
	assert_string_equal(out.path, "../x");

	memset(big, 'z', sizeof(big));
	n = pack_open(IPC_FILE_SAVE_AS, big, sizeof(big));
	assert_int_equal(n, IPC_FILE_OPEN_MAX);
	assert_int_equal(unpack_open(n, &out), 0);
	assert_int_equal(out.len, IPC_FILE_PATH_MAX);
	assert_int_equal(strlen(out.path), IPC_FILE_PATH_MAX);
	assert_memory_equal(out.path, big, sizeof(big));
}

static void
file_open_refusals(void **state)
{
	static struct ipc_file_open	out;
	static char			long_path[IPC_FILE_PATH_MAX + 1];
	size_t				n;

	/* the packer refuses what the unpacker would */
	assert_int_equal(pack_open(IPC_FILE_READ, "", 0), 0);
	memset(long_path, 'x', sizeof(long_path));
	assert_int_equal(pack_open(IPC_FILE_READ, long_path,
	    sizeof(long_path)), 0);

	n = pack_open(IPC_FILE_READ, "/etc/hosts", 10);
	assert_int_equal(unpack_open(n, &out), 0);
	assert_int_equal(unpack_open(n - 1, &out), -1);	/* short */
	buf[n] = 'x';
	assert_int_equal(unpack_open(n + 1, &out), -1);	/* trailing */
	assert_int_equal(unpack_open(2, &out), -1);	/* no length */
	buf[5] = '\0';					/* a NUL inside */
	assert_int_equal(unpack_open(n, &out), -1);
	buf[5] = 't';
	assert_int_equal(unpack_open(n, &out), 0);
	buf[0] = 0;					/* no such mode */
	assert_int_equal(unpack_open(n, &out), -1);
	buf[0] = 5;
	assert_int_equal(unpack_open(n, &out), -1);
	buf[0] = IPC_FILE_RESUME;
	assert_int_equal(unpack_open(n, &out), 0);
	buf[0] = IPC_FILE_SAVE_AS;
	assert_int_equal(unpack_open(n, &out), 0);
	buf[1] = 0, buf[2] = 0;				/* empty path */
	assert_int_equal(unpack_open(3, &out), -1);
	buf[1] = 0x10, buf[2] = 0;			/* 4096 bytes */
	memset(buf + 3, 'a', 4096);
	assert_int_equal(unpack_open(3 + 4096, &out), -1);
}

static size_t
pack_opened(int32_t err, uint64_t size, const char *path, size_t len)
{
	static struct ipc_file_opened	m;
	struct wr			w;

	m.err = err;
	m.size = size;
	m.mtime = err == 0 ? 1700000000123456789ULL : 0;
	m.dev = err == 0 ? 0x803 : 0;
	m.ino = err == 0 ? 0xfedcba9876543210ULL : 0;
	m.len = (uint16_t)len;
	memcpy(m.path, path, len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_opened(&w, &m);
	return wr_ok(&w) ? w.len : 0;
}

static int
unpack_opened(size_t len, struct ipc_file_opened *out)
{
	struct rd	r;

	rd_init(&r, buf, len);
	return ipc_unpack_file_opened(&r, out);
}

static void
file_opened_roundtrip_and_refusals(void **state)
{
	static struct ipc_file_opened	out;
	static char			long_path[IPC_FILE_PATH_MAX + 1];
	size_t				n;

	n = pack_opened(0, 0x0102030405060708ULL, "/home/u/Dl/a (1).txt", 20);
	assert_int_equal(n, IPC_FILE_OPENED_MIN + 20);
	assert_int_equal(unpack_opened(n, &out), 0);
	assert_int_equal(out.err, 0);
	assert_true(out.size == 0x0102030405060708ULL);
	assert_true(out.mtime == 1700000000123456789ULL);
	assert_true(out.dev == 0x803);
	assert_true(out.ino == 0xfedcba9876543210ULL);
	assert_int_equal(out.len, 20);
	assert_string_equal(out.path, "/home/u/Dl/a (1).txt");
	assert_int_equal(unpack_opened(n - 1, &out), -1);
	buf[n] = 0;
	assert_int_equal(unpack_opened(n + 1, &out), -1);
	buf[IPC_FILE_OPENED_MIN + 3] = '\0';
	assert_int_equal(unpack_opened(n, &out), -1);

	/* a refusal: an errno, nothing else */
	n = pack_opened(13, 0, "", 0);
	assert_int_equal(n, IPC_FILE_OPENED_MIN);
	assert_int_equal(unpack_opened(n, &out), 0);
	assert_int_equal(out.err, 13);
	assert_int_equal(out.len, 0);
	assert_string_equal(out.path, "");
	n = pack_opened(IPC_FILE_ERRNO_MAX, 0, "", 0);
	assert_int_equal(unpack_opened(n, &out), 0);
	n = pack_opened(IPC_FILE_ERRNO_MAX + 1, 0, "", 0);	/* not errno */
	assert_int_equal(unpack_opened(n, &out), -1);
	n = pack_opened(-1, 0, "", 0);
	assert_int_equal(unpack_opened(n, &out), -1);
	n = pack_opened(2, 5, "", 0);			/* a size with it */
	assert_int_equal(unpack_opened(n, &out), -1);
	n = pack_opened(2, 0, "", 0);			/* a stamp with it */
	buf[4 + 8 + 8 + 8 + 7] = 1;			/* ino 1 */
	assert_int_equal(unpack_opened(n, &out), -1);
	n = pack_opened(2, 0, "/x", 2);			/* a path with it */
	assert_int_equal(unpack_opened(n, &out), -1);
	n = pack_opened(0, 0, "", 0);			/* success, no path */
	assert_int_equal(unpack_opened(n, &out), -1);
	memset(long_path, 'x', sizeof(long_path));
	assert_int_equal(pack_opened(0, 0, long_path, sizeof(long_path)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_open_roundtrip),
		cmocka_unit_test(file_open_refusals),
		cmocka_unit_test(file_opened_roundtrip_and_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
