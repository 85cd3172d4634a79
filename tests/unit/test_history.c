/*
 * keyd's opt-in history store in a temporary directory: add, flush and
 * reload round trips; writes only when flushed (coalesced); the bounds
 * evict the oldest entries (by count and by text, with texts wrapping
 * the ring); per-friend selection with a cursor; the file holds no
 * plaintext; a damaged file (flipped bytes, truncations, another key) is
 * set aside under a free name, never replaced, and an older damaged copy
 * is kept; the IPC codec of the pages.  The inner plaintext is built
 * here byte by byte, not with the codec.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "ipc/msg_history.h"
#include "keyd/history.h"
#include "keyd/profile_store.h"

static char		dir[64], path[96], hpath[128];
static struct pstore	prof;
static uint8_t		key1[HISTORY_KEY_LEN], key2[HISTORY_KEY_LEN];
static uint8_t		pk_a[TOX_PK_LEN], pk_b[TOX_PK_LEN];
static struct history_entry	ent;

static int
setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/bh-history-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/profile.tox", dir);
	snprintf(hpath, sizeof(hpath), "%s/profile.tox.history", dir);
	if (pstore_open(&prof, path) == -1)
		return -1;
	history_key_derive(key1, (const uint8_t *)"profile key one", 15);
	history_key_derive(key2, (const uint8_t *)"profile key two", 15);
	memset(pk_a, 0xa1, sizeof(pk_a));
	memset(pk_b, 0xb2, sizeof(pk_b));
	return 0;
}

static int
teardown(void **state)
{
	char	cmd[96];

	pstore_close(&prof);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static uint8_t *
file_bytes(const char *p, size_t *len)
{
	struct stat	 st;
	uint8_t		*buf;
	int		 fd;

	if ((fd = open(p, O_RDONLY)) == -1)
		return NULL;
	assert_int_equal(fstat(fd, &st), 0);
	*len = (size_t)st.st_size;
	assert_non_null(buf = malloc(*len + 1));
	assert_int_equal(read(fd, buf, *len + 1), (ssize_t)*len);
	close(fd);
	return buf;
}

static void
write_file(const char *p, const uint8_t *b, size_t len)
{
	int	fd;

	assert_true((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0);
	assert_int_equal(write(fd, b, len), (ssize_t)len);
	close(fd);
}

static int
exists(const char *name)
{
	char		p[192];
	struct stat	st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) == 0;
}

static void
add(struct history *h, const uint8_t *pk, uint8_t d, const char *text,
    uint64_t id)
{
	assert_int_equal(history_add(h, 1000 + id, pk, d, 0, id,
	    (const uint8_t *)text, strlen(text)), HISTORY_OK);
}

static void
history_round_trip(void **state)
{
	struct history	*h, *g;
	char		 aside[64];

	assert_non_null(h = history_new(key1));
	/* no file yet: empty, writable, nothing written */
	assert_int_equal(history_load(h, &prof, aside, sizeof(aside)),
	    HISTORY_OK);
	assert_false(history_dirty(h));
	add(h, pk_a, HISTORY_IN, "hello", 1);
	add(h, pk_b, HISTORY_OUT, "to b", 7);
	assert_int_equal(history_add(h, 5, pk_a, HISTORY_OUT, 1, 2,
	    (const uint8_t *)"waves", 5), HISTORY_OK);
	/* coalesced: memory only until the flush */
	assert_true(history_dirty(h));
	assert_false(exists("profile.tox.history"));
	assert_int_equal(history_flush(h), HISTORY_OK);
	assert_false(history_dirty(h));
	assert_true(exists("profile.tox.history"));

	assert_non_null(g = history_new(key1));
	assert_int_equal(history_load(g, &prof, aside, sizeof(aside)),
	    HISTORY_OK);
	assert_int_equal(history_count(g), 3);
	assert_int_equal(history_at(g, 0, &ent), 0);
	assert_int_equal(ent.dir, HISTORY_IN);
	assert_int_equal(ent.time, 1001);
	assert_int_equal(ent.message_id, 1);
	assert_memory_equal(ent.pk, pk_a, TOX_PK_LEN);
	assert_int_equal(ent.len, 5);
	assert_memory_equal(ent.text, "hello", 5);
	assert_int_equal(history_at(g, 2, &ent), 0);
	assert_int_equal(ent.action, 1);
	assert_int_equal(ent.dir, HISTORY_OUT);
	assert_memory_equal(ent.text, "waves", 5);
	assert_int_equal(history_at(g, 3, &ent), -1);
	history_free(g);
	history_free(h);
}

