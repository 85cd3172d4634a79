/* The file transfers with one friend: see ftx.h. */
#include <string.h>

#include "chatd/ftx.h"

/* What a slot owes the friend, sent in this order (pump_slot). */
#define P_OFFER		0x01	/* out: the FILE_SENDREQUEST */
#define P_SEEK		0x02	/* in: seek to pos, before the accept */
#define P_ACCEPT	0x04	/* in */
#define P_PAUSE		0x08
#define P_RESUME	0x10	/* an accept control on a running slot */
#define P_KILL		0x20	/* then the slot is free */

static struct ftx_slot *
slot_of(struct ftx *e, int out, unsigned i)
{
	if (i >= FTX_SLOTS)
		return NULL;
	return out ? &e->out[i] : &e->in[i];
}

/*
 * A pump runs after every ack and every packet in: walking all 256 slots
 * of each direction, three times a pump, was a tenth of chatd's time on
 * a fast link.  The walks visit the live slots only.
 */
static void
live_set(struct ftx *e, int out, unsigned i)
{
	e->live[out != 0][i / 64] |= (uint64_t)1 << (i % 64);
}

/* The first live slot from i on (which: 0 in, 1 out, 2 either), or
 * FTX_SLOTS. */
static unsigned
live_next(const struct ftx *e, int which, unsigned i)
{
	uint64_t	w;

	while (i < FTX_SLOTS) {
		w = which == 2 ? e->live[0][i / 64] | e->live[1][i / 64] :
		    e->live[which][i / 64];
		w >>= i % 64;
		if (w != 0)
			return i + (unsigned)__builtin_ctzll(w);
		i = (i / 64 + 1) * 64;
	}
	return FTX_SLOTS;
}

static void
slot_free(struct ftx *e, int out, unsigned i)
{
	memset(slot_of(e, out, i), 0, sizeof(struct ftx_slot));
	e->live[out != 0][i / 64] &= ~((uint64_t)1 << (i % 64));
	if (out && e->held == i + 1)
		e->held = 0;
}

static void
event(struct ftx *e, enum ftx_ev_type type, int out, unsigned i,
    enum ftx_why why, const struct file_req *req)
{
	struct ftx_slot		*s = slot_of(e, out, i);
	struct ftx_event	 ev;

	if (e->cb.event == NULL)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.out = out;
	ev.slot = (uint8_t)i;
	ev.why = why;
	ev.pos = s->pos;
	ev.size = s->size;
	ev.req = req;
	e->cb.event(e->cb.arg, &ev);
}

/*
 * Ends a transfer on our side: the kill goes to the friend, unless it
 * never heard of it (an offer not sent yet), then the slot is free.
 */
static void
kill_slot(struct ftx *e, int out, unsigned i)
{
	struct ftx_slot	*s = slot_of(e, out, i);

	if (out && (s->pend & P_OFFER)) {
		slot_free(e, out, i);
		return;
	}
	s->state = FTX_KILLING;
	s->pend = P_KILL;
	s->paused = 0;
	if (out && e->held == i + 1)
		e->held = 0;
}

/* The engine gives up on a transfer: the glue hears why. */
static void
abort_slot(struct ftx *e, int out, unsigned i, enum ftx_why why)
{
	event(e, FTX_EV_KILLED, out, i, why, NULL);
	kill_slot(e, out, i);
}

/* Entry and exit of the API: only the outermost call pumps, so an
 * event callback may use the API without re-entering the pump. */
static void
enter(struct ftx *e)
{
	e->depth++;
}

static int	pump(struct ftx *e);

static void
leave(struct ftx *e)
{
	if (--e->depth == 0)
		(void)pump(e);
}

void
ftx_init(struct ftx *e, const struct ftx_cb *cb)
{
	memset(e, 0, sizeof(*e));
	e->cb = *cb;
}

