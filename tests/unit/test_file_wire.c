/*
 * The file-transfer packet codecs (chatd/file_wire.c): the bytes each
 * builder writes, checked by hand against c-toxcore 0.2.18's layouts;
 * every bound of file_parse one off on both sides (request head 46
 * bytes, name 255, seek position exactly 8, control types 0..3, data
 * 1371); other ids; a round trip.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "chatd/file_wire.h"

static uint8_t		buf[NC_DATA_MAX + 64];
static uint8_t		out[NC_DATA_MAX];
static struct file_pkt	pk;

static void
file_req_bytes_as_c_toxcore(void **state)
{
	static struct file_req	q;
	static const uint8_t	want_head[] = {
		0x50, 7,			/* id, file number */
		0x00, 0x00, 0x00, 0x01,		/* kind: avatar */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x98, 0x96, 0x80 /* 10e6 */
	};
	int			len;

	(void)state;
	memset(&q, 0, sizeof(q));
	q.filenum = 7;
	q.kind = FILE_KIND_AVATAR;
	q.size = 10000000;
	memset(q.id, 0xab, sizeof(q.id));
	q.name_len = 5;
	memcpy(q.name, "a.png", 5);
	len = file_build_req(&q, out, sizeof(out));
	assert_int_equal(len, FILE_REQ_HEAD + 5);
	assert_memory_equal(out, want_head, sizeof(want_head));
	assert_int_equal(out[14], 0xab);
	assert_int_equal(out[45], 0xab);
	assert_memory_equal(out + 46, "a.png", 5);

	assert_int_equal(file_parse(out, (size_t)len, &pk), FILE_PKT_REQ);
	assert_int_equal(pk.kind, FILE_PKT_REQ);
	assert_int_equal(pk.req.filenum, 7);
	assert_int_equal(pk.req.kind, 1);
	assert_true(pk.req.size == 10000000);
	assert_memory_equal(pk.req.id, q.id, FILE_ID_LEN);
	assert_int_equal(pk.req.name_len, 5);
	assert_memory_equal(pk.req.name, "a.png", 5);
}

static void
file_req_bounds(void **state)
{
	static struct file_req	q;

	(void)state;
	/* the head alone: an empty name is fine; one byte less is not */
	memset(buf, 0, sizeof(buf));
	buf[0] = FILE_ID_SENDREQUEST;
	memset(buf + 6, 0xff, 8);	/* size UINT64_MAX: a stream */
	assert_int_equal(file_parse(buf, FILE_REQ_HEAD, &pk), FILE_PKT_REQ);
	assert_int_equal(pk.req.name_len, 0);
	assert_true(pk.req.size == FILE_SIZE_UNKNOWN);
	assert_int_equal(file_parse(buf, FILE_REQ_HEAD - 1, &pk),
	    FILE_PKT_DROP);
	assert_int_equal(pk.req.filenum, 0);
	assert_int_equal(file_parse(buf, 1, &pk), FILE_PKT_DROP);
	/* a 255-byte name is taken, 256 dropped */
	memset(buf + FILE_REQ_HEAD, 'n', 256);
	assert_int_equal(file_parse(buf, FILE_REQ_HEAD + 255, &pk),
	    FILE_PKT_REQ);
	assert_int_equal(pk.req.name_len, 255);
	assert_int_equal(file_parse(buf, FILE_REQ_HEAD + 256, &pk),
	    FILE_PKT_DROP);
	assert_int_equal(pk.req.name_len, 0);
	/* the builder refuses what the peer would drop, and a short cap */
	memset(&q, 0, sizeof(q));
	q.name_len = 256;
	assert_int_equal(file_build_req(&q, out, sizeof(out)), -1);
	q.name_len = 10;
	assert_int_equal(file_build_req(&q, out, FILE_REQ_HEAD + 9), -1);
	assert_int_equal(file_build_req(&q, out, FILE_REQ_HEAD + 10),
	    FILE_REQ_HEAD + 10);
}

