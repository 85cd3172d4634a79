/*
 * sandbox/role_rt.c's rt_heap_keep: a burst of 64 KB frames queued and
 * freed leaves the heap its size, so the next burst touches no fresh
 * page.  Without it glibc trims the heap's top as soon as 128 KB of it
 * are free (this test fails then).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/role_rt.h"

#define FRAMES	64
#define FRAME	(64 * 1024 + 32)	/* a queued frame and its entry */

/* Allocates and frees a burst; returns the main arena's size after. */
static size_t
burst(void)
{
	void	*f[FRAMES];

	for (int i = 0; i < FRAMES; i++) {
		assert_non_null(f[i] = malloc(FRAME));
		memset(f[i], 0x5a, FRAME);
	}
	for (int i = FRAMES - 1; i >= 0; i--)
		free(f[i]);
	return mallinfo2().arena;
}

static void
freed_burst_stays_in_the_heap(void **state)
{
	(void)state;
#ifdef __SANITIZE_ADDRESS__
	skip();		/* ASan's allocator is not glibc's: nothing to see */
#endif
	rt_heap_keep();
	assert_true(burst() >= (size_t)FRAMES * FRAME);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(freed_burst_stays_in_the_heap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
