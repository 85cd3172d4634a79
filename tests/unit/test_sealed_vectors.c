/*
 * keyd's four sealed tables open files written before their envelope
 * moved into keyd/sealed.c: one small file per table, written by the
 * code of commit e8ba6a3 (each table's own *_seal, through its _pack)
 * under the key its *_key_derive gives for "old-format vector", kept
 * here as hex.  Each must open to the records it was written with, be
 * refused under another key, and be written again with the same header
 * and length (only the nonce, and so the box, differ): the on-disk
 * format did not change.
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
#include "keyd/history.h"
#include "keyd/outbox.h"
#include "keyd/partials.h"
#include "keyd/sends.h"

static const char partials_v1[] =
    "4248706172746c73000000011eccedfd4b356e917cb90c64144d694b8badb6f2"
    "d6c5b64af5c6d16f0fd1ab54b8900404d1716a1bbbc374e0e8a1b3235be8f867"
    "d63e1c0d367e4a024422b2f93b6a6808ac6898ce1a8d569dfbd8c6c91f81c0d6"
    "7983029ddcff9e7956c8851e4b36d5da1c899489e2f4bff5fcdd4ddc85ec908b"
    "b4c3c252327390d1cb79d9a6ddc09a8384d2031e95408f1640b23ed4931c7fd7"
    "3f57d459fe04d69e3f0ac5d783c916a723b76aff0761bfc0d432ba0d5f75eea3"
    "1b21cd8806e6f4c396905068b2d220af879d1522b7ba96de0db80d420fa4eb80"
    "c07c0cb05979b76e7296";

static const char outbox_v1[] =
    "42486f7574626f780000000116dd13b1154519dfede2f7fa0e94ad608a922b11"
    "594f7cca0823de1b30748ca3a49b5fb14f2ef0664bc25aeb5c12bddcdc29186d"
    "eb625eedf54ca557590d291493a6179cdbb5aa49257748390a11c86a82027ab2"
    "f0cb5dbe0aac70970d69bfb387c3d2ef121a178f250befb5032301612b5ec2f4"
    "a3b98a5fb5638db45611588f40069575f63860209fce4a809df75de5c1005e50"
    "c5067f07b5d42756115834d5871d23ab768b11837cefe51cb94f5a691a764e22";

static const char history_v1[] =
    "424868697374727900000001f1d9812f9899dc4e90322c285307443680a06cff"
    "f71d13e4ab892f98051131d74cc0baddddb714e52e405286a8e040646f8be22c"
    "1de62be97254900e881943c9f7a3fbdc45caa6b0e36688403f7bf1e465eb9a7e"
    "80f55c2a2109cfec2c0e205e43af81ca1e98a64c9c61fa473890073d65bdfa5c"
    "5e0c8232b1dde2f41c46fb5cdb11faf6dff627128352941b230c47cc63138a63"
    "60be67432067346ec6044b108e3270b0c8e0f37df9f3cdf2";

static const char sends_v1[] =
    "424873656e64696400000001ee046374ba4070fc1421670f84cf7ad1e46f478d"
    "2dcb7517c44622c4c9f6d94c8ecbf95debb61c59b8a9be261ade98a0159fc517"
    "1f907e6cb4b0227176f8500f471d450ecae79920b99507e899fbee4ce60e4749"
    "d0a62cd7dcd7de96293e7531d04cdccb64effcea843f561a92da32941e2fa460"
    "404210ff72d00a1638d31628af15ab737bc45d945491c7bc77949dfb811f87e5"
    "b804de28592ca5efc04b1ed1bfb501b2bfb280ed1235df3cb352f67b07168880"
    "dcd4f529d8a464b0e8e6b90b096cd3ddd585f7b868d0ca2ab12be862384bdcab"
    "18014661d4ab5480ac421765331ee729fed643c7e11ed84ab8b0daa214df23ba"
    "1260c6607f77caaf0c12eb133e619cf5465355e92f481f1900";

/* magic (8) || version (4) || key check (16): what no nonce changes */
#define FIXED_HDR	28
#define FILE_CAP	4096

