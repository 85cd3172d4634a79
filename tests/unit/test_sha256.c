/*
 * common/sha256.c against libsodium's SHA-256 and the FIPS 180-4
 * examples, on both sets of rounds (the SHA extensions where the CPU has
 * them, and the plain C ones), whole and fed in uneven pieces.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "common/hex.h"
#include "common/sha256.h"

static void
ours(const uint8_t *p, size_t len, size_t piece, uint8_t out[SHA256_LEN])
{
	struct sha256	s;
	size_t		k;

	sha256_init(&s);
	while (len > 0) {
		k = piece == 0 || piece > len ? len : piece;
		sha256_update(&s, p, k);
		p += k;
		len -= k;
	}
	sha256_final(&s, out);
}

static void
check_hex(const char *msg, const char *want)
{
	uint8_t	out[SHA256_LEN];
	char	hex[2 * SHA256_LEN + 1];

	ours((const uint8_t *)msg, strlen(msg), 0, out);
	hex_encode(out, sizeof(out), hex);
	assert_string_equal(hex, want);
}

static void
both(void (*fn)(void))
{
	sha256_force_portable(1);
	assert_string_equal(sha256_impl(), "c");
	fn();
	sha256_force_portable(0);
	print_message("rounds here: %s\n", sha256_impl());
	fn();
}

static void
fips_examples_run(void)
{
	check_hex("abc", "BA7816BF8F01CFEA414140DE5DAE2223"
	    "B00361A396177A9CB410FF61F20015AD");
	check_hex("", "E3B0C44298FC1C149AFBF4C8996FB924"
	    "27AE41E4649B934CA495991B7852B855");
	check_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    "248D6A61D20638B8E5C026930C3E6039A33CE45964FF2167F6ECEDD419DB06C1");
}

static void
fips_examples(void **state)
{
	both(fips_examples_run);
}

static void
every_length_and_piece_run(void)
{
	static uint8_t	buf[1000];
	uint8_t		a[SHA256_LEN], b[SHA256_LEN];
	size_t		len, pieces[] = { 0, 1, 3, 63, 64, 65, 200 }, i;

	randombytes_buf(buf, sizeof(buf));
	for (len = 0; len <= sizeof(buf); len += len < 200 ? 1 : 37) {
		crypto_hash_sha256(b, buf, len);
		for (i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
			ours(buf, len, pieces[i], a);
			assert_memory_equal(a, b, SHA256_LEN);
		}
	}
}

static void
every_length_and_piece(void **state)
{
	both(every_length_and_piece_run);
}

static void
megabytes_in_file_chunks_run(void)
{
	const size_t	len = 5 * 1024 * 1024 + 17;
	uint8_t		a[SHA256_LEN], b[SHA256_LEN], *buf;

	assert_non_null(buf = malloc(len));
	randombytes_buf(buf, len);
	crypto_hash_sha256(b, buf, len);
	ours(buf, len, 1371, a);	/* a Tox file chunk */
	assert_memory_equal(a, b, SHA256_LEN);
	free(buf);
}

static void
megabytes_in_file_chunks(void **state)
{
	both(megabytes_in_file_chunks_run);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fips_examples),
		cmocka_unit_test(every_length_and_piece),
		cmocka_unit_test(megabytes_in_file_chunks),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