static void
file_ctl_bytes_and_bounds(void **state)
{
	struct file_ctl	c;
	static const uint8_t	seek[] = { 0x51, 1, 9, 3,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };
	uint8_t		ctl;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.send_receive = 1;
	c.filenum = 9;
	c.ctl = FILE_CTL_SEEK;
	c.pos = 0x0102030405060708ULL;
	assert_int_equal(file_build_ctl(&c, out, sizeof(out)), 12);
	assert_memory_equal(out, seek, sizeof(seek));
	assert_int_equal(file_parse(seek, sizeof(seek), &pk), FILE_PKT_CTL);
	assert_int_equal(pk.ctl.send_receive, 1);
	assert_int_equal(pk.ctl.filenum, 9);
	assert_int_equal(pk.ctl.ctl, FILE_CTL_SEEK);
	assert_true(pk.ctl.pos == 0x0102030405060708ULL);
	/* a seek needs exactly 8 bytes of position */
	assert_int_equal(file_parse(seek, 11, &pk), FILE_PKT_DROP);
	memcpy(buf, seek, sizeof(seek));
	buf[12] = 0;
	assert_int_equal(file_parse(buf, 13, &pk), FILE_PKT_DROP);
	/* the others are 4 bytes; c-toxcore ignores what follows */
	for (ctl = 0; ctl < 3; ctl++) {
		c.ctl = ctl;
		c.send_receive = 0;
		assert_int_equal(file_build_ctl(&c, out, sizeof(out)), 4);
		assert_int_equal(out[0], 0x51);
		assert_int_equal(out[1], 0);
		assert_int_equal(out[2], 9);
		assert_int_equal(out[3], ctl);
		assert_int_equal(file_parse(out, 4, &pk), FILE_PKT_CTL);
		assert_int_equal(pk.ctl.ctl, ctl);
		assert_true(pk.ctl.pos == 0);
		out[4] = 0xee;
		assert_int_equal(file_parse(out, 5, &pk), FILE_PKT_CTL);
		assert_int_equal(file_parse(out, 3, &pk), FILE_PKT_DROP);
	}
	/* control type 4 and up: dropped; send_receive kept as sent */
	buf[0] = 0x51;
	buf[1] = 7;
	buf[2] = 0;
	buf[3] = 4;
	assert_int_equal(file_parse(buf, 4, &pk), FILE_PKT_DROP);
	buf[3] = FILE_CTL_KILL;
	assert_int_equal(file_parse(buf, 4, &pk), FILE_PKT_CTL);
	assert_int_equal(pk.ctl.send_receive, 7);
	/* the builder: only 0/1 and the four controls */
	c.ctl = 4;
	assert_int_equal(file_build_ctl(&c, out, sizeof(out)), -1);
	c.ctl = 0;
	c.send_receive = 2;
	assert_int_equal(file_build_ctl(&c, out, sizeof(out)), -1);
	c.send_receive = 0;
	assert_int_equal(file_build_ctl(&c, out, 3), -1);
}

static void
file_data_bounds(void **state)
{
	static uint8_t	chunk[FILE_CHUNK + 1];
	size_t		i;

	(void)state;
	assert_int_equal(FILE_CHUNK, 1371);
	for (i = 0; i < sizeof(chunk); i++)
		chunk[i] = (uint8_t)(i * 7);
	assert_int_equal(file_build_data(3, chunk, FILE_CHUNK, out,
	    sizeof(out)), NC_DATA_MAX);
	assert_int_equal(out[0], 0x52);
	assert_int_equal(out[1], 3);
	assert_memory_equal(out + 2, chunk, FILE_CHUNK);
	assert_int_equal(file_parse(out, NC_DATA_MAX, &pk), FILE_PKT_DATA);
	assert_int_equal(pk.data.filenum, 3);
	assert_int_equal(pk.data.len, FILE_CHUNK);
	assert_ptr_equal(pk.data.data, out + 2);
	assert_int_equal(file_build_data(3, chunk, FILE_CHUNK + 1, out,
	    sizeof(out)), -1);
	assert_int_equal(file_build_data(3, NULL, 1, out, sizeof(out)), -1);
	/* the empty chunk: ends a stream or an empty file */
	assert_int_equal(file_build_data(255, NULL, 0, out, sizeof(out)), 2);
	assert_int_equal(file_parse(out, 2, &pk), FILE_PKT_DATA);
	assert_int_equal(pk.data.filenum, 255);
	assert_int_equal(pk.data.len, 0);
	assert_null(pk.data.data);
	assert_int_equal(file_parse(out, 1, &pk), FILE_PKT_DROP);
	/* above the net_crypto bound: not from a transport */
	memset(buf, 0, sizeof(buf));
	buf[0] = 0x52;
	assert_int_equal(file_parse(buf, NC_DATA_MAX + 1, &pk),
	    FILE_PKT_DROP);
}

static void
file_other_ids_not_ours(void **state)
{
	static const uint8_t	msg[] = { 0x40, 'h', 'i' };
	static const uint8_t	ids[] = { 0x4f, 0x53, 0x10, 0x00, 0xff };
	size_t			i;

	(void)state;
	assert_int_equal(file_parse(msg, sizeof(msg), &pk), FILE_PKT_NONE);
	assert_int_equal(file_parse(msg, 0, &pk), FILE_PKT_NONE);
	for (i = 0; i < sizeof(ids); i++) {
		assert_false(file_is_file_id(ids[i]));
		assert_int_equal(file_parse(&ids[i], 1, &pk), FILE_PKT_NONE);
	}
	assert_true(file_is_file_id(0x50));
	assert_true(file_is_file_id(0x51));
	assert_true(file_is_file_id(0x52));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_req_bytes_as_c_toxcore),
		cmocka_unit_test(file_req_bounds),
		cmocka_unit_test(file_ctl_bytes_and_bounds),
		cmocka_unit_test(file_data_bounds),
		cmocka_unit_test(file_other_ids_not_ours),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
