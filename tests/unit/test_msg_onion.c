/*
 * The onion messages' pack/unpack pairs (ipc/msg_onion.c): round trips,
 * and the values an unpacker must refuse although the size is right.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ipc/msg_onion.h"

static uint8_t	buf[4096];

static void
seal_and_sealed_round_trip(void **state)
{
	struct ipc_onion_announce_seal		s, s2;
	struct ipc_onion_announce_sealed	p, p2;
	struct wr				w;
	struct rd				r;

	memset(&s, 0x11, sizeof(s));
	s.sendback[7] = 0x99;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_announce_seal(&w, &s);
	assert_int_equal(w.len, IPC_ONION_ANNOUNCE_SEAL_LEN);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_onion_announce_seal(&r, &s2), 0);
	assert_memory_equal(&s, &s2, sizeof(s));
	rd_init(&r, buf, w.len - 1);
	assert_int_equal(ipc_unpack_onion_announce_seal(&r, &s2), -1);

	memset(&p, 0x22, sizeof(p));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_announce_sealed(&w, &p);	/* not a 0x83 */
	assert_false(wr_ok(&w));
	p.pkt[0] = ONION_ANNOUNCE_REQ;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_announce_sealed(&w, &p);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_onion_announce_sealed(&r, &p2), 0);
	assert_memory_equal(&p, &p2, sizeof(p));
	buf[0] = ONION_ANNOUNCE_RESP;
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_onion_announce_sealed(&r, &p2), -1);
}

static void
opened_refuses_bad_values(void **state)
{
	struct ipc_onion_announce_opened	a, a2;
	struct wr				w;
	struct rd				r;
	size_t					len;

	memset(&a, 0, sizeof(a));
	a.is_stored = ANNOUNCE_FOUND;
	memset(a.field, 3, sizeof(a.field));
	a.n = 2;
	a.nodes[0].family = PN_UDP4;
	a.nodes[0].port = 1;
	a.nodes[1].family = PN_UDP6;
	a.nodes[1].ip[15] = 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_announce_opened(&w, &a);
	assert_true(wr_ok(&w));
	len = w.len;
	rd_init(&r, buf, len);
	assert_int_equal(ipc_unpack_onion_announce_opened(&r, &a2), 0);
	assert_memory_equal(&a, &a2, sizeof(a));

	buf[0] = 3;				/* is_stored */
	rd_init(&r, buf, len);
	assert_int_equal(ipc_unpack_onion_announce_opened(&r, &a2), -1);
	buf[0] = 1;
	buf[33] = 3;				/* count says 3, 2 there */
	rd_init(&r, buf, len);
	assert_int_equal(ipc_unpack_onion_announce_opened(&r, &a2), -1);
	buf[33] = 1;				/* count says 1, 2 there */
	rd_init(&r, buf, len);
	assert_int_equal(ipc_unpack_onion_announce_opened(&r, &a2), -1);
	buf[33] = 2;
	buf[34] = PN_TCP4;			/* no TCP here */
	rd_init(&r, buf, len);
	assert_int_equal(ipc_unpack_onion_announce_opened(&r, &a2), -1);

	a.nodes[1].family = PN_TCP6;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_announce_opened(&w, &a);
	assert_false(wr_ok(&w));
	a.nodes[1].family = PN_UDP6;
	a.n = 5;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_announce_opened(&w, &a);
	assert_false(wr_ok(&w));
}

static void
variable_payloads_keep_their_bounds(void **state)
{
	static struct ipc_onion_announce_open	o, o2;
	static struct ipc_onion_data_in		di, di2;
	static struct ipc_onion_data_out	d, d2;
	struct wr				w;
	struct rd				r;

	memset(o.node_pk, 5, sizeof(o.node_pk));
	o.len = ANNOUNCE_RESP_MAX;
	memset(o.pkt, 6, o.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_announce_open(&w, &o);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_onion_announce_open(&r, &o2), 0);
	assert_memory_equal(&o, &o2, sizeof(o));
	rd_init(&r, buf, IPC_ONION_ANNOUNCE_OPEN_MIN - 1);
	assert_int_equal(ipc_unpack_onion_announce_open(&r, &o2), -1);

	di.boxlen = ONION_DATA_BOX_MIN;
	memset(di.box, 7, di.boxlen);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_data_in(&w, &di);
	assert_int_equal(w.len, IPC_ONION_DATA_IN_MIN);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_onion_data_in(&r, &di2), 0);
	assert_memory_equal(&di, &di2, sizeof(di));
	rd_init(&r, buf, w.len - 1);
	assert_int_equal(ipc_unpack_onion_data_in(&r, &di2), -1);
	memset(buf, 0, IPC_ONION_DATA_IN_MAX + 1);
	rd_init(&r, buf, IPC_ONION_DATA_IN_MAX + 1);
	assert_int_equal(ipc_unpack_onion_data_in(&r, &di2), -1);

	d.len = ONION_DATA_SEALED_SEND_MAX;
	memset(d.sealed, 8, d.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_data_out(&w, &d);
	assert_int_equal(w.len, IPC_ONION_DATA_OUT_MAX);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_onion_data_out(&r, &d2), 0);
	assert_memory_equal(&d, &d2, sizeof(d));
	buf[w.len] = 0;
	rd_init(&r, buf, w.len + 1);
	assert_int_equal(ipc_unpack_onion_data_out(&r, &d2), -1);
	d.len = ONION_DATA_SEALED_SEND_MAX + 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_data_out(&w, &d);
	assert_false(wr_ok(&w));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seal_and_sealed_round_trip),
		cmocka_unit_test(opened_refuses_bad_values),
		cmocka_unit_test(variable_payloads_keep_their_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
