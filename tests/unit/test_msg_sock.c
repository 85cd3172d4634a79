/*
 * The socket broker's messages (ipc/msg_sock.c): round trips, and what
 * a compromised netd or a confused supervisor could send instead.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ipc/msg_sock.h"

static void
sock_open_roundtrip_and_refusals(void **state)
{
	struct ipc_sock_open	in, out;
	uint8_t			buf[64];
	struct wr		w;
	struct rd		r;

	memset(&in, 0, sizeof(in));
	in.tag = 0xdeadbeef;
	in.family = IPC_SOCK_FAMILY_V6;
	memset(in.addr, 0xab, sizeof(in.addr));
	in.port = 443;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_sock_open(&w, &in);
	assert_true(wr_ok(&w));
	assert_int_equal(w.len, IPC_SOCK_OPEN_LEN);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_sock_open(&r, &out), 0);
	assert_int_equal(out.tag, in.tag);
	assert_int_equal(out.family, in.family);
	assert_memory_equal(out.addr, in.addr, sizeof(in.addr));
	assert_int_equal(out.port, in.port);
	/* short and long */
	rd_init(&r, buf, w.len - 1);
	assert_int_equal(ipc_unpack_sock_open(&r, &out), -1);
	buf[w.len] = 0;
	rd_init(&r, buf, w.len + 1);
	assert_int_equal(ipc_unpack_sock_open(&r, &out), -1);
	/* an IPv4 address with bytes after its four: one spelling only */
	buf[4] = IPC_SOCK_FAMILY_V4;
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_sock_open(&r, &out), -1);
	memset(buf + 5 + 4, 0, 12);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_sock_open(&r, &out), 0);
	buf[4] = 5;				/* no such family */
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_sock_open(&r, &out), -1);
	buf[4] = IPC_SOCK_FAMILY_V4;
	buf[w.len - 2] = buf[w.len - 1] = 0;	/* port 0 */
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_sock_open(&r, &out), -1);
}

static void
sock_opened_roundtrip_and_range(void **state)
{
	struct ipc_sock_opened	in = { .tag = 7, .err = 111 }, out;
	uint8_t			buf[16];
	struct wr		w;
	struct rd		r;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_sock_opened(&w, &in);
	assert_int_equal(w.len, IPC_SOCK_OPENED_LEN);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_sock_opened(&r, &out), 0);
	assert_int_equal(out.tag, 7);
	assert_int_equal(out.err, 111);
	in.err = -1;				/* not an errno */
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_sock_opened(&w, &in);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_sock_opened(&r, &out), -1);
	in.err = IPC_SOCK_ERRNO_MAX + 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_sock_opened(&w, &in);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_sock_opened(&r, &out), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sock_open_roundtrip_and_refusals),
		cmocka_unit_test(sock_opened_roundtrip_and_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
