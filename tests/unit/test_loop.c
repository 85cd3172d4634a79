/*
 * The event loop's timers.  The timerfd is set only when the first
 * deadline comes earlier; a deadline pushed back, or a timer cancelled,
 * leaves it as it was and its early wakeup finds nothing due.  These
 * tests hold the promise that makes that safe: a timer never runs before
 * its deadline, runs once after it, and a cancelled one never runs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "common/loop.h"
#include "common/mono.h"

/* Static: a failed test leaves its timers on the loop's list. */
static struct timer	t1, a, b;
static unsigned	fired[3];
static uint64_t	fired_at[3];

static void
note(struct timer *t)
{
	unsigned	i = (unsigned)(uintptr_t)t->arg;

	fired[i]++;
	fired_at[i] = mono_ms();
}

/* Runs rounds until timer i fired or limit_ms passed. */
static void
run_until(unsigned i, uint64_t limit_ms)
{
	uint64_t	end = mono_ms() + limit_ms;

	while (fired[i] == 0 && mono_ms() < end)
		loop_once(10);
}

static int
setup(void **state)
{
	(void)state;
	loop_init();
	timer_cancel(&t1);
	timer_cancel(&a);
	timer_cancel(&b);
	for (unsigned i = 0; i < 3; i++)
		fired[i] = 0, fired_at[i] = 0;
	return 0;
}

/* Armed for 20 ms, then pushed to 150: the wakeup at 20 runs nothing. */
static void
pushed_back_timer_waits_for_its_new_deadline(void **state)
{
	uint64_t	due;

	(void)state;
	timer_init(&t1, note, (void *)(uintptr_t)0);
	timer_after(&t1, 20);
	loop_once(0);			/* the timerfd now says 20 ms */
	due = mono_ms() + 150;
	timer_at(&t1, due);
	run_until(0, 2000);
	assert_int_equal(fired[0], 1);
	assert_true(fired_at[0] >= due);
	assert_false(timer_armed(&t1));
}

/* Armed for 5 s, then brought to 20 ms: it runs at 20, not at 5 s. */
static void
brought_forward_timer_runs_at_its_new_deadline(void **state)
{
	uint64_t	due;

	(void)state;
	timer_init(&t1, note, (void *)(uintptr_t)0);
	timer_after(&t1, 5000);
	loop_once(0);
	due = mono_ms() + 20;
	timer_at(&t1, due);
	run_until(0, 2000);
	assert_int_equal(fired[0], 1);
	assert_true(fired_at[0] >= due);
}

/* A cancelled first timer never runs; the one behind it still does. */
static void
cancelled_timer_never_runs(void **state)
{
	uint64_t	due_b;

	(void)state;
	timer_init(&a, note, (void *)(uintptr_t)0);
	timer_init(&b, note, (void *)(uintptr_t)1);
	timer_after(&a, 20);
	due_b = mono_ms() + 80;
	timer_at(&b, due_b);
	loop_once(0);
	timer_cancel(&a);
	run_until(1, 2000);
	assert_int_equal(fired[0], 0);
	assert_int_equal(fired[1], 1);
	assert_true(fired_at[1] >= due_b);
}

/* Timers in order, one re-arming itself from its callback. */
static struct timer	again;
static unsigned		again_left = 3;

static void
rearm_self(struct timer *t)
{
	note(t);
	if (--again_left > 0)
		timer_after(t, 10);
}

static void
self_rearming_timer_runs_each_time(void **state)
{
	uint64_t	end;

	(void)state;
	timer_init(&again, rearm_self, (void *)(uintptr_t)2);
	timer_after(&again, 10);
	end = mono_ms() + 2000;
	while (again_left > 0 && mono_ms() < end)
		loop_once(50);
	assert_int_equal(fired[2], 3);
	assert_false(timer_armed(&again));
}

/*
 * A timer due already runs in the next round with no timerfd_settime,
 * after the round's events (where the timerfd's wakeup ran it): a file
 * engine kicked "now" sees the acks that came in that round first.
 */
static char	order[4];
static unsigned	norder;

static void
pipe_cb(struct ev_src *src, uint32_t events)
{
	char	c;

	(void)events;
	if (read(src->fd, &c, 1) == 1 && norder < sizeof(order))
		order[norder++] = 'e';
}

static void
timer_notes_order(struct timer *t)
{
	note(t);
	if (norder < sizeof(order))
		order[norder++] = 't';
}

static void
due_now_timer_runs_after_the_events_without_the_timerfd(void **state)
{
	struct ev_src	src;
	uint64_t	sets;
	int		p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	memset(&src, 0, sizeof(src));
	src.fd = p[0];
	src.cb = pipe_cb;
	loop_add(&src, EPOLLIN);
	norder = 0;
	timer_init(&t1, timer_notes_order, (void *)(uintptr_t)0);
	timer_init(&b, note, (void *)(uintptr_t)1);
	timer_after(&b, 5000);		/* the timerfd holds a later one */
	loop_once(0);
	sets = loop_timerfd_sets();
	timer_at(&t1, mono_ms());
	assert_int_equal(write(p[1], "x", 1), 1);
	loop_once(-1);			/* returns: the timer is due */
	assert_int_equal(fired[0], 1);
	assert_int_equal(norder, 2);
	assert_memory_equal(order, "et", 2);
	assert_int_equal(loop_timerfd_sets(), sets);
	timer_cancel(&b);
	loop_del(&src);
	close(p[0]);
	close(p[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
		    pushed_back_timer_waits_for_its_new_deadline, setup),
		cmocka_unit_test_setup(
		    brought_forward_timer_runs_at_its_new_deadline, setup),
		cmocka_unit_test_setup(cancelled_timer_never_runs, setup),
		cmocka_unit_test_setup(self_rearming_timer_runs_each_time,
		    setup),
		cmocka_unit_test_setup(
		    due_now_timer_runs_after_the_events_without_the_timerfd,
		    setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