int
ftx_offer(struct ftx *e, uint32_t kind, uint64_t size,
    const uint8_t id[FILE_ID_LEN], const uint8_t *name, size_t len)
{
	struct ftx_slot	*s;
	unsigned	 i = 0, k;

	if (len > FILE_NAME_MAX || (len > 0 && name == NULL) || id == NULL)
		return -1;
	/*
	 * The first free number from the one after the last offered, not
	 * the lowest as new_filesender: a kill of the friend's that crossed
	 * ours (or c-toxcore's answer to a kill of a transfer it had
	 * ended) is on its way for a number we just freed, and must not
	 * find a new transfer there.  A number comes round again only
	 * after every other one, long after any such kill.  The friend
	 * takes any number below FTX_SLOTS.
	 */
	for (k = 0; k < FTX_SLOTS; k++) {
		i = (e->next_out + k) % FTX_SLOTS;
		if (e->out[i].state == FTX_FREE)
			break;
	}
	if (k == FTX_SLOTS)
		return -1;
	e->next_out = (i + 1) % FTX_SLOTS;
	enter(e);
	s = &e->out[i];
	live_set(e, 1, i);
	s->state = FTX_OFFERED;
	s->pend = P_OFFER;
	s->kind = kind;
	s->size = size;
	memcpy(s->id, id, FILE_ID_LEN);
	s->name_len = (uint16_t)len;
	if (len > 0)
		memcpy(s->name, name, len);
	leave(e);
	return (int)i;
}

int
ftx_accept(struct ftx *e, unsigned slot, uint64_t seek)
{
	struct ftx_slot	*s = slot_of(e, 0, slot);

	if (s == NULL || s->state != FTX_OFFERED)
		return -1;
	/* file_seek: only below the size (so never for an empty file) */
	if (seek > 0 && seek >= s->size)
		return -1;
	enter(e);
	if (seek > 0) {
		s->pos = seek;
		s->pend |= P_SEEK;
	}
	s->state = FTX_RUNNING;
	s->pend |= P_ACCEPT;
	leave(e);
	return 0;
}

int
ftx_pause(struct ftx *e, int out, unsigned slot)
{
	struct ftx_slot	*s = slot_of(e, out, slot);

	if (s == NULL || s->state != FTX_RUNNING || (s->paused & FTX_PAUSED_US))
		return -1;
	enter(e);
	s->paused |= FTX_PAUSED_US;
	/* a resume not sent yet and this pause cancel out */
	if (s->pend & P_RESUME)
		s->pend &= ~P_RESUME;
	else
		s->pend |= P_PAUSE;
	leave(e);
	return 0;
}

int
ftx_resume(struct ftx *e, int out, unsigned slot)
{
	struct ftx_slot	*s = slot_of(e, out, slot);

	if (s == NULL || s->state != FTX_RUNNING ||
	    !(s->paused & FTX_PAUSED_US))
		return -1;
	enter(e);
	s->paused &= ~FTX_PAUSED_US;
	if (s->pend & P_PAUSE)
		s->pend &= ~P_PAUSE;
	else
		s->pend |= P_RESUME;
	leave(e);
	return 0;
}

int
ftx_kill(struct ftx *e, int out, unsigned slot)
{
	struct ftx_slot	*s = slot_of(e, out, slot);

	if (s == NULL || s->state == FTX_FREE || s->state == FTX_KILLING)
		return -1;
	enter(e);
	kill_slot(e, out, slot);
	leave(e);
	return 0;
}

/* The friend's request: a new incoming transfer, unless its number is
 * taken (m_handle_packet ignores it then). */
static void
recv_req(struct ftx *e, const struct file_req *q)
{
	struct ftx_slot	*s = &e->in[q->filenum];

	if (s->state != FTX_FREE) {
		e->stats.ignored++;
		return;
	}
	live_set(e, 0, q->filenum);
	s->state = FTX_OFFERED;
	s->kind = q->kind;
	s->size = q->size;
	memcpy(s->id, q->id, FILE_ID_LEN);
	event(e, FTX_EV_OFFER, 0, q->filenum, FTX_WHY_NONE, q);
}

