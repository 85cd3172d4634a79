/* chatd's friend connections: see fconn.h. */
#include <stdlib.h>
#include <string.h>


#include "chatd/dhtpk_in.h"
#include "chatd/fconn.h"
#include "chatd/friend_ops.h"
#include "chatd/msgr_wire.h"
#include "chatd/nc_transport.h"
#include "common/log.h"
#include "common/loop.h"
#include "common/mono.h"
#include "ipc/msg_dhtpk.h"
#include "ipc/msg_nc.h"
#include "ipc/msg_relays.h"

struct fconn_stats	fconn_stats;

struct fc {
	uint8_t			used;
	uint8_t			state;		/* enum nc_state */
	uint8_t			pk[TOX_PK_LEN];
	struct nct		*t;		/* while keyed */
	uint64_t		next;		/* the transport's deadline */
	uint64_t		alive_at;	/* our next ALIVE */
	uint64_t		heard;		/* last packet from the friend */
	uint64_t		share_at;	/* our next SHARE_RELAYS */
	uint8_t			nrelays;
	uint8_t			held;	/* see fconn_send_bulk */
	struct packed_node	relays[FCONN_RELAYS_MAX];
};

static struct fc		 fcs[FRIEND_NUM_MAX];
/* Our relays whose link is up (NET_RELAYS), shared with friends. */
static struct packed_node	 ours[FCONN_RELAYS_MAX];
static uint8_t			 nours;
static struct chan		*to_keyd;
static struct fconn_hooks	 hooks;
static struct timer		 tick;
/*
 * The numbers of the used ones, in no order: the walks after every
 * packet in (rearm, by_pk) visit these, not the 256 slots and their
 * cache lines (a hundredth of all the CPU of a fast transfer).
 */
static uint16_t			 live[FRIEND_NUM_MAX];
static unsigned			 nlive;

static void
set_used(struct fc *fc, int on)
{
	unsigned	n = (unsigned)(fc - fcs), k;

	if (fc->used == on)
		return;
	fc->used = on;
	if (on) {
		live[nlive++] = (uint16_t)n;
		return;
	}
	for (k = 0; k < nlive; k++)
		if (live[k] == n) {
			live[k] = live[--nlive];
			break;
		}
}

static struct fc *
by_pk(const uint8_t pk[TOX_PK_LEN])
{
	unsigned	k;

	for (k = 0; k < nlive; k++)
		if (memcmp(fcs[live[k]].pk, pk, TOX_PK_LEN) == 0)
			return &fcs[live[k]];
	return NULL;
}

static unsigned
num_of(const struct fc *fc)
{
	return (unsigned)(fc - fcs);
}

static void
rearm(void)
{
	uint64_t	due = 0, d;
	unsigned	i, k;

	for (k = 0; k < nlive; k++) {
		i = live[k];
		if (!fcs[i].used || fcs[i].t == NULL)
			continue;
		d = fcs[i].next;
		if (fcs[i].state == NC_STATE_ESTABLISHED) {
			if (fcs[i].alive_at < d)
				d = fcs[i].alive_at;
			if (nours > 0 && fcs[i].share_at < d)
				d = fcs[i].share_at;
			if (fcs[i].heard + FCONN_TIMEOUT_MS < d)
				d = fcs[i].heard + FCONN_TIMEOUT_MS;
		}
		if (due == 0 || d < due)
			due = d;
	}
	if (due == 0)
		timer_cancel(&tick);
	else
		timer_at(&tick, due);
}