static const uint8_t	ikm[] = "old-format vector";
static uint8_t		pk1[TOX_PK_LEN], pk2[TOX_PK_LEN];
static uint8_t		id1[32], id2[32];

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	memset(pk1, 0x11, sizeof(pk1));
	memset(pk2, 0x22, sizeof(pk2));
	memset(id1, 0xa1, sizeof(id1));
	memset(id2, 0xb2, sizeof(id2));
	return 0;
}

/* The vector as bytes into out; its length. */
static size_t
unhex(const char *s, uint8_t *out)
{
	size_t	n = strlen(s) / 2;

	assert_true(n <= FILE_CAP);
	assert_int_equal(hex_decode(s, strlen(s), out, n), 0);
	return n;
}

/* A file written again: the old one's header and length, a new nonce. */
static void
same_layout(const uint8_t *old, size_t olen, const uint8_t *now,
    size_t nlen)
{
	assert_int_equal(nlen, olen);
	assert_memory_equal(now, old, FIXED_HDR);
	assert_memory_not_equal(now + FIXED_HDR, old + FIXED_HDR, 24);
}

static void
partials_old_file_opens(void **state)
{
	static uint8_t		 old[FILE_CAP], now[FILE_CAP];
	uint8_t			 key[PARTIALS_KEY_LEN];
	struct partials		*pt;
	struct partials_entry	 e;
	size_t			 olen, nlen;

	(void)state;
	olen = unhex(partials_v1, old);
	partials_key_derive(key, ikm, sizeof(ikm) - 1);
	assert_non_null(pt = partials_new(key));
	assert_int_equal(partials_unpack(pt, old, olen), PARTIALS_OK);
	assert_int_equal(partials_count(pt), 2);
	assert_int_equal(partials_at(pt, 0, &e), 0);
	assert_memory_equal(e.pk, pk1, TOX_PK_LEN);
	assert_memory_equal(e.file_id, id1, sizeof(id1));
	assert_true(e.size == 1000);
	assert_string_equal(e.path, "/tmp/a.bin");
	assert_int_equal(partials_at(pt, 1, &e), 0);
	assert_memory_equal(e.pk, pk2, TOX_PK_LEN);
	assert_memory_equal(e.file_id, id2, sizeof(id2));
	assert_true(e.size == 7);
	assert_string_equal(e.path, "/tmp/b");
	assert_int_equal(partials_pack(pt, now, sizeof(now), &nlen),
	    PARTIALS_OK);
	same_layout(old, olen, now, nlen);
	partials_free(pt);

	key[0] ^= 1;
	assert_non_null(pt = partials_new(key));
	assert_int_equal(partials_unpack(pt, old, olen), PARTIALS_ERR_KEY);
	assert_int_equal(partials_count(pt), 0);
	partials_free(pt);
}

static void
outbox_old_file_opens(void **state)
{
	static uint8_t		 old[FILE_CAP], now[FILE_CAP];
	uint8_t			 key[OUTBOX_KEY_LEN];
	struct outbox		*ob;
	struct outbox_entry	 e;
	size_t			 olen, nlen;

	(void)state;
	olen = unhex(outbox_v1, old);
	outbox_key_derive(key, ikm, sizeof(ikm) - 1);
	assert_non_null(ob = outbox_new(key));
	assert_int_equal(outbox_unpack(ob, old, olen), OUTBOX_OK);
	assert_int_equal(outbox_count(ob), 2);
	assert_true(outbox_next_id(ob) == 3);
	assert_int_equal(outbox_at(ob, 0, &e), 0);
	assert_true(e.id == 1 && e.created == 1700000000 && e.action == 0);
	assert_memory_equal(e.pk, pk1, TOX_PK_LEN);
	assert_int_equal(e.len, 5);
	assert_memory_equal(e.text, "hello", 5);
	assert_int_equal(outbox_at(ob, 1, &e), 0);
	assert_true(e.id == 2 && e.created == 1700000001 && e.action == 1);
	assert_memory_equal(e.pk, pk2, TOX_PK_LEN);
	assert_int_equal(e.len, 5);
	assert_memory_equal(e.text, "waves", 5);
	assert_int_equal(outbox_pack(ob, now, sizeof(now), &nlen), OUTBOX_OK);
	same_layout(old, olen, now, nlen);
	outbox_free(ob);

	key[0] ^= 1;
	assert_non_null(ob = outbox_new(key));
	assert_int_equal(outbox_unpack(ob, old, olen), OUTBOX_ERR_KEY);
	assert_int_equal(outbox_count(ob), 0);
	outbox_free(ob);
}

