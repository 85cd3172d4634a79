/* chatd's file transfers: see files.h. */
#include <stdlib.h>
#include <string.h>

#include "chatd/fconn.h"
#include "chatd/files.h"
#include "common/log.h"
#include "common/loop.h"
#include "common/mono.h"
#include "ipc/msg_friend.h"

static struct ftx		*engines[FRIEND_NUM_MAX];
static uint8_t			 waiting[FRIEND_NUM_MAX];	/* for tokens */
static unsigned			 nwaiting;	/* how many: the walks after
						   each round skip the 256 */
static const struct files_io	*io;
static struct timer		 tick;
static int			 tick_ready;
/* Friends to pump when this round's packets are in (kick_cb). */
static uint8_t			 kicked[FRIEND_NUM_MAX];
static unsigned			 nkicked;
static struct timer		 kick_t;

static unsigned
num_of(void *arg)
{
	return (unsigned)(uintptr_t)arg;
}

static int64_t
f_send(void *arg, const uint8_t *p, size_t len, int bulk)
{
	unsigned	n = num_of(arg);

	return bulk ? fconn_send_bulk(n, p, len) : fconn_send(n, p, len);
}

static ssize_t
f_read(void *arg, unsigned slot, uint64_t off, uint8_t *buf, size_t max)
{
	if (io == NULL || io->read == NULL)
		return -1;
	return io->read(num_of(arg), slot, off, buf, max);
}

static int
f_write(void *arg, unsigned slot, uint64_t off, const uint8_t *p, size_t n)
{
	if (io == NULL || io->write == NULL)
		return -1;
	return io->write(num_of(arg), slot, off, p, n);
}

static void
f_event(void *arg, const struct ftx_event *ev)
{
	unsigned	n = num_of(arg);

	if (io != NULL && io->event != NULL)
		io->event(n, ev);
	else if (ev->type == FTX_EV_OFFER)	/* nobody to take it */
		(void)ftx_kill(engines[n], 0, ev->slot);
}

static void
set_waiting(unsigned n, uint8_t on)
{
	if (waiting[n] == on)
		return;
	if (on)
		nwaiting++;
	else
		nwaiting--;
	waiting[n] = on;
}

/* Pumps friend n; if chunks wait for a bulk token, the timer wakes it. */
static void
pump(unsigned n)
{
	uint64_t	at;

	set_waiting(n, 0);
	if (engines[n] == NULL || ftx_pump(engines[n]) == 0)
		return;
	/* a full window is an ack away (files_acked); tokens need time */
	at = fconn_bulk_at(n);
	if (at > mono_ms())
		set_waiting(n, 1);
}

static void
rearm(void)
{
	uint64_t	due = 0, at;
	unsigned	n;

	for (n = 0; nwaiting > 0 && n < FRIEND_NUM_MAX; n++) {
		if (!waiting[n])
			continue;
		at = fconn_bulk_at(n);
		if (at != 0 && (due == 0 || at < due))
			due = at;
	}
	if (due == 0)
		timer_cancel(&tick);
	else
		timer_at(&tick, due);
}

static void
tick_cb(struct timer *t)
{
	unsigned	n;

	for (n = 0; nwaiting > 0 && n < FRIEND_NUM_MAX; n++)
		if (waiting[n])
			pump(n);
	rearm();
}

static void
kick_cb(struct timer *t)
{
	unsigned	n;

	for (n = 0; nkicked > 0 && n < FRIEND_NUM_MAX; n++)
		if (kicked[n]) {
			kicked[n] = 0;
			nkicked--;
			pump(n);
		}
	rearm();
}

/*
 * A pump walks every slot: once a round, not once per packet in and per
 * packet acked (a timer due now runs when this round's frames are done).
 */
static void
kick(unsigned n)
{
	if (!kicked[n])
		nkicked++;
	kicked[n] = 1;
	if (!timer_armed(&kick_t))
		timer_at(&kick_t, mono_ms());
}

void
files_pump(unsigned n)
{
	if (n >= FRIEND_NUM_MAX)
		return;
	pump(n);
	rearm();
}

void
files_set_io(const struct files_io *hooks)
{
	io = hooks;
}

struct ftx *
files_ftx(unsigned friend)
{
	return friend < FRIEND_NUM_MAX ? engines[friend] : NULL;
}

void
files_up(unsigned n)
{
	struct ftx_cb	cb = { f_send, f_read, f_write, f_event, NULL };

	if (n >= FRIEND_NUM_MAX || engines[n] != NULL)
		return;
	if (!tick_ready) {
		timer_init(&tick, tick_cb, NULL);
		timer_init(&kick_t, kick_cb, NULL);
		tick_ready = 1;
	}
	if ((engines[n] = malloc(sizeof(*engines[n]))) == NULL) {
		log_warnx("friend %u: no memory for file transfers", n);
		return;
	}
	cb.arg = (void *)(uintptr_t)n;
	ftx_init(engines[n], &cb);
	if (io != NULL && io->up != NULL)
		io->up(n);
}

void
files_down(unsigned n)
{
	if (n >= FRIEND_NUM_MAX || engines[n] == NULL)
		return;
	ftx_reset(engines[n]);
	free(engines[n]);
	engines[n] = NULL;
	set_waiting(n, 0);
	if (kicked[n])
		nkicked--;
	kicked[n] = 0;
	rearm();
}

int
files_packet(unsigned n, const uint8_t *p, size_t len)
{
	if (len == 0 || !file_is_file_id(p[0]))
		return -1;
	if (n < FRIEND_NUM_MAX && engines[n] != NULL) {
		(void)ftx_recv(engines[n], p, len);
		kick(n);
	}
	return 0;
}

void
files_room(unsigned n)
{
	if (n < FRIEND_NUM_MAX && engines[n] != NULL)
		kick(n);
}

void
files_acked(unsigned n, uint32_t num)
{
	if (n >= FRIEND_NUM_MAX || engines[n] == NULL)
		return;
	ftx_acked(engines[n], num);
	kick(n);
}