static void
history_bad_adds(void **state)
{
	static uint8_t	 big[HISTORY_TEXT_MAX + 1];
	struct history	*h;

	assert_non_null(h = history_new(key1));
	assert_int_equal(history_add(h, 1, pk_a, 2, 0, 1, big, 1),
	    HISTORY_ERR_INVALID);
	assert_int_equal(history_add(h, 1, pk_a, 0, 2, 1, big, 1),
	    HISTORY_ERR_INVALID);
	assert_int_equal(history_add(h, 1, pk_a, 0, 0, 1, big, 0),
	    HISTORY_ERR_INVALID);
	assert_int_equal(history_add(h, 1, pk_a, 0, 0, 1, big,
	    sizeof(big)), HISTORY_ERR_INVALID);
	assert_int_equal(history_add(h, 1, pk_a, 0, 0, 1, big,
	    HISTORY_TEXT_MAX), HISTORY_OK);
	assert_int_equal(history_count(h), 1);
	/* not loaded: nothing to write to */
	assert_int_equal(history_flush(h), HISTORY_ERR_NOFILE);
	history_free(h);
}

/* The oldest go first, by count. */
static void
history_evicts_by_count(void **state)
{
	struct history	*h;
	uint8_t		 t[8];
	size_t		 i;

	assert_non_null(h = history_new(key1));
	for (i = 0; i < HISTORY_MAX + 5; i++) {
		memcpy(t, &i, sizeof(i) < sizeof(t) ? sizeof(i) : sizeof(t));
		assert_int_equal(history_add(h, i, pk_a, 0, 0, i, t,
		    sizeof(t)), HISTORY_OK);
	}
	assert_int_equal(history_count(h), HISTORY_MAX);
	assert_int_equal(history_text_bytes(h), HISTORY_MAX * 8);
	assert_int_equal(history_at(h, 0, &ent), 0);
	assert_int_equal(ent.message_id, 5);
	assert_int_equal(history_at(h, HISTORY_MAX - 1, &ent), 0);
	assert_int_equal(ent.message_id, HISTORY_MAX + 4);
	history_free(h);
}

/* And by text: big texts wrap around the ring and come back whole. */
static void
history_evicts_by_text(void **state)
{
	static uint8_t	 t[HISTORY_TEXT_MAX];
	struct history	*h, *g;
	size_t		 i, n, total = 0;
	char		 aside[64];

	assert_non_null(h = history_new(key1));
	assert_int_equal(history_load(h, &prof, aside, sizeof(aside)),
	    HISTORY_OK);
	/* lengths that do not divide the ring, so texts wrap */
	for (i = 0; i < 400; i++) {
		memset(t, (int)(i & 0xff), sizeof(t));
		assert_int_equal(history_add(h, i, i % 2 ? pk_a : pk_b, 0, 0,
		    i, t, HISTORY_TEXT_MAX - 7 * (i % 5)), HISTORY_OK);
		assert_true(history_text_bytes(h) <= HISTORY_TEXT_TOTAL);
	}
	n = history_count(h);
	assert_true(n < 400 && n > 100);
	for (i = 0; i < n; i++) {
		assert_int_equal(history_at(h, i, &ent), 0);
		assert_int_equal(ent.message_id, 400 - n + i);
		assert_int_equal(ent.len,
		    HISTORY_TEXT_MAX - 7 * (ent.message_id % 5));
		assert_int_equal(ent.text[0], ent.message_id & 0xff);
		assert_int_equal(ent.text[ent.len - 1], ent.message_id & 0xff);
		total += ent.len;
	}
	assert_int_equal(total, history_text_bytes(h));
	/* the next would not fit: the newest n are exactly what fits */
	assert_true(total + HISTORY_TEXT_MAX - 7 * ((400 - n - 1) % 5) >
	    HISTORY_TEXT_TOTAL);
	/* through the file and back */
	assert_int_equal(history_flush(h), HISTORY_OK);
	assert_non_null(g = history_new(key1));
	assert_int_equal(history_load(g, &prof, aside, sizeof(aside)),
	    HISTORY_OK);
	assert_int_equal(history_count(g), n);
	assert_int_equal(history_at(g, n - 1, &ent), 0);
	assert_int_equal(ent.message_id, 399);
	assert_int_equal(ent.text[100], 399 & 0xff);
	history_free(g);
	history_free(h);
}

