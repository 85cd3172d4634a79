/*
 * netd's table of onion data waiting for delivery (netd/netd_onion_out.c)
 * over a real channel from a raw "keyd" end: fixed size, the newest for a
 * destination replaces its oldest, a full table gives up its oldest, and
 * the onion client takes entries oldest first.
 */
#include <sys/socket.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/loop.h"
#include "ipc/chan.h"
#include "ipc/msg_core.h"
#include "ipc/msg_onion.h"
#include "netd/netd_onion_out.h"

static struct chan	nc;
static int		kfd = -1, closed;
static struct ipc_msg	rep;

static const struct chan_tables from_keyd = { { &netd_onion_out_from_keyd } };

static void
on_close(struct chan *c, const char *why)
{
	closed = 1;
}

static int
setup(void **state)
{
	struct ipc_hello	h;
	uint8_t			buf[64];
	struct wr		w;
	int			sv[2];

	loop_init();
	netd_onion_out_clear();
	closed = 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	chan_open(&nc, sv[0], ROLE_NETD, ROLE_KEYD, &from_keyd, on_close,
	    NULL);
	kfd = sv[1];
	h.role = ROLE_KEYD;
	memcpy(h.build_id, ipc_build_id, sizeof(h.build_id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &h);
	if (ipc_send(kfd, IPC_HELLO, 0, buf, wr_len(&w), -1) == -1 ||
	    ipc_recv(kfd, &rep) != 1 || rep.hdr.type != IPC_HELLO)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	if (nc.open)
		chan_close(&nc, "test over");
	close(kfd);
	return 0;
}

/* ONION_DATA_OUT for the pk of byte d, tagged in its nonce. */
static void
send_out(uint8_t d, uint8_t tag)
{
	static struct ipc_onion_data_out	o;
	uint8_t					buf[IPC_ONION_DATA_OUT_MAX];
	struct wr				w;

	memset(&o, 0, sizeof(o));
	memset(o.dest_pk, d, sizeof(o.dest_pk));
	o.nonce[0] = tag;
	o.len = ONION_DATA_SEALED_MIN;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_data_out(&w, &o);
	assert_true(wr_ok(&w));
	assert_int_equal(ipc_send(kfd, IPC_ONION_DATA_OUT, 0, buf,
	    wr_len(&w), -1), 0);
	loop_once(1000);
}

static void
newest_replaces_oldest_for_the_same_pk(void **state)
{
	struct ipc_onion_data_out	o;
	uint8_t				pk[ONION_PK_LEN];

	send_out(1, 10);
	send_out(1, 11);
	send_out(2, 20);
	send_out(1, 12);	/* 1 has NETD_ONION_OUT_PER_PK: 10 goes */
	memset(pk, 1, sizeof(pk));
	assert_int_equal(netd_onion_out_pending(pk), NETD_ONION_OUT_PER_PK);
	assert_int_equal(netd_onion_out_pending(NULL), 3);
	assert_int_equal(netd_onion_out_stats()->replaced, 1);
	assert_int_equal(netd_onion_out_take(pk, &o), 1);
	assert_int_equal(o.nonce[0], 11);
	assert_int_equal(o.len, ONION_DATA_SEALED_MIN);
	assert_int_equal(netd_onion_out_take(pk, &o), 1);
	assert_int_equal(o.nonce[0], 12);
	assert_int_equal(netd_onion_out_take(pk, &o), 0);
	memset(pk, 2, sizeof(pk));
	assert_int_equal(netd_onion_out_take(pk, &o), 1);
	assert_int_equal(o.nonce[0], 20);
	assert_int_equal(netd_onion_out_pending(NULL), 0);
	assert_false(closed);
}

static void
full_table_evicts_the_oldest(void **state)
{
	struct ipc_onion_data_out	o;
	uint8_t				pk[ONION_PK_LEN];
	unsigned			i;

	for (i = 0; i < NETD_ONION_OUT_MAX + 1; i++)
		send_out((uint8_t)(i + 1), (uint8_t)i);
	assert_int_equal(netd_onion_out_pending(NULL), NETD_ONION_OUT_MAX);
	assert_int_equal(netd_onion_out_stats()->evicted, 1);
	memset(pk, 1, sizeof(pk));		/* the first: gone */
	assert_int_equal(netd_onion_out_take(pk, &o), 0);
	memset(pk, NETD_ONION_OUT_MAX + 1, sizeof(pk));	/* the last: kept */
	assert_int_equal(netd_onion_out_take(pk, &o), 1);
	assert_int_equal(o.nonce[0], NETD_ONION_OUT_MAX);
}

static void
malformed_closes_the_channel(void **state)
{
	uint8_t	buf[IPC_ONION_DATA_OUT_MIN];

	/* one byte short of the smallest sealed layer */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(ipc_send(kfd, IPC_ONION_DATA_OUT, 0, buf,
	    sizeof(buf) - 1, -1), 0);
	loop_once(1000);
	assert_true(closed);
	assert_int_equal(netd_onion_out_pending(NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    newest_replaces_oldest_for_the_same_pk, setup, teardown),
		cmocka_unit_test_setup_teardown(full_table_evicts_the_oldest,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(malformed_closes_the_channel,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
