/* epoll + timerfd event loop: see loop.h. */
#include <sys/epoll.h>
#include <sys/timerfd.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "mono.h"

#define LOOP_MAX_EVENTS	32

static int			 epfd = -1;
static struct ev_src		 tick_src;
static TAILQ_HEAD(, timer)	 timers = TAILQ_HEAD_INITIALIZER(timers);
static int			 quit;
static int			 timers_moved;	/* the timerfd may be stale */
static uint64_t			 armed;		/* its deadline, 0: none */
static uint64_t			 sets;		/* timerfd_settime calls */
static void			(*idle_fns[LOOP_MAX_IDLE])(void);
static int			 nidle;

static void	tick_cb(struct ev_src *, uint32_t);

void
loop_init(void)
{
	if ((epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("epoll_create1");
	tick_src.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (tick_src.fd == -1)
		fatal("timerfd_create");
	tick_src.cb = tick_cb;
	loop_add(&tick_src, EPOLLIN);
	quit = 0;
	armed = 0;
}

int
loop_try_add(struct ev_src *src, uint32_t events)
{
	struct epoll_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = src;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, src->fd, &ev) == -1)
		return -1;
	src->events = events;
	return 0;
}

void
loop_add(struct ev_src *src, uint32_t events)
{
	if (loop_try_add(src, events) == -1)
		fatal("epoll_ctl add fd %d", src->fd);
}

void
loop_mod(struct ev_src *src, uint32_t events)
{
	struct epoll_event	ev;

	if (src->events == events)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = src;
	if (epoll_ctl(epfd, EPOLL_CTL_MOD, src->fd, &ev) == -1)
		fatal("epoll_ctl mod fd %d", src->fd);
	src->events = events;
}

void
loop_del(struct ev_src *src)
{
	if (epoll_ctl(epfd, EPOLL_CTL_DEL, src->fd, NULL) == -1 &&
	    errno != EBADF && errno != ENOENT)
		fatal("epoll_ctl del fd %d", src->fd);
	src->events = 0;
}

/*
 * The timerfd only ever fires early: when the first deadline moves later
 * (a transport pushing its retransmission timer back with every packet)
 * or the list empties, it stays as it is, and the wakeup it brings finds
 * nothing due and sets it anew: no timerfd_settime per round for a
 * deadline that only moves later.
 */
static void
timer_rearm(void)
{
	struct itimerspec	 its;
	struct timer		*t;

	if ((t = TAILQ_FIRST(&timers)) == NULL ||
	    (armed != 0 && armed <= t->due))
		return;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)(t->due / 1000);
	its.it_value.tv_nsec = (long)(t->due % 1000) * 1000000;
	if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
		its.it_value.tv_nsec = 1;	/* all zero would disarm */
	if (timerfd_settime(tick_src.fd, TFD_TIMER_ABSTIME, &its, NULL) == -1)
		fatal("timerfd_settime");
	armed = t->due;
	sets++;
}

/* Runs the timers due by now (they may arm themselves again). */
static void
run_due(uint64_t now)
{
	struct timer	*t;

	while ((t = TAILQ_FIRST(&timers)) != NULL && t->due <= now) {
		TAILQ_REMOVE(&timers, t, entry);
		t->due = 0;
		t->fn(t);
	}
	timers_moved = 1;
}

static void
tick_cb(struct ev_src *src, uint32_t events)
{
	uint64_t	 expirations;

	(void)events;
	if (read(src->fd, &expirations, sizeof(expirations)) == -1) {
		/* EAGAIN: a spurious wakeup; the timer list decides */
	}
	armed = 0;		/* it fired: one shot */
	run_due(mono_ms());
}

void
timer_init(struct timer *t, void (*fn)(struct timer *), void *arg)
{
	memset(t, 0, sizeof(*t));
	t->fn = fn;
	t->arg = arg;
}

int
timer_armed(const struct timer *t)
{
	return t->due != 0;
}

void
timer_cancel(struct timer *t)
{
	if (t->due == 0)
		return;
	TAILQ_REMOVE(&timers, t, entry);
	t->due = 0;
	timers_moved = 1;
}

void
timer_at(struct timer *t, uint64_t deadline)
{
	struct timer	*it;

	if (t->due != 0)
		TAILQ_REMOVE(&timers, t, entry);
	t->due = deadline == 0 ? 1 : deadline;
	/* Few timers per process: a sorted list is simple and enough. */
	TAILQ_FOREACH(it, &timers, entry)
		if (it->due > t->due)
			break;
	if (it != NULL)
		TAILQ_INSERT_BEFORE(it, t, entry);
	else
		TAILQ_INSERT_TAIL(&timers, t, entry);
	if (TAILQ_FIRST(&timers) == t)
		timers_moved = 1;
}

void
timer_after(struct timer *t, uint64_t ms)
{
	timer_at(t, mono_ms() + ms);
}

void
loop_before_wait(void (*fn)(void))
{
	int	i;

	for (i = 0; i < nidle; i++)
		if (idle_fns[i] == fn)
			return;
	if (nidle == LOOP_MAX_IDLE)
		fatalx("%s: more than %d hooks", __func__, LOOP_MAX_IDLE);
	idle_fns[nidle++] = fn;
}

void
loop_once(int timeout_ms)
{
	struct epoll_event	 ev[LOOP_MAX_EVENTS];
	struct ev_src		*src;
	struct timer		*t;
	uint64_t		 now;
	int			 i, n;

	for (i = 0; i < nidle; i++)
		idle_fns[i]();
	/*
	 * Once a round, not once per timer_at: a busy chatd moved its
	 * deadline with every packet, a system call each.  A first timer
	 * due already (a file engine kicked "now") needs no timerfd: the
	 * wait only looks, and the timer runs after this round's events,
	 * where the timerfd's wakeup would have run it.  Setting the
	 * timerfd for it was 3 % of all CPU in a fast transfer (in a VM,
	 * programming a timer is an exit to the host).
	 */
	if (timers_moved && (t = TAILQ_FIRST(&timers)) != NULL &&
	    t->due <= (now = mono_ms()))
		timeout_ms = 0;		/* timers_moved stays: rearm later */
	else {
		now = 0;
		if (timers_moved) {
			timers_moved = 0;
			timer_rearm();
		}
	}
	if ((n = epoll_wait(epfd, ev, LOOP_MAX_EVENTS, timeout_ms)) == -1) {
		if (errno == EINTR)
			return;
		fatal("epoll_wait");
	}
	for (i = 0; i < n; i++) {
		src = ev[i].data.ptr;
		src->cb(src, ev[i].events);
		if (quit)
			return;
	}
	if (now != 0)
		run_due(now);
}

uint64_t
loop_timerfd_sets(void)
{
	return sets;
}

int
loop_run(void)
{
	while (!quit)
		loop_once(-1);
	return 0;
}

void
loop_stop(void)
{
	quit = 1;
}