static void
history_select_pages(void **state)
{
	struct history	*h;
	size_t		 idx[8], n;
	uint64_t	 cursor;
	uint8_t		 nobody[TOX_PK_LEN];

	assert_non_null(h = history_new(key1));
	add(h, pk_a, 0, "a1", 1);
	add(h, pk_b, 0, "b1", 2);
	add(h, pk_a, 1, "a2", 3);
	add(h, pk_a, 0, "a3", 4);
	add(h, pk_b, 1, "b2", 5);
	n = history_select(h, pk_a, 0, idx, 2);
	assert_int_equal(n, 2);
	assert_int_equal(history_at(h, idx[0], &ent), 0);
	assert_memory_equal(ent.text, "a3", 2);
	assert_int_equal(history_at(h, idx[1], &ent), 0);
	assert_memory_equal(ent.text, "a2", 2);
	cursor = ent.seq;
	/* a newer entry does not move the cursor's page */
	add(h, pk_a, 0, "a4", 6);
	n = history_select(h, pk_a, cursor, idx, 8);
	assert_int_equal(n, 1);
	assert_int_equal(history_at(h, idx[0], &ent), 0);
	assert_memory_equal(ent.text, "a1", 2);
	n = history_select(h, pk_b, 0, idx, 8);
	assert_int_equal(n, 2);
	memset(idx, 0, sizeof(idx));
	memset(nobody, 0x77, sizeof(nobody));
	assert_int_equal(history_select(h, nobody, 0, idx, 8), 0);
	history_free(h);
}

/* What is on disk shows no text and no friend key. */
static void
history_no_plaintext_on_disk(void **state)
{
	struct history	*h;
	uint8_t		*b;
	size_t		 len, i;
	char		 aside[64];

	assert_non_null(h = history_new(key1));
	assert_int_equal(history_load(h, &prof, aside, sizeof(aside)),
	    HISTORY_OK);
	add(h, pk_a, 0, "a secret meeting at noon", 1);
	assert_int_equal(history_flush(h), HISTORY_OK);
	assert_non_null(b = file_bytes(hpath, &len));
	assert_memory_equal(b, HISTORY_MAGIC, HISTORY_MAGIC_LEN);
	for (i = 0; i + 6 <= len; i++)
		assert_memory_not_equal(b + i, "secret", 6);
	for (i = 0; i + 8 <= len; i++)
		assert_memory_not_equal(b + i, pk_a, 8);
	free(b);
	history_free(h);
}