static void
recv_ctl(struct ftx *e, const struct file_ctl *c)
{
	/* send_receive 1: the friend receives it, so it is one we send */
	int		 out = c->send_receive == 1;
	unsigned	 i = c->filenum;
	struct ftx_slot	*s = slot_of(e, out, i);

	if (s->state == FTX_FREE || (out && (s->pend & P_OFFER))) {
		e->stats.ignored++;
		return;
	}
	if (s->state == FTX_KILLING) {
		/* both ended it: ours need not go */
		if (c->ctl == FILE_CTL_KILL)
			slot_free(e, out, i);
		else
			e->stats.ignored++;
		return;
	}
	switch (c->ctl) {
	case FILE_CTL_ACCEPT:
		if (out && s->state == FTX_OFFERED) {
			s->state = FTX_RUNNING;
			event(e, FTX_EV_ACCEPTED, out, i, FTX_WHY_NONE, NULL);
		} else if (s->state == FTX_RUNNING &&
		    (s->paused & FTX_PAUSED_THEM)) {
			s->paused &= ~FTX_PAUSED_THEM;
			event(e, FTX_EV_RESUMED, out, i, FTX_WHY_NONE, NULL);
		} else
			e->stats.ignored++;
		break;
	case FILE_CTL_PAUSE:
		if (s->state != FTX_RUNNING || (s->paused & FTX_PAUSED_THEM)) {
			e->stats.ignored++;
			break;
		}
		s->paused |= FTX_PAUSED_THEM;
		event(e, FTX_EV_PAUSED, out, i, FTX_WHY_NONE, NULL);
		break;
	case FILE_CTL_KILL:
		event(e, FTX_EV_KILLED, out, i, FTX_WHY_PEER, NULL);
		slot_free(e, out, i);
		break;
	case FILE_CTL_SEEK:
		/* only the receiver seeks, before it accepts, below the size */
		if (!out || s->state != FTX_OFFERED || c->pos >= s->size) {
			e->stats.ignored++;
			break;
		}
		s->pos = c->pos;
		break;
	}
}

static void
recv_data(struct ftx *e, const struct file_data *d)
{
	unsigned	 i = d->filenum;
	struct ftx_slot	*s = &e->in[i];

	/* data only counts once we accepted (m_handle_packet) */
	if (s->state != FTX_RUNNING) {
		e->stats.ignored++;
		return;
	}
	if (s->size != FILE_SIZE_UNKNOWN) {
		if (d->len > s->size - s->pos) {
			abort_slot(e, 0, i, FTX_WHY_LIE);
			return;
		}
		if (d->len < FILE_CHUNK && s->pos + d->len != s->size) {
			abort_slot(e, 0, i, FTX_WHY_SHORT);
			return;
		}
	} else if (d->len > FILE_SIZE_UNKNOWN - 1 - s->pos) {
		abort_slot(e, 0, i, FTX_WHY_LIE);	/* 2^64 bytes: no */
		return;
	}
	if (d->len > 0 && e->cb.write != NULL &&
	    e->cb.write(e->cb.arg, i, s->pos, d->data, d->len) == -1) {
		abort_slot(e, 0, i, FTX_WHY_IO);
		return;
	}
	s->pos += d->len;
	e->stats.chunks_in++;
	if (d->len > 0)
		event(e, FTX_EV_PROGRESS, 0, i, FTX_WHY_NONE, NULL);
	if (s->pos == s->size || d->len < FILE_CHUNK) {
		event(e, FTX_EV_DONE, 0, i, FTX_WHY_NONE, NULL);
		slot_free(e, 0, i);
	}
}

int
ftx_recv(struct ftx *e, const uint8_t *p, size_t len)
{
	struct file_pkt	*k = &e->parsed;

	switch (file_parse(p, len, k)) {
	case FILE_PKT_NONE:
		return -1;
	case FILE_PKT_DROP:
		e->stats.dropped++;
		return 0;
	default:
		break;
	}
	enter(e);
	if (k->kind == FILE_PKT_REQ)
		recv_req(e, &k->req);
	else if (k->kind == FILE_PKT_CTL)
		recv_ctl(e, &k->ctl);
	else
		recv_data(e, &k->data);
	leave(e);
	return 0;
}

void
ftx_acked(struct ftx *e, uint32_t num)
{
	unsigned	i;

	enter(e);
	for (i = live_next(e, 1, 0); i < FTX_SLOTS; i = live_next(e, 1, i + 1)) {
		struct ftx_slot	*s = &e->out[i];

		if (s->state != FTX_FINISHED || s->last_num != num)
			continue;
		event(e, FTX_EV_DONE, 1, i, FTX_WHY_NONE, NULL);
		slot_free(e, 1, i);
	}
	leave(e);
}

