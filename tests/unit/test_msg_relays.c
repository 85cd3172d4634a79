/*
 * NET_RELAYS: a full table crosses; every field's bad value, a control
 * byte or an empty address, a count past the table and a short or long
 * message are refused, packing and unpacking alike.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ipc/msg_relays.h"

static uint8_t	buf[IPC_NET_RELAYS_MAX_LEN + 16];

static void
fill(struct ipc_net_relays *m)
{
	uint8_t	i;

	memset(m, 0, sizeof(*m));
	m->server_clients = 300;
	m->n = IPC_NET_RELAYS_MAX;
	for (i = 0; i < m->n; i++) {
		memset(m->r[i].pk, i, sizeof(m->r[i].pk));
		m->r[i].state = i % IPC_RELAY_STATE_MAX;
		m->r[i].src = i & IPC_RELAY_SRC_ALL;
		m->r[i].friends = i;
		m->r[i].family = i % 3 == 0 ? 0 : i % 3 == 1 ? 4 : 6;
		m->r[i].ip[0] = i;
		m->r[i].port = (uint16_t)(443 + i);
		if (i == 0)	/* the longest address */
			memset(m->r[i].where, 'x', IPC_RELAY_WHERE_MAX);
		else
			snprintf(m->r[i].where, sizeof(m->r[i].where),
			    "198.51.100.%u:443", i);
	}
}

static size_t
pack(const struct ipc_net_relays *m)
{
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_relays(&w, m);
	return wr_ok(&w) ? w.len : 0;
}

static void
round_trip_full_table(void **state)
{
	static struct ipc_net_relays	a, b;
	struct rd			r;
	size_t				len;

	fill(&a);
	len = pack(&a);
	/* entry 0 has the longest address, the others "198.51.100.N:443" */
	assert_int_equal(len, 3 + IPC_NET_RELAYS_MAX * (32 + 24) +
	    IPC_RELAY_WHERE_MAX + strlen(a.r[1].where) * 9 +
	    strlen(a.r[10].where) * 6);
	rd_init(&r, buf, len);
	assert_int_equal(ipc_unpack_net_relays(&r, &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(b.server_clients, 300);
	/* none at all is a table too */
	a.n = 0;
	assert_int_equal(pack(&a), 3);
	rd_init(&r, buf, 3);
	assert_int_equal(ipc_unpack_net_relays(&r, &b), 0);
	assert_int_equal(b.n, 0);
}

static void
refusals(void **state)
{
	static struct ipc_net_relays	a, b;
	struct rd			r;
	size_t				len;

	fill(&a);
	a.n = 2;
	a.r[1].state = IPC_RELAY_STATE_MAX;
	assert_int_equal(pack(&a), 0);
	fill(&a);
	a.n = 2;
	a.r[1].src = 0x08;
	assert_int_equal(pack(&a), 0);
	fill(&a);
	a.n = 2;
	a.r[1].where[3] = '\n';
	assert_int_equal(pack(&a), 0);
	a.r[1].where[0] = '\0';
	assert_int_equal(pack(&a), 0);
	fill(&a);
	a.n = 2;
	a.r[1].family = 5;
	assert_int_equal(pack(&a), 0);
	fill(&a);
	a.n = IPC_NET_RELAYS_MAX + 1;
	assert_int_equal(pack(&a), 0);

	/* on the wire: count, state, family, address byte, length */
	fill(&a);
	a.n = 2;
	len = pack(&a);
	assert_true(len > 0);
	buf[2] = IPC_NET_RELAYS_MAX + 1;
	rd_init(&r, buf, len);
	assert_int_equal(ipc_unpack_net_relays(&r, &b), -1);
	buf[2] = 2;
	buf[3 + 32] = IPC_RELAY_STATE_MAX;
	rd_init(&r, buf, len);
	assert_int_equal(ipc_unpack_net_relays(&r, &b), -1);
	buf[3 + 32] = 0;
	buf[3 + 35] = 5;		/* family */
	rd_init(&r, buf, len);
	assert_int_equal(ipc_unpack_net_relays(&r, &b), -1);
	buf[3 + 35] = 0;
	buf[3 + 56] = 0x7f;		/* first address byte */
	rd_init(&r, buf, len);
	assert_int_equal(ipc_unpack_net_relays(&r, &b), -1);
	buf[3 + 56] = 'x';
	rd_init(&r, buf, len);
	assert_int_equal(ipc_unpack_net_relays(&r, &b), 0);
	rd_init(&r, buf, len - 1);
	assert_int_equal(ipc_unpack_net_relays(&r, &b), -1);
	rd_init(&r, buf, len + 1);
	assert_int_equal(ipc_unpack_net_relays(&r, &b), -1);
	buf[3 + 54] = 0x02;		/* length 0x0205: past the max */
	rd_init(&r, buf, len);
	assert_int_equal(ipc_unpack_net_relays(&r, &b), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_full_table),
		cmocka_unit_test(refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
