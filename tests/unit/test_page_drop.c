/*
 * chatd/page_drop.c: a file written front to back keeps only its last
 * PD_LAG + PD_STEP bytes in the page cache.  Seen with mincore() on a
 * mapping of the file, which tells what is cached without reading it.
 * A file system that keeps every page (tmpfs) cannot show it: skipped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/vfs.h>

#include "chatd/page_drop.h"

#define MIB		(1u << 20)
#define BLOCK		(64 * 1024)

static char	path[64];
static int	fd = -1;

static int
setup(void **state)
{
	struct statfs	sf;

	(void)state;
	strcpy(path, "/var/tmp/bh-page-drop-XXXXXX");
	if ((fd = mkstemp(path)) == -1)
		return -1;
	(void)unlink(path);
	if (fstatfs(fd, &sf) == 0 && sf.f_type == TMPFS_MAGIC) {
		close(fd);
		fd = -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	if (fd != -1)
		close(fd);
	fd = -1;
	return 0;
}

/* Writes [from, to) in blocks, telling pd after each. */
static void
write_span(struct page_drop *pd, uint64_t from, uint64_t to)
{
	static uint8_t	buf[BLOCK];

	memset(buf, 0x5a, sizeof(buf));
	for (uint64_t off = from; off < to; off += BLOCK) {
		assert_int_equal(pwrite(fd, buf, BLOCK, (off_t)off), BLOCK);
		assert_int_equal(page_drop_written(pd, fd, off + BLOCK), 0);
	}
}

/* Pages of [from, to) in the page cache. */
static size_t
cached(uint64_t from, uint64_t to)
{
	size_t		 page = (size_t)sysconf(_SC_PAGESIZE), n = 0;
	size_t		 len = (size_t)(to - from);
	unsigned char	*vec = malloc(len / page);
	void		*m;

	assert_non_null(vec);
	m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, (off_t)from);
	assert_true(m != MAP_FAILED);
	assert_int_equal(mincore(m, len, vec), 0);
	for (size_t i = 0; i < len / page; i++)
		n += vec[i] & 1;
	munmap(m, len);
	free(vec);
	return n;
}

static size_t
pages(uint64_t len)
{
	return (size_t)(len / (uint64_t)sysconf(_SC_PAGESIZE));
}

/* 32 MiB: all but the last PD_LAG are gone, those are all there. */
static void
stream_keeps_only_its_tail(void **state)
{
	struct page_drop	pd;

	(void)state;
	if (fd == -1)
		skip();
	page_drop_init(&pd, 0);
	write_span(&pd, 0, 32 * MIB);
	assert_int_equal(pd.dropped, 32 * MIB - PD_LAG);
	assert_int_equal(cached(0, pd.dropped), 0);
	assert_int_equal(cached(pd.dropped, 32 * MIB), pages(PD_LAG));
}

/* A resume from 8 MiB drops nothing below where it began. */
static void
stream_from_an_offset_leaves_what_was_before(void **state)
{
	struct page_drop	pd;

	(void)state;
	if (fd == -1)
		skip();
	page_drop_init(&pd, 0);
	write_span(&pd, 0, 8 * MIB);	/* less than a drop: all cached */
	assert_int_equal(cached(0, 8 * MIB), pages(8 * MIB));
	page_drop_init(&pd, 8 * MIB);
	write_span(&pd, 8 * MIB, 28 * MIB);
	assert_int_equal(pd.dropped, 28 * MIB - PD_LAG);
	assert_int_equal(cached(0, 8 * MIB), pages(8 * MIB));
	assert_int_equal(cached(8 * MIB, pd.dropped), 0);
}

/* Writes that go back (a seek) start the stream again there. */
static void
going_back_starts_again(void **state)
{
	struct page_drop	pd;

	(void)state;
	page_drop_init(&pd, 0);
	pd.started = pd.dropped = 20 * MIB;
	assert_int_equal(page_drop_written(&pd, fd, 2 * MIB), 0);
	assert_int_equal(pd.started, 2 * MIB);
	assert_int_equal(pd.dropped, 2 * MIB);
}

/* A descriptor without a page cache (a pipe) is no error. */
static void
a_pipe_is_no_error(void **state)
{
	struct page_drop	pd;
	int			p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	page_drop_init(&pd, 0);
	for (uint64_t end = BLOCK; end <= 32 * MIB; end += BLOCK)
		assert_int_equal(page_drop_written(&pd, p[1], end), 0);
	close(p[0]);
	close(p[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(stream_keeps_only_its_tail,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    stream_from_an_offset_leaves_what_was_before, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(going_back_starts_again,
		    setup, teardown),
		cmocka_unit_test(a_pipe_is_no_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