/* One control of a slot: 0 sent, -1 refused. */
static int
send_ctl(struct ftx *e, int out, unsigned i, uint8_t ctl, uint64_t pos)
{
	struct file_ctl	c;
	int		len;

	c.send_receive = out ? 0 : 1;	/* 1: the file we receive */
	c.filenum = (uint8_t)i;
	c.ctl = ctl;
	c.pos = pos;
	if ((len = file_build_ctl(&c, e->pkt, sizeof(e->pkt))) < 0)
		return 0;	/* cannot happen: drop it rather than spin */
	return e->cb.send(e->cb.arg, e->pkt, (size_t)len, 0) < 0 ? -1 : 0;
}

static int
send_req(struct ftx *e, unsigned i)
{
	struct file_req		*q = &e->req;
	struct ftx_slot		*s = &e->out[i];
	int			 len;

	q->filenum = (uint8_t)i;
	q->kind = s->kind;
	q->size = s->size;
	memcpy(q->id, s->id, FILE_ID_LEN);
	q->name_len = s->name_len;
	memcpy(q->name, s->name, s->name_len);
	if ((len = file_build_req(q, e->pkt, sizeof(e->pkt))) < 0)
		return 0;
	return e->cb.send(e->cb.arg, e->pkt, (size_t)len, 0) < 0 ? -1 : 0;
}

/* What a slot owes, in order: 0 all sent, -1 refused. */
static int
pump_slot(struct ftx *e, int out, unsigned i)
{
	struct ftx_slot	*s = slot_of(e, out, i);
	uint8_t		 bit;
	int		 rv;

	while (s->pend != 0) {
		if (s->pend & P_OFFER) {
			bit = P_OFFER;
			rv = send_req(e, i);
		} else if (s->pend & P_SEEK) {
			bit = P_SEEK;
			rv = send_ctl(e, out, i, FILE_CTL_SEEK, s->pos);
		} else if (s->pend & P_ACCEPT) {
			bit = P_ACCEPT;
			rv = send_ctl(e, out, i, FILE_CTL_ACCEPT, 0);
		} else if (s->pend & P_PAUSE) {
			bit = P_PAUSE;
			rv = send_ctl(e, out, i, FILE_CTL_PAUSE, 0);
		} else if (s->pend & P_RESUME) {
			bit = P_RESUME;
			rv = send_ctl(e, out, i, FILE_CTL_ACCEPT, 0);
		} else {
			bit = P_KILL;
			rv = send_ctl(e, out, i, FILE_CTL_KILL, 0);
		}
		if (rv == -1)
			return -1;
		s->pend &= ~bit;
		if (bit == P_OFFER)
			s->name_len = 0;	/* not needed any more */
		if (bit == P_KILL)
			slot_free(e, out, i);
	}
	return 0;
}

/* The next chunk of outgoing slot i: 1 sent, 0 none (killed), -1 refused. */
static int
send_chunk(struct ftx *e, unsigned i)
{
	struct ftx_slot	*s = &e->out[i];
	size_t		 want;
	ssize_t		 n;
	int64_t		 num;
	int		 len;

	want = s->size == FILE_SIZE_UNKNOWN || s->size - s->pos > FILE_CHUNK ?
	    FILE_CHUNK : (size_t)(s->size - s->pos);
	if (e->held == i + 1 && e->held_pos == s->pos)
		n = (ssize_t)e->held_len;	/* read before, then refused */
	else if (want == 0)
		n = 0;
	else {
		n = e->cb.read == NULL ? -1 :
		    e->cb.read(e->cb.arg, i, s->pos, e->chunk, want);
		if (n < 0 || (size_t)n > want ||
		    (s->size != FILE_SIZE_UNKNOWN && (size_t)n != want)) {
			abort_slot(e, 1, i, FTX_WHY_IO);
			return 0;
		}
	}
	e->held = 0;
	if ((len = file_build_data((uint8_t)i, e->chunk, (size_t)n, e->pkt,
	    sizeof(e->pkt))) < 0)
		return 0;
	if ((num = e->cb.send(e->cb.arg, e->pkt, (size_t)len, 1)) < 0) {
		e->held = i + 1;
		e->held_pos = s->pos;
		e->held_len = (size_t)n;
		return -1;
	}
	s->pos += (uint64_t)n;
	e->stats.chunks_out++;
	/* a short chunk ends it; a full one too when the size is reached */
	if ((size_t)n < FILE_CHUNK || s->pos == s->size) {
		s->state = FTX_FINISHED;
		s->last_num = (uint32_t)num;
	}
	event(e, FTX_EV_PROGRESS, 1, i, FTX_WHY_NONE, NULL);
	return 1;
}

