/* Network IPC messages: pack/unpack round trips, bounds, spec entries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ipc/ipc.h"
#include "ipc/msg_net.h"

static void
net_status_round_trip(void **state)
{
	struct ipc_net_status	in, out;
	uint8_t			buf[64];
	struct wr		w;
	struct rd		r;

	memset(&in, 0, sizeof(in));
	in.state = NET_DHT_UDP;
	memset(in.dht_pk, 0xab, sizeof(in.dht_pk));
	in.udp_port = 33445;
	in.good_nodes = 17;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_status(&w, &in);
	assert_true(wr_ok(&w));
	assert_int_equal(wr_len(&w), IPC_NET_STATUS_LEN);
	memset(&out, 0xff, sizeof(out));
	rd_init(&r, buf, wr_len(&w));
	assert_int_equal(ipc_unpack_net_status(&r, &out), 0);
	assert_int_equal(out.state, in.state);
	assert_memory_equal(out.dht_pk, in.dht_pk, sizeof(in.dht_pk));
	assert_int_equal(out.udp_port, in.udp_port);
	assert_int_equal(out.good_nodes, in.good_nodes);
	rd_init(&r, buf, wr_len(&w) - 1);
	assert_int_equal(ipc_unpack_net_status(&r, &out), -1);
	buf[0] = NET_DHT_STATE_MAX;
	rd_init(&r, buf, wr_len(&w));
	assert_int_equal(ipc_unpack_net_status(&r, &out), -1);
}

static void
net_nodes_round_trip_and_errors(void **state)
{
	static struct ipc_net_nodes	in, out;
	uint8_t				buf[IPC_NET_NODES_MAX_LEN + 8];
	struct wr			w;
	struct rd			r;
	unsigned			i;

	memset(&in, 0, sizeof(in));
	in.n = IPC_NET_NODES_MAX;
	for (i = 0; i < in.n; i++) {
		in.nodes[i].family = i % 2 ? PN_UDP6 : PN_UDP4;
		in.nodes[i].ip[0] = (uint8_t)i;
		in.nodes[i].port = (uint16_t)(1000 + i);
		memset(in.nodes[i].pk, (int)i, PN_PK_LEN);
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_nodes(&w, &in);
	assert_true(wr_ok(&w));
	rd_init(&r, buf, wr_len(&w));
	assert_int_equal(ipc_unpack_net_nodes(&r, &out), 0);
	assert_int_equal(out.n, in.n);
	assert_memory_equal(out.nodes, in.nodes, sizeof(in.nodes));
	/* Count larger than what follows; trailing byte; zero count. */
	buf[0] = 2;
	rd_init(&r, buf, 1 + PN_SIZE_V4);
	assert_int_equal(ipc_unpack_net_nodes(&r, &out), -1);
	buf[0] = 1;
	rd_init(&r, buf, 1 + PN_SIZE_V4 + 1);
	assert_int_equal(ipc_unpack_net_nodes(&r, &out), -1);
	rd_init(&r, buf, 1 + PN_SIZE_V4);
	assert_int_equal(ipc_unpack_net_nodes(&r, &out), 0);
	buf[0] = 0;
	rd_init(&r, buf, 1);
	assert_int_equal(ipc_unpack_net_nodes(&r, &out), -1);
	buf[0] = IPC_NET_NODES_MAX + 1;
	rd_init(&r, buf, sizeof(buf));
	assert_int_equal(ipc_unpack_net_nodes(&r, &out), -1);
	/* TCP families are not DHT nodes. */
	buf[0] = 1;
	buf[1] = PN_TCP4;
	rd_init(&r, buf, 1 + PN_SIZE_V4);
	assert_int_equal(ipc_unpack_net_nodes(&r, &out), -1);
	in.n = 1;
	in.nodes[0].family = PN_TCP4;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_nodes(&w, &in);
	assert_false(wr_ok(&w));
}

static void
net_bootstrap_and_key(void **state)
{
	struct packed_node	n, m;
	uint8_t			buf[64], pk[PN_PK_LEN];
	struct wr		w;
	struct rd		r;

	memset(&n, 0, sizeof(n));
	n.family = PN_UDP4;
	n.ip[0] = 127;
	n.ip[3] = 1;
	n.port = 33445;
	memset(n.pk, 7, sizeof(n.pk));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_bootstrap(&w, &n);
	assert_int_equal(wr_len(&w), PN_SIZE_V4);
	rd_init(&r, buf, wr_len(&w));
	assert_int_equal(ipc_unpack_net_bootstrap(&r, &m), 0);
	assert_memory_equal(&n, &m, sizeof(n));
	rd_init(&r, buf, wr_len(&w) + 1);
	assert_int_equal(ipc_unpack_net_bootstrap(&r, &m), -1);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_dht_key(&w, n.pk);
	rd_init(&r, buf, PN_PK_LEN);
	assert_int_equal(ipc_unpack_net_dht_key(&r, pk), 0);
	assert_memory_equal(pk, n.pk, PN_PK_LEN);
	rd_init(&r, buf, PN_PK_LEN - 1);
	assert_int_equal(ipc_unpack_net_dht_key(&r, pk), -1);
}

static void
net_specs_registered(void **state)
{
	const struct ipc_spec	*s;

	s = ipc_spec(IPC_NET_STATUS);
	assert_non_null(s);
	assert_true(s->edges & IPC_EDGE(ROLE_NETD, ROLE_KEYD));
	assert_true(s->edges & IPC_EDGE(ROLE_KEYD, ROLE_FRONTEND));
	/* an edge set, not two masks: netd may not reach the frontend */
	assert_false(s->edges & IPC_EDGE(ROLE_NETD, ROLE_FRONTEND));
	assert_false(s->edges & IPC_EDGE(ROLE_FRONTEND, ROLE_KEYD));
	assert_int_equal(s->min, IPC_NET_STATUS_LEN);
	s = ipc_spec(IPC_NET_DHT_SEARCH_ADD);
	assert_non_null(s);
	assert_int_equal(s->edges, IPC_EDGE(ROLE_KEYD, ROLE_NETD));
	assert_non_null(ipc_spec(IPC_NET_NODES_SAVE));
	assert_non_null(ipc_spec(IPC_NET_NODES_LOAD));
	assert_non_null(ipc_spec(IPC_NET_BOOTSTRAP));
	assert_non_null(ipc_spec(IPC_NET_DHT_SEARCH_DEL));
	assert_string_equal(ipc_type_name(IPC_NET_BOOTSTRAP), "NET_BOOTSTRAP");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(net_status_round_trip),
		cmocka_unit_test(net_nodes_round_trip_and_errors),
		cmocka_unit_test(net_bootstrap_and_key),
		cmocka_unit_test(net_specs_registered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