/* A damaged file: set aside under a free name, its bytes kept. */
static void
history_damaged_set_aside(void **state)
{
	struct history	*h;
	uint8_t		*good, *b, *c;
	size_t		 len, blen, i;
	char		 aside[64], p[192];
	enum history_err e;

	assert_non_null(h = history_new(key1));
	assert_int_equal(history_load(h, &prof, aside, sizeof(aside)),
	    HISTORY_OK);
	add(h, pk_a, 0, "hello", 1);
	assert_int_equal(history_flush(h), HISTORY_OK);
	assert_non_null(good = file_bytes(hpath, &len));
	/* every byte flipped in turn: refused, never OK */
	for (i = 0; i < len; i += 7) {
		assert_non_null(b = malloc(len));
		memcpy(b, good, len);
		b[i] ^= 0x40;
		assert_int_not_equal(history_unpack(h, b, len), HISTORY_OK);
		assert_int_equal(history_count(h), 0);
		free(b);
	}
	for (i = 0; i < len; i += 5)
		assert_int_not_equal(history_unpack(h, good, i), HISTORY_OK);
	assert_int_equal(history_unpack(h, good, len), HISTORY_OK);

	/* first damage: moved to .damaged, history empty and writable */
	good[len - 1] ^= 1;
	write_file(hpath, good, len);
	e = history_load(h, &prof, aside, sizeof(aside));
	assert_int_equal(e, HISTORY_ERR_AUTH);
	assert_string_equal(aside, "profile.tox.history.damaged");
	assert_false(exists("profile.tox.history"));
	assert_int_equal(history_count(h), 0);
	snprintf(p, sizeof(p), "%s/%s", dir, aside);
	assert_non_null(b = file_bytes(p, &blen));
	assert_int_equal(blen, len);
	assert_memory_equal(b, good, len);
	free(b);
	add(h, pk_b, 1, "new", 2);
	assert_int_equal(history_flush(h), HISTORY_OK);

	/* a second one, under another key: the first copy stays */
	history_free(h);
	assert_non_null(h = history_new(key2));
	e = history_load(h, &prof, aside, sizeof(aside));
	assert_int_equal(e, HISTORY_ERR_KEY);
	assert_string_equal(aside, "profile.tox.history.damaged.1");
	assert_non_null(b = file_bytes(p, &blen));
	assert_memory_equal(b, good, len);
	free(b);

	/* every name taken: locked, the file stays where it is */
	for (i = 2; i < HISTORY_DAMAGED_MAX; i++) {
		snprintf(p, sizeof(p), "%s/profile.tox.history.damaged.%zu",
		    dir, i);
		write_file(p, (const uint8_t *)"x", 1);
	}
	write_file(hpath, (const uint8_t *)"garbage", 7);
	e = history_load(h, &prof, aside, sizeof(aside));
	assert_int_equal(e, HISTORY_ERR_TRUNCATED);
	assert_string_equal(aside, "");
	assert_int_equal(history_locked(h), HISTORY_ERR_LOCKED);
	add(h, pk_a, 0, "kept in memory", 3);
	assert_int_equal(history_flush(h), HISTORY_ERR_LOCKED);
	assert_non_null(c = file_bytes(hpath, &blen));
	assert_int_equal(blen, 7);
	assert_memory_equal(c, "garbage", 7);
	free(c);
	free(good);
	history_free(h);
}

/* A new key re-seals at once: the old key no longer opens it. */
static void
history_rekey_reseals(void **state)
{
	struct history	*h, *g;
	char		 aside[64];

	assert_non_null(h = history_new(key1));
	assert_int_equal(history_load(h, &prof, aside, sizeof(aside)),
	    HISTORY_OK);
	add(h, pk_a, 0, "hello", 1);
	assert_int_equal(history_rekey(h, key2), HISTORY_OK);
	assert_false(history_dirty(h));
	assert_non_null(g = history_new(key2));
	assert_int_equal(history_load(g, &prof, aside, sizeof(aside)),
	    HISTORY_OK);
	assert_int_equal(history_count(g), 1);
	history_free(g);
	history_free(h);
}

