/* The bounds-checked reader and writer: every getter and its truncated twin. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>

#include "common/rd.h"

static const uint8_t data[] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b
};

static void
rd_reads_big_and_little_endian(void **state)
{
	struct rd	r;
	uint8_t		a;
	uint16_t	b;
	uint32_t	c;
	uint64_t	d;

	rd_init(&r, data, sizeof(data));
	assert_int_equal(rd_u8(&r, &a), 0);
	assert_int_equal(a, 0x01);
	assert_int_equal(rd_u16(&r, &b), 0);
	assert_int_equal(b, 0x0203);
	assert_int_equal(rd_u16le(&r, &b), 0);
	assert_int_equal(b, 0x0504);
	assert_int_equal(rd_u32(&r, &c), 0);
	assert_int_equal(c, 0x06070809);
	assert_int_equal(rd_left(&r), 2);
	assert_false(rd_done(&r));
	rd_init(&r, data, sizeof(data));
	assert_int_equal(rd_u64(&r, &d), 0);
	assert_true(d == 0x0102030405060708ULL);
	rd_init(&r, data, sizeof(data));
	assert_int_equal(rd_u64le(&r, &d), 0);
	assert_true(d == 0x0807060504030201ULL);
	rd_init(&r, data, 4);
	assert_int_equal(rd_u32le(&r, &c), 0);
	assert_int_equal(c, 0x04030201);
	assert_true(rd_done(&r));
}

static void
rd_truncated_reads_fail_and_stick(void **state)
{
	struct rd	r;
	uint16_t	b;
	uint32_t	c;
	uint64_t	d;
	uint8_t		a, buf[4];

	rd_init(&r, data, 1);
	assert_int_equal(rd_u16(&r, &b), -1);
	assert_false(rd_ok(&r));
	/* sticky: a byte is there, but the reader stays failed */
	assert_int_equal(rd_u8(&r, &a), -1);
	assert_false(rd_done(&r));
	rd_init(&r, data, 3);
	assert_int_equal(rd_u32(&r, &c), -1);
	rd_init(&r, data, 7);
	assert_int_equal(rd_u64(&r, &d), -1);
	rd_init(&r, data, 3);
	assert_int_equal(rd_bytes(&r, buf, 4), -1);
	rd_init(&r, data, 0);
	assert_int_equal(rd_u8(&r, &a), -1);
	rd_init(&r, NULL, 100);		/* NULL means empty, whatever len says */
	assert_int_equal(rd_u8(&r, &a), -1);
}

static void
rd_take_never_wraps(void **state)
{
	struct rd	r;

	rd_init(&r, data, sizeof(data));
	assert_null(rd_take(&r, SIZE_MAX));
	rd_init(&r, data, sizeof(data));
	assert_non_null(rd_take(&r, 5));
	assert_null(rd_take(&r, SIZE_MAX - 2));
	assert_int_equal(rd_left(&r), 0);	/* bad reader reports nothing */
}

static void
rd_sub_bounds_child_and_skips_parent(void **state)
{
	struct rd	r, sub;
	uint32_t	c;
	uint8_t		a;

	rd_init(&r, data, sizeof(data));
	assert_int_equal(rd_sub(&r, 4, &sub), 0);
	assert_int_equal(rd_u32(&sub, &c), 0);
	assert_true(rd_done(&sub));
	assert_int_equal(rd_u8(&sub, &a), -1);	/* child cannot read past */
	assert_int_equal(rd_u8(&r, &a), 0);
	assert_int_equal(a, 0x05);
	assert_int_equal(rd_sub(&r, 100, &sub), -1);
	assert_false(rd_ok(&sub));
	assert_false(rd_ok(&r));
}

static void
rd_rest_find_and_skip(void **state)
{
	struct rd	 r;
	const uint8_t	*p;
	size_t		 n;

	rd_init(&r, data, sizeof(data));
	assert_int_equal(rd_find(&r, 0x04), 3);
	assert_int_equal(rd_find(&r, 0xff), -1);
	assert_int_equal(rd_skip(&r, 10), 0);
	p = rd_rest(&r, &n);
	assert_int_equal(n, 1);
	assert_int_equal(p[0], 0x0b);
	assert_true(rd_done(&r));
	assert_int_equal(rd_skip(&r, 1), -1);
	p = rd_rest(&r, &n);
	assert_null(p);
	assert_int_equal(n, 0);
}

static void
wr_writes_and_overflow_sticks(void **state)
{
	uint8_t		buf[11];
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	wr_u8(&w, 0x01);
	wr_u16(&w, 0x0203);
	wr_u16le(&w, 0x0504);
	wr_u32(&w, 0x06070809);
	wr_u16(&w, 0x0a0b);
	assert_true(wr_ok(&w));
	assert_int_equal(wr_len(&w), sizeof(data));
	assert_memory_equal(buf, data, sizeof(data));
	assert_int_equal(wr_u8(&w, 0), -1);
	assert_false(wr_ok(&w));
	wr_init(&w, buf, 4);
	assert_int_equal(wr_u64(&w, 1), -1);
	assert_int_equal(wr_u8(&w, 1), -1);	/* sticky */
	assert_int_equal(wr_len(&w), 0);
	wr_init(&w, buf, 8);
	assert_int_equal(wr_u64le(&w, 0x0807060504030201ULL), 0);
	assert_memory_equal(buf, data, 8);
	wr_init(&w, buf, 4);
	assert_int_equal(wr_u32le(&w, 0x04030201), 0);
	assert_memory_equal(buf, data, 4);
	wr_init(&w, buf, sizeof(buf));
	assert_int_equal(wr_zero(&w, 3), 0);
	assert_null(wr_reserve(&w, SIZE_MAX));
}

/* The last field of a message: min..max bytes, no more, no fewer. */
static void
rd_tail_bounds(void **state)
{
	const uint8_t	in[6] = { 1, 2, 3, 4, 5, 6 };
	uint8_t		out[4];
	uint16_t	len;
	struct rd	r;

	rd_init(&r, in, sizeof(in));
	assert_int_equal(rd_skip(&r, 2), 0);
	assert_int_equal(rd_tail(&r, out, 1, 4, &len), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(out, in + 2, 4);
	assert_true(rd_done(&r));
	rd_init(&r, in, sizeof(in));
	assert_int_equal(rd_tail(&r, out, 1, 4, &len), -1);	/* 6 > 4 */
	assert_int_equal(len, 0);
	assert_false(rd_ok(&r));
	rd_init(&r, in, 0);
	assert_int_equal(rd_tail(&r, out, 1, 4, &len), -1);	/* 0 < 1 */
	rd_init(&r, in, 1);
	rd_fail(&r);
	assert_int_equal(rd_tail(&r, out, 0, 4, &len), -1);	/* sticky */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rd_reads_big_and_little_endian),
		cmocka_unit_test(rd_truncated_reads_fail_and_stick),
		cmocka_unit_test(rd_take_never_wraps),
		cmocka_unit_test(rd_sub_bounds_child_and_skips_parent),
		cmocka_unit_test(rd_rest_find_and_skip),
		cmocka_unit_test(rd_tail_bounds),
		cmocka_unit_test(wr_writes_and_overflow_sticks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
