/*
 * The event loop every process runs: epoll for descriptors, one timerfd
 * armed to the earliest deadline.  Nothing due means the process sleeps;
 * there is no polling tick.  One loop per process.
 */
#ifndef BULKHEAD_LOOP_H
#define BULKHEAD_LOOP_H

#include <stdint.h>
#include <sys/queue.h>

struct ev_src {
	int	 fd;
	void	(*cb)(struct ev_src *, uint32_t events);	/* never blocks */
	void	*arg;
	uint32_t events;		/* what is registered now */
};

struct timer {
	uint64_t		 due;	/* mono_ms; 0 when not armed */
	void			(*fn)(struct timer *);
	void			*arg;
	TAILQ_ENTRY(timer)	 entry;
};

void	loop_init(void);
void	loop_add(struct ev_src *, uint32_t events);	/* EPOLLIN, ... */
/* As loop_add, but returns -1 with errno (EPERM: a regular file). */
int	loop_try_add(struct ev_src *, uint32_t events);
void	loop_mod(struct ev_src *, uint32_t events);
void	loop_del(struct ev_src *);
/* Runs until loop_stop(); returns 0. */
int	loop_run(void);
void	loop_stop(void);
/* Runs one round: waits at most timeout_ms (-1: until an event). */
void	loop_once(int timeout_ms);
/*
 * Registers fn to run before every wait: what a round gathered (corked
 * IPC messages, UDP packets for one sendmmsg) leaves then, in one system
 * call, before the process sleeps.  At most LOOP_MAX_IDLE; the same fn
 * twice is registered once.
 */
#define LOOP_MAX_IDLE	4
void	loop_before_wait(void (*fn)(void));

/* timerfd_settime calls so far: for the tests and the bench. */
uint64_t loop_timerfd_sets(void);

void	timer_init(struct timer *, void (*)(struct timer *), void *);
void	timer_after(struct timer *, uint64_t ms);	/* (re)arm */
void	timer_at(struct timer *, uint64_t mono_deadline);
void	timer_cancel(struct timer *);
int	timer_armed(const struct timer *);

#endif