/* The inner parser: hand-built plaintexts, sealed, read or refused. */
static void
history_inner_parser(void **state)
{
	static uint8_t	 p[256], f[512];
	struct history	*h;
	size_t		 n, flen;

	assert_non_null(h = history_new(key1));
	/* count 1: time 7, pk, in, message, id 9, len 2, "hi" */
	memset(p, 0, sizeof(p));
	p[3] = 1;
	p[4 + 7] = 7;
	memcpy(p + 12, pk_a, TOX_PK_LEN);
	p[44] = 0;
	p[45] = 0;
	p[46 + 7] = 9;
	p[55] = 2;
	memcpy(p + 56, "hi", 2);
	n = 58;
	assert_int_equal(history_decode(h, p, n), HISTORY_OK);
	assert_int_equal(history_count(h), 1);
	assert_int_equal(history_encode(h, f, sizeof(f)), n);
	assert_memory_equal(f, p, n);
	assert_true((flen = history_seal(key1, p, n, f, sizeof(f))) > 0);
	assert_int_equal(history_unpack(h, f, flen), HISTORY_OK);
	assert_int_equal(history_at(h, 0, &ent), 0);
	assert_int_equal(ent.time, 7);
	assert_int_equal(ent.message_id, 9);
	/* trailing byte, bad direction, bad action, zero length, count
	 * beyond the bound: each refused */
	assert_int_equal(history_decode(h, p, n + 1), HISTORY_ERR_FORMAT);
	p[44] = 2;
	assert_int_equal(history_decode(h, p, n), HISTORY_ERR_FORMAT);
	p[44] = 0;
	p[45] = 2;
	assert_int_equal(history_decode(h, p, n), HISTORY_ERR_FORMAT);
	p[45] = 0;
	p[55] = 0;
	assert_int_equal(history_decode(h, p, n - 2), HISTORY_ERR_FORMAT);
	p[55] = 2;
	p[0] = 0xff;
	assert_int_equal(history_decode(h, p, n), HISTORY_ERR_FORMAT);
	assert_int_equal(history_count(h), 0);
	/* the empty history */
	memset(p, 0, 4);
	assert_int_equal(history_decode(h, p, 4), HISTORY_OK);
	assert_int_equal(history_decode(h, p, 3), HISTORY_ERR_FORMAT);
	history_free(h);
}

/* The pages: built, packed, read back; full pages refuse more. */
static void
history_ipc_pages(void **state)
{
	static struct ipc_history_ans	a, b;
	static uint8_t			buf[IPC_HISTORY_ANS_MAX + 1];
	static uint8_t			text[HISTORY_MSG_MAX];
	struct ipc_history_item		it;
	struct wr			w;
	struct rd			r;
	int				i;

	memset(&a, 0, sizeof(a));
	memset(&it, 0, sizeof(it));
	memset(text, 'x', sizeof(text));
	it.len = HISTORY_MSG_MAX;
	for (i = 0; i < 3; i++)
		assert_int_equal(ipc_history_ans_add(&a, &it, text), 0);
	it.len = 1;
	assert_int_equal(ipc_history_ans_add(&a, &it, text), -1);
	it.dir = 2;
	memset(&b, 0, sizeof(b));
	assert_int_equal(ipc_history_ans_add(&b, &it, text), -1);
	a.next = 42;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_history_ans(&w, &a);
	assert_true(wr_ok(&w));
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_history_ans(&r, &b), 0);
	assert_int_equal(b.n, 3);
	assert_int_equal(b.next, 42);
	assert_int_equal(b.e[2].len, HISTORY_MSG_MAX);
	/* one byte short, one too many */
	rd_init(&r, buf, w.len - 1);
	assert_int_equal(ipc_unpack_history_ans(&r, &b), -1);
	buf[w.len] = 0;
	rd_init(&r, buf, w.len + 1);
	assert_int_equal(ipc_unpack_history_ans(&r, &b), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(history_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(history_bad_adds, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(history_evicts_by_count, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(history_evicts_by_text, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(history_select_pages, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(history_no_plaintext_on_disk,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(history_damaged_set_aside,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(history_rekey_reseals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(history_inner_parser, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(history_ipc_pages, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