static void
history_old_file_opens(void **state)
{
	static uint8_t		 old[FILE_CAP];
	static struct history_entry e;
	uint8_t			 key[HISTORY_KEY_LEN];
	struct history		*h;
	size_t			 olen, nlen;

	(void)state;
	olen = unhex(history_v1, old);
	history_key_derive(key, ikm, sizeof(ikm) - 1);
	assert_non_null(h = history_new(key));
	assert_int_equal(history_unpack(h, old, olen), HISTORY_OK);
	assert_int_equal(history_count(h), 2);
	assert_int_equal(history_at(h, 0, &e), 0);
	assert_true(e.time == 1700000000 && e.message_id == 41);
	assert_true(e.dir == 0 && e.action == 0);
	assert_memory_equal(e.pk, pk1, TOX_PK_LEN);
	assert_int_equal(e.len, 2);
	assert_memory_equal(e.text, "hi", 2);
	assert_int_equal(history_at(h, 1, &e), 0);
	assert_true(e.time == 1700000002 && e.message_id == 42);
	assert_true(e.dir == 1 && e.action == 1);
	assert_memory_equal(e.pk, pk1, TOX_PK_LEN);
	assert_int_equal(e.len, 6);
	assert_memory_equal(e.text, "smiles", 6);
	assert_int_equal(history_pack(h, &nlen), HISTORY_OK);
	same_layout(old, olen, history_file(h), nlen);
	/* and what it wrote opens again, in its own buffer */
	assert_int_equal(history_unpack(h, history_file(h), nlen),
	    HISTORY_OK);
	assert_int_equal(history_count(h), 2);
	history_free(h);

	key[0] ^= 1;
	assert_non_null(h = history_new(key));
	assert_int_equal(history_unpack(h, old, olen), HISTORY_ERR_KEY);
	assert_int_equal(history_count(h), 0);
	history_free(h);
}

static void
sends_old_file_opens(void **state)
{
	static uint8_t		 old[FILE_CAP], now[FILE_CAP];
	uint8_t			 key[SENDS_KEY_LEN];
	struct sends		*sd;
	struct sends_entry	 e;
	size_t			 olen, nlen;

	(void)state;
	olen = unhex(sends_v1, old);
	sends_key_derive(key, ikm, sizeof(ikm) - 1);
	assert_non_null(sd = sends_new(key));
	assert_int_equal(sends_unpack(sd, old, olen), SENDS_OK);
	assert_int_equal(sends_count(sd), 2);
	assert_int_equal(sends_at(sd, 0, &e), 0);
	assert_memory_equal(e.pk, pk1, TOX_PK_LEN);
	assert_memory_equal(e.file_id, id1, sizeof(id1));
	assert_true(e.stamp.size == 1234567 &&
	    e.stamp.mtime == 1700000000123456789ull &&
	    e.stamp.dev == 2049 && e.stamp.ino == 98765);
	assert_string_equal(e.path, "/home/u/x.iso");
	assert_int_equal(sends_at(sd, 1, &e), 0);
	assert_memory_equal(e.pk, pk2, TOX_PK_LEN);
	assert_memory_equal(e.file_id, id2, sizeof(id2));
	assert_true(e.stamp.size == 5);
	assert_string_equal(e.path, "/y");
	assert_int_equal(sends_pack(sd, now, sizeof(now), &nlen), SENDS_OK);
	same_layout(old, olen, now, nlen);
	sends_free(sd);

	key[0] ^= 1;
	assert_non_null(sd = sends_new(key));
	assert_int_equal(sends_unpack(sd, old, olen), SENDS_ERR_KEY);
	assert_int_equal(sends_count(sd), 0);
	sends_free(sd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(partials_old_file_opens),
		cmocka_unit_test(outbox_old_file_opens),
		cmocka_unit_test(history_old_file_opens),
		cmocka_unit_test(sends_old_file_opens),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