/* Whether any slot owes the friend a packet. */
static int
owing(const struct ftx *e)
{
	unsigned	i;

	for (i = live_next(e, 2, 0); i < FTX_SLOTS; i = live_next(e, 2, i + 1))
		if (e->out[i].pend || e->in[i].pend)
			return 1;
	return 0;
}

/* Requests and controls, both directions: 0 all sent, -1 refused. */
static int
pump_owed(struct ftx *e)
{
	unsigned	i;

	for (i = live_next(e, 2, 0); i < FTX_SLOTS; i = live_next(e, 2, i + 1))
		if ((e->out[i].pend && pump_slot(e, 1, i) == -1) ||
		    (e->in[i].pend && pump_slot(e, 0, i) == -1))
			return -1;
	return 0;
}

/* Up to FTX_BURST chunks of outgoing slot i: 1 if one went, 0 if none,
 * -1 refused (then i is first in line next time). */
static int
burst(struct ftx *e, unsigned i)
{
	unsigned	b;
	int		sent = 0, rv;

	for (b = 0; b < FTX_BURST; b++) {
		if (e->out[i].state != FTX_RUNNING || e->out[i].paused != 0)
			break;
		if ((rv = send_chunk(e, i)) == -1) {
			e->rr = i;
			return -1;
		}
		sent |= rv;
		/* a control owed (a pause, a kill) goes first */
		if (rv == 0 || e->out[i].pend || e->in[i].pend)
			break;
	}
	return sent;
}

/*
 * FTX_BURST chunks per running transfer in turn, from the one refused
 * last: 1 if one went, 0 if none, -1 refused.  A burst, not one chunk,
 * because a round walks the slots.
 */
static int
data_round(struct ftx *e)
{
	unsigned	first = e->rr, i;
	int		sent = 0, rv;

	for (i = live_next(e, 1, first); i < FTX_SLOTS;
	    i = live_next(e, 1, i + 1)) {
		if ((rv = burst(e, i)) == -1)
			return -1;
		sent |= rv;
	}
	for (i = live_next(e, 1, 0); i < first; i = live_next(e, 1, i + 1)) {
		if ((rv = burst(e, i)) == -1)
			return -1;
		sent |= rv;
	}
	return sent;
}

static int
pump(struct ftx *e)
{
	int	rv = 0;

	/* events on the way may use the API: it only marks slots */
	e->depth++;
	for (;;) {
		if (pump_owed(e) == -1) {
			rv = 1;
			break;
		}
		/* what is owed goes before any data: a pause, a kill */
		if ((rv = data_round(e)) == -1) {
			rv = 1;
			break;
		}
		if (rv == 0 && !owing(e))
			break;
	}
	e->depth--;
	return rv;
}

int
ftx_pump(struct ftx *e)
{
	if (e->depth > 0)
		return 1;	/* from a callback: the caller pumps after */
	return pump(e);
}

void
ftx_reset(struct ftx *e)
{
	unsigned	i;
	int		out;

	e->depth++;
	for (out = 0; out <= 1; out++)
		for (i = 0; i < FTX_SLOTS; i++) {
			struct ftx_slot	*s = slot_of(e, out, i);

			if (s->state == FTX_FREE)
				continue;
			if (s->state != FTX_KILLING)
				event(e, FTX_EV_KILLED, out, i,
				    FTX_WHY_OFFLINE, NULL);
			slot_free(e, out, i);
		}
	e->depth--;
	e->held = 0;
	e->rr = 0;
	/* a new session: no kill from the old one can come */
	e->next_out = 0;
}

const struct ftx_slot *
ftx_slot(const struct ftx *e, int out, unsigned slot)
{
	static const struct ftx_slot	none;

	if (slot >= FTX_SLOTS)
		return &none;
	return out ? &e->out[slot] : &e->in[slot];
}