/* The transport's packets go to keyd to be sealed, in emit order. */
static void
emit(void *arg, uint32_t buffer_start, uint32_t number, const uint8_t *data,
    size_t len)
{
	static struct ipc_nc_plain	p;
	static uint8_t			buf[IPC_NC_PLAIN_MAX];
	struct fc			*fc = arg;
	struct wr			w;

	if (to_keyd == NULL || !to_keyd->open || len < 1 || len > NC_DATA_MAX)
		return;
	memcpy(p.pk, fc->pk, sizeof(p.pk));
	p.buffer_start = buffer_start;
	p.number = number;
	p.len = (uint16_t)len;
	memcpy(p.data, data, len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_plain(&w, &p);
	(void)chan_send_wr(to_keyd, IPC_NC_PLAIN_OUT, 0, &w);
	explicit_bzero(p.data, len);
	explicit_bzero(buf, w.len);
}

static void
deliver(void *arg, const uint8_t *data, size_t len)
{
	struct fc	*fc = arg;
	struct msgr_pkt	 pkt;

	fc->heard = mono_ms();
	switch (data[0]) {
	case MSGR_ID_ALIVE:
		return;
	case MSGR_ID_SHARE_RELAYS:
		if (msgr_parse(data, len, &pkt) == MSGR_SHARE_RELAYS) {
			fc->nrelays = pkt.nrelays;
			memcpy(fc->relays, pkt.relays, sizeof(fc->relays));
			/* on to netd's relay client, as c-toxcore's
			 * friend_add_tcp_relay */
			dhtpk_in_relays(num_of(fc), fc->relays, fc->nrelays);
		}
		return;
	}
	if (hooks.packet != NULL && fc->state == NC_STATE_ESTABLISHED)
		hooks.packet(num_of(fc), data, len);
}

static void
acked(void *arg, uint32_t number)
{
	struct fc	*fc = arg;

	if (hooks.acked != NULL)
		hooks.acked(num_of(fc), number);
}

/*
 * The bulk rate controller's trace, at log level debug: one line per
 * 50 ms sample that carried traffic, which is how a stall or a false
 * congestion event is found on a real link.
 */
static void
rate_trace(void *arg, const struct nct_sample *s)
{
	static const char *const ev[] = { "", " LOSS", " DELAY", " hold",
	    " silent" };

	log_debug("friend %u: rate %.0f -> %.0f pkt/s, took %.0f; sample: "
	    "sent %u acked %u lost %u, queue %u, rtt %u (least %llu, "
	    "smoothed %llu, ack gap %llu)%s", num_of(arg), s->was, s->rate,
	    s->deliv, s->sent, s->acked, s->lost, s->queue, s->rtt_min,
	    (unsigned long long)s->rtt_ms, (unsigned long long)s->srtt_ms,
	    (unsigned long long)s->ack_gap_ms, ev[s->event]);
}

static void
drop_transport(struct fc *fc)
{
	if (fc->t != NULL) {
		explicit_bzero(fc->t, sizeof(*fc->t));
		free(fc->t);
		fc->t = NULL;
	}
}

/* keyd's word on a session. */
static void
set_state(struct fc *fc, uint8_t state)
{
	static const struct nct_cb	 cb0 = { emit, deliver, acked, NULL, NULL };
	struct nct_cb			 cb = cb0;
	uint8_t				 was = fc->state;
	uint64_t			 now = mono_ms();
	unsigned			 n = num_of(fc);

	static const char *const names[] = { "none", "keyed", "established" };

	log_debug("friend %u: session %s", n, names[state]);
	fc->state = state;
	if (state == NC_STATE_NONE) {
		drop_transport(fc);
		set_used(fc, 0);
		if (was == NC_STATE_ESTABLISHED) {
			if (hooks.down != NULL)
				hooks.down(n);
			dhtpk_in_tell(fc->pk, FRIEND_NET_OFFLINE);
		}
		return;
	}
	if (state == NC_STATE_NOT_CONFIRMED) {
		/* new keys: the numbers start again from 0 */
		if (was == NC_STATE_ESTABLISHED && hooks.down != NULL)
			hooks.down(n);
		drop_transport(fc);
		if ((fc->t = calloc(1, sizeof(*fc->t))) == NULL) {
			log_warnx("friend %u: no memory for a transport", n);
			fconn_kill(n);
			return;
		}
		cb.arg = fc;
		if (log_getlevel() >= LOG_LVL_DEBUG)
			cb.sample = rate_trace;
		nct_init(fc->t, &cb, now);
		fc->next = now;
		fconn_stats.sessions++;
		return;
	}
	/* ESTABLISHED */
	if (fc->t == NULL || was == NC_STATE_ESTABLISHED)
		return;
	fc->heard = now;
	fc->alive_at = now;	/* an ALIVE goes at once, then every 8 s */
	fc->share_at = now;	/* our relays at once, then every 5 min */
	dhtpk_in_tell(fc->pk, FRIEND_NET_ONLINE);
	if (hooks.up != NULL)
		hooks.up(n);
}

static int
on_session(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_nc_state	 st;
	struct fc		*fc;
	int			 n;

	if (ipc_unpack_nc_state(r, &st) == -1)
		return -1;
	if ((fc = by_pk(st.pk)) == NULL) {
		if (st.state == NC_STATE_NONE)
			return 0;
		/* a friend's number is its slot: the same here */
		n = friends_find(friend_ops_friends(), st.pk);
		if (n < 0 || fcs[n].used) {
			log_debug("a session for no friend: ended");
			fconn_kill_pk(st.pk);
			return 0;
		}
		fc = &fcs[n];
		memset(fc, 0, sizeof(*fc));
		set_used(fc, 1);
		memcpy(fc->pk, st.pk, sizeof(fc->pk));
	}
	set_state(fc, st.state);
	rearm();
	return 0;
}

static int
on_plain_in(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_nc_plain_ref		 p;	/* wiped with the frame */
	static struct nc_data		 d;
	struct fc			*fc;
	uint64_t			 now;
	int				 rv;

	if (ipc_view_nc_plain(r, &p) == -1)
		return -1;
	if ((fc = by_pk(p.pk)) == NULL || fc->t == NULL) {
		fconn_stats.unknown++;
		return 0;
	}
	d.buffer_start = p.buffer_start;
	d.number = p.number;
	d.cls = nc_data_id_class(p.data[0]);
	d.len = p.len;
	memcpy(d.data, p.data, p.len);
	now = mono_ms();
	rv = nct_recv(fc->t, &d, now);
	explicit_bzero(d.data, d.len);
	if (rv == NCT_RECV_KILL)	/* keyd saw it too and ends it */
		return 0;
	if (fc->t != NULL)
		fc->next = nct_tick(fc->t, now);
	rearm();
	return 0;
}

/* Our relays, to one friend (c-toxcore's send_relays). */
static void
share(struct fc *fc, uint64_t now)
{
	uint8_t	pkt[1 + FCONN_RELAYS_MAX * PN_SIZE_V6];
	int	len;

	if ((len = msgr_build_share_relays(ours, nours, pkt,
	    sizeof(pkt))) > 0)
		(void)nct_send(fc->t, pkt, (size_t)len, 0, now);
}

static void
tick_cb(struct timer *t)
{
	uint8_t		alive[8];
	uint64_t	now = mono_ms();
	unsigned	i, k;
	int		len;

	/* backwards: a friend killed leaves its place to one seen already */
	for (k = nlive; k-- > 0;) {
		struct fc	*fc = &fcs[i = live[k]];

		if (!fc->used || fc->t == NULL)
			continue;
		if (fc->state == NC_STATE_ESTABLISHED) {
			if (now >= fc->heard + FCONN_TIMEOUT_MS) {
				log_info("friend %u: silent for %u s, "
				    "reconnecting", i, FCONN_TIMEOUT_MS / 1000);
				fconn_stats.timeouts++;
				fconn_kill(i);
				continue;
			}
			/*
			 * c-toxcore hears nothing else as a sign of life: an
			 * ALIVE the window refused (full of messages: bulk
			 * leaves room) goes again soon, not in 8 s.
			 */
			if (now >= fc->alive_at) {
				len = msgr_build_alive(alive, sizeof(alive));
				fc->alive_at = now + (len > 0 && nct_send(fc->t,
				    alive, (size_t)len, 0, now) < 0 ?
				    FCONN_ALIVE_RETRY_MS : FCONN_ALIVE_MS);
			}
			if (nours > 0 && now >= fc->share_at) {
				share(fc, now);
				fc->share_at = now + FCONN_SHARE_MS;
			}
		}
		if (fc->t != NULL && now >= fc->next)
			fc->next = nct_tick(fc->t, now);
	}
	rearm();
}

int
fconn_up(unsigned number)
{
	return number < FRIEND_NUM_MAX && fcs[number].used &&
	    fcs[number].state == NC_STATE_ESTABLISHED && fcs[number].t != NULL;
}

int64_t
fconn_send(unsigned number, const uint8_t *p, size_t len)
{
	int64_t	rv;

	if (!fconn_up(number))
		return -1;
	rv = nct_send(fcs[number].t, p, len, 0, mono_ms());
	return rv;
}

int64_t
fconn_send_bulk(unsigned number, const uint8_t *p, size_t len)
{
	int64_t	rv;

	if (!fconn_up(number))
		return -1;
	/*
	 * keyd behind by FCONN_BULK_QUEUED already: a file waits rather
	 * than fill the channel's queue, whose bound (CHAN_MAX_QUEUED)
	 * closes the channel.  The friend's next ack wakes it.  A friend
	 * that acks that seldom (c-toxcore: every 50-100 ms, and one ack
	 * opens more of the window than that queue holds) is woken when
	 * keyd has caught up (fconn_keyd_drained), or the link idled half
	 * the time.  A friend that acks often (bulkhead: every 64 packets)
	 * has its next ack on the way before keyd drains.
	 */
	if (to_keyd->queued > FCONN_BULK_QUEUED) {
		if (nct_acks_sparse(fcs[number].t))
			fcs[number].held = 1;
		return -1;
	}
	rv = nct_send(fcs[number].t, p, len, 1, mono_ms());
	return rv;
}

uint64_t
fconn_bulk_at(unsigned number)
{
	if (!fconn_up(number))
		return 0;
	return nct_bulk_at(fcs[number].t, mono_ms());
}

void
fconn_link(unsigned number, struct ipc_friend_link *out)
{
	const struct nct	*t;
	uint64_t		 rtt;

	memset(out, 0, sizeof(*out));
	if (number >= FRIEND_NUM_MAX || !fcs[number].used ||
	    (t = fcs[number].t) == NULL)
		return;
	out->up = 1;
	/* the smoothed RTT once there is one, else c-toxcore's measure */
	rtt = t->srtt_set ? t->srtt_ms : t->rtt_ms;
	out->rtt_ms = rtt > UINT32_MAX ? UINT32_MAX : (uint32_t)rtt;
	out->bulk_rate = t->rate >= (double)UINT32_MAX ? UINT32_MAX :
	    (uint32_t)t->rate;
	out->sent = t->stats.sent;
	out->resent = t->stats.resent;
	out->received = t->stats.delivered;
	out->congestion = (uint32_t)(t->stats.cong_loss + t->stats.cong_delay);
}

void
fconn_kill_pk(const uint8_t pk[TOX_PK_LEN])
{
	uint8_t		buf[IPC_NC_PK_MSG_LEN];
	struct wr	w;

	if (to_keyd == NULL || !to_keyd->open)
		return;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_pk(&w, pk);
	(void)chan_send_wr(to_keyd, IPC_NC_KILL, 0, &w);
}

void
fconn_kill(unsigned number)
{
	struct fc	*fc;

	if (number >= FRIEND_NUM_MAX || !(fc = &fcs[number])->used)
		return;
	/* the transport's kill packet carries the right ack and end; keyd
	 * then seals its own as well, which the peer ignores if it is gone */
	if (fc->t != NULL)
		(void)nct_kill(fc->t);
	fconn_kill_pk(fc->pk);
	set_state(fc, NC_STATE_NONE);
	rearm();
}

size_t
fconn_relays(unsigned number, struct packed_node *out, size_t max)
{
	size_t	n;

	if (number >= FRIEND_NUM_MAX || !fcs[number].used)
		return 0;
	n = fcs[number].nrelays < max ? fcs[number].nrelays : max;
	memcpy(out, fcs[number].relays, n * sizeof(*out));
	return n;
}

/*
 * netd's relays, through keyd: the ones whose link is up and that have
 * an address (not a name only a proxy resolves) are what we share.
 */
static int
on_relays(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_net_relays	rl;
	struct packed_node		*n;
	unsigned			 i, was = nours;

	if (ipc_unpack_net_relays(r, &rl) == -1)
		return -1;
	nours = 0;
	for (i = 0; i < rl.n && nours < FCONN_RELAYS_MAX; i++) {
		if (rl.r[i].state != IPC_RELAY_UP || rl.r[i].family == 0)
			continue;
		n = &ours[nours++];
		memset(n, 0, sizeof(*n));
		n->family = rl.r[i].family == 4 ? PN_TCP4 : PN_TCP6;
		memcpy(n->ip, rl.r[i].ip, sizeof(n->ip));
		n->port = rl.r[i].port;
		memcpy(n->pk, rl.r[i].pk, sizeof(n->pk));
	}
	/* none before: connected friends hear of them now */
	if (was == 0 && nours > 0)
		for (i = 0; i < FRIEND_NUM_MAX; i++)
			fcs[i].share_at = mono_ms();
	rearm();
	return 0;
}

static const struct chan_handler from_keyd_rows[] = {
	{ IPC_NET_RELAYS,	0,	on_relays },
	{ IPC_NC_SESSION,	0,	on_session },
	{ IPC_NC_PLAIN_IN,	0,	on_plain_in },
};
const struct chan_table fconn_from_keyd = {
	CHAN_ROWS(from_keyd_rows), NULL
};

void
fconn_keyd_drained(struct chan *c)
{
	unsigned	i, n;

	for (i = 0; i < nlive; i++) {
		n = live[i];
		if (!fcs[n].held)
			continue;
		fcs[n].held = 0;
		if (hooks.room != NULL)
			hooks.room(n);
	}
}

void
fconn_init(struct chan *keyd, const struct fconn_hooks *h)
{
	to_keyd = keyd;
	hooks = *h;
	timer_init(&tick, tick_cb, NULL);
}
