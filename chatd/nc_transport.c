/* The lossless transport above net_crypto data packets: see nc_transport.h. */
#include <string.h>

#include "chatd/nc_transport.h"
#include "common/nc_data.h"

#define NCT_F_RESEND	0x01	/* the peer asked for it: send again */
#define NCT_F_HAVE	0x02	/* a request said the peer has it */
#define NCT_F_BULK	0x04
#define NCT_F_AGAIN	0x08	/* sent more than once: its ack is no RTT
				   sample (Karn), as the first copy may be
				   the one that arrived */

static struct nct_slot *
send_slot(struct nct *n, uint32_t num)
{
	return &n->send[num % NCT_SEND_SLOTS];
}

static struct nct_slot *
recv_slot(struct nct *n, uint32_t num)
{
	return &n->recv[num % NCT_RECV_SLOTS];
}

static void
emit(struct nct *n, uint32_t number, const uint8_t *data, size_t len)
{
	n->cb.emit(n->cb.arg, n->recv_start, number, data, len);
}

/* Whether a bulk packet the peer asked for waits for a token. */
static int
bulk_waiting(struct nct *n)
{
	uint32_t	i;

	if (n->nresend == 0)
		return 0;
	for (i = n->send_start; i != n->send_end; i++)
		if ((send_slot(n, i)->flags & (NCT_F_RESEND | NCT_F_BULK)) ==
		    (NCT_F_RESEND | NCT_F_BULK))
			return 1;
	return 0;
}

/* A token, give or take rounding, so nct_bulk_at() is exact. */
static int
has_token(const struct nct *n)
{
	return n->tokens >= 1.0 - 1e-6;
}

/* Tops the bulk bucket up for the time gone by since the last call. */
static void
tokens_fill(struct nct *n, uint64_t now_ms)
{
	double	cap;

	if (now_ms <= n->tok_ms)
		return;
	/* a quarter second of burst on top of c-toxcore's minimum queue */
	cap = NCT_QUEUE_MIN + n->rate / 4.0;
	n->tokens += n->rate * (double)(now_ms - n->tok_ms) / 1000.0;
	if (n->tokens > cap)
		n->tokens = cap;
	n->tok_ms = now_ms;
}

/* Whether the last NCT_LOSS_SAMPLES samples lost enough to be congestion
 * (rate_update runs as a sample closes: hist_pos is the newest). */
static int
loss_congested(const struct nct *n)
{
	double		sent = 0, lost = 0;
	unsigned	i, k;

	for (k = 0; k < NCT_LOSS_SAMPLES; k++) {
		i = (n->hist_pos + NCT_SAMPLES - k) % NCT_SAMPLES;
		sent += n->hist_sent[i];
		lost += n->hist_lost[i];
	}
	return lost >= NCT_LOSS_EVENTS && lost > sent * NCT_LOSS_CONGESTED;
}

/*
 * Whether a queue on the path holds more than NCT_QUEUE_DELAY_MS and more
 * than a quarter of the path's own round trip: even the smallest RTT of
 * the last NCT_LOSS_SAMPLES samples (at least NCT_DELAY_SAMPLES of them,
 * so a peer's late acks are not read as a queue) that far above the
 * smallest ever seen, and more than the least gap between the peer's
 * requests.  c-toxcore acks only by request, every 50 ms or more: each
 * sample then carries some of that wait, and four in a row of them
 * 20-50 ms above the least made a "queue" in slow start on an empty
 * 20 ms path; the rate fell to a tenth of the path's and took seconds
 * to climb back (the bench's lossy bh -> libtoxcore row: 7 MB/s in one
 * run of two, against 19).  A queue shallower than that gap cannot be
 * told from it; the loss rule still sees one that overflows.  A flow
 * that fills a drop-tail queue until it loses 5 % starves one that backs
 * off at any loss, c-toxcore's; and our paced
 * packets find room in the queue where c-toxcore's bursts are dropped,
 * so our own loss is no sign of it.
 */
static int
delay_congested(const struct nct *n)
{
	uint32_t	least = UINT32_MAX, count = 0;
	uint64_t	queued;
	unsigned	i, k;

	for (k = 0; k < NCT_LOSS_SAMPLES; k++) {
		i = (n->hist_pos + NCT_SAMPLES - k) % NCT_SAMPLES;
		count += n->hist_rtt_n[i];
		if (n->hist_rtt_n[i] > 0 && n->hist_rtt_min[i] < least)
			least = n->hist_rtt_min[i];
	}
	if (count < NCT_DELAY_SAMPLES || least <= n->rtt_ms)
		return 0;
	queued = least - n->rtt_ms;
	return queued > NCT_QUEUE_DELAY_MS && queued > n->rtt_ms / 4 &&
	    queued > n->ack_gap_ms;
}

int
nct_acks_sparse(const struct nct *n)
{
	return n->ack_gap_set && n->ack_gap_ms >= NCT_SPARSE_ACK_MS;
}

/*
 * What the peer took, on average, over the samples a congestion event
 * was seen in (the last NCT_LOSS_SAMPLES): packets a second.
 */
static double
taken_lately(const struct nct *n)
{
	double		acked = 0;
	unsigned	k;

	for (k = 0; k < NCT_LOSS_SAMPLES; k++)
		acked += n->hist_acked[(n->hist_pos + NCT_SAMPLES - k) %
		    NCT_SAMPLES];
	return acked * 1000.0 / (NCT_LOSS_SAMPLES * NCT_SAMPLE_MS);
}

/*
 * Whether more than NCT_QUEUE_MIN packets have waited for an ack as each
 * of the last NCT_SAMPLES samples closed: only then was what the peer
 * took (the best of those samples, delivery_rate) measured while it had
 * our packets to take.  A burst after a lull (a window filled in one
 * sample from a full bucket) met a "took" of 10 packets a second from
 * the lull, and c-toxcore's queue bound cut the rate to NCT_RATE_MIN:
 * the peer's requests for what it dropped were then answered at 4
 * packets a second, c-toxcore went to acking once a second, and the
 * session died (test_files, branch wake).  Waiting a round trip and a
 * sample was not enough: c-toxcore's first ack after such a burst can
 * come a sample later still, and the rate fell the same way.
 */
static int
queue_stood(const struct nct *n)
{
	unsigned	j;

	for (j = 0; j < NCT_SAMPLES; j++)
		if (n->hist_q[j] <= NCT_QUEUE_MIN)
			return 0;
	return 1;
}

/*
 * What the path delivered when pushed: packets the peer confirmed per
 * second over the best two samples in a row of the last NCT_SAMPLES (two,
 * as a request may confirm a sample's packets in the next).
 */
static double
delivery_rate(const struct nct *n)
{
	double		best = 0, r;
	unsigned	i;

	for (i = 0; i < NCT_SAMPLES; i++) {
		r = (double)(n->hist_acked[i] +
		    n->hist_acked[(i + 1) % NCT_SAMPLES]) * 1000.0 /
		    (2 * NCT_SAMPLE_MS);
		if (r > best)
			best = r;
	}
	return best;
}

/* Reports the sample rate_update just closed, if anyone asked. */
static void
trace(struct nct *n, uint64_t now_ms, double was, double deliv,
    enum nct_event ev)
{
	struct nct_sample	s;
	unsigned		i = n->hist_pos;

	if (n->cb.sample == NULL || (ev == NCT_EV_NONE &&
	    n->hist_sent[i] == 0 && n->hist_acked[i] == 0 &&
	    n->hist_lost[i] == 0))
		return;
	memset(&s, 0, sizeof(s));
	s.at_ms = now_ms;
	s.rate = n->rate;
	s.was = was;
	s.deliv = deliv;
	s.sent = n->hist_sent[i];
	s.acked = n->hist_acked[i];
	s.lost = n->hist_lost[i];
	s.queue = n->send_end - n->send_start;
	s.rtt_min = n->hist_rtt_n[i] > 0 ? n->hist_rtt_min[i] : 0;
	s.rtt_ms = n->rtt_ms;
	s.srtt_ms = n->srtt_ms;
	s.ack_gap_ms = n->ack_gap_ms;
	s.event = ev;
	n->cb.sample(n->cb.arg, &s);
}

/*
 * The bulk rate, each 50 ms as c-toxcore's, from what the peer took.
 * c-toxcore takes what went out less what its queue grew by and grows
 * it by a fifth, or cuts it to nine tenths for a second after resends
 * wanted more than the rate allowed: so any loss stops its growth, and
 * it crawls on a link that drops 1 % at random.  Ours:
 *   - a congestion event is a loss rate (NCT_LOSS_CONGESTED) or a
 *     standing queue (NCT_QUEUE_DELAY_MS, see delay_congested): the
 *     rate drops to nine tenths of what it was or of what the peer
 *     was seen to take (a peer with sparse acks: took on average over
 *     the samples of the event), whichever is less, so the queue
 *     drains, and stays there for NCT_CONGESTION_MS;
 *   - otherwise it probes a quarter above what the peer takes, but once
 *     an event was seen by at most NCT_PROBE_STEP a sample (it nears
 *     the rate that overflowed a step at a time, as a flow that shares
 *     the queue with c-toxcore's must), and past what the peer took at
 *     the last event by NCT_PROBE_NEAR: at 5 % a sample a shared queue
 *     overflowed before the delay rule saw it, every 1.4 s, and
 *     c-toxcore's flow, which slows for a second at each loss, kept
 *     0.6 of 4 MB/s; before the first event it doubles the last
 *     sample's (slow start);
 *   - a sender with less to send than its rate keeps its rate (the
 *     measure is of its lull, not of the path);
 *   - so does one whose peer is silent (NCT_SILENT_MS): what the peer
 *     took is then what it acked, which is nothing.  A second without
 *     an ack from c-toxcore (it acks only every second once it takes
 *     fewer than 4 packets a second) held a cut rate down to what the
 *     peer took, NCT_RATE_MIN by then, and the climb back a step a
 *     sample took 8 s of a 14 s transfer;
 *   - c-toxcore's bound stays: no more queued than NCT_QUEUE_RATIO
 *     seconds of what the peer takes.
 */
static void
rate_update(struct nct *n, uint64_t now_ms)
{
	double		deliv = delivery_rate(n), sent, queue, rate, ss;
	double		was = n->rate;
	enum nct_event	ev = NCT_EV_NONE;
	int		hold, silent;

	sent = (double)n->hist_sent[n->hist_pos] * 1000.0 / NCT_SAMPLE_MS;
	hold = n->cong && now_ms - n->cong_ms < NCT_CONGESTION_MS;
	silent = n->send_end != n->send_start &&
	    now_ms > n->heard_ms + NCT_SILENT_MS;
	if (hold)
		ev = NCT_EV_HOLD;
	else if (loss_congested(n)) {
		n->stats.cong_loss++;
		ev = NCT_EV_LOSS;
	} else if (delay_congested(n)) {
		n->stats.cong_delay++;
		ev = NCT_EV_DELAY;
	}
	if (silent && (ev == NCT_EV_NONE || ev == NCT_EV_HOLD))
		ev = NCT_EV_SILENT;
	if (ev == NCT_EV_LOSS || ev == NCT_EV_DELAY) {
		n->cong = 1;
		n->cong_ms = now_ms;
		n->cong_seen = 1;
		/*
		 * Below what we sent, too.  And from a peer whose acks are
		 * sparse, below what it took over these samples, not the
		 * best of them: its acks come in clumps, and the best pair
		 * was well above what it took.  (c-toxcore acks every 50 ms;
		 * its receiver drops what its socket buffer cannot hold
		 * between two reads, and a cut to nine tenths of the best
		 * pair still sent it a fifth more than it took: 19 % of the
		 * packets were resent.)
		 */
		rate = n->rate < deliv ? n->rate : deliv;
		/* where the slow climb starts (NCT_PROBE_NEAR): what the
		 * path took, not the rate we had: an event in a hold, at
		 * a rate below what loopback took, made it climb from
		 * 71 000 to 115 000 at 1 % a sample (118 MB/s in one of
		 * three bench runs, against 228) */
		n->cong_took = deliv;
		if (nct_acks_sparse(n) && taken_lately(n) < rate)
			rate = taken_lately(n);
		if (nct_acks_sparse(n) && taken_lately(n) < n->cong_took)
			n->cong_took = taken_lately(n);
		rate *= NCT_DRAIN;
	} else if (silent)
		rate = n->rate;
	else if (hold)	/* the cut stands: the queue drains */
		rate = n->rate < deliv ? n->rate : deliv;
	else {
		rate = deliv * NCT_PROBE;
		/* after an event, towards it a step a sample, not a leap */
		if (n->cong_seen && rate > n->rate * NCT_PROBE_STEP)
			rate = n->rate * NCT_PROBE_STEP;
		if (n->cong_seen && n->rate >= n->cong_took &&
		    rate > n->rate * NCT_PROBE_NEAR)
			rate = n->rate * NCT_PROBE_NEAR;
		if (sent < n->rate / 2 && n->rate > rate)
			rate = n->rate;
		/* a burst whose acks are not due yet: what the peer took
		 * is of the lull before it (see queue_stood) */
		if (n->send_end - n->send_start > NCT_QUEUE_MIN &&
		    !queue_stood(n) && n->rate > rate)
			rate = n->rate;
		if (!n->cong_seen) {
			ss = sent * NCT_SLOW_START;
			if (ss > deliv * NCT_SLOW_START_MAX)
				ss = deliv * NCT_SLOW_START_MAX;
			if (ss > rate)
				rate = ss;
		}
	}
	queue = (double)(n->send_end - n->send_start);
	if (deliv > 0 && queue_stood(n) &&
	    queue / deliv > NCT_QUEUE_RATIO &&
	    rate > deliv * NCT_QUEUE_RATIO / (queue / deliv))
		rate = deliv * NCT_QUEUE_RATIO / (queue / deliv);
	if (rate < NCT_RATE_MIN)
		rate = NCT_RATE_MIN;
	n->rate = rate;
	trace(n, now_ms, was, deliv, ev);
}

/*
 * Closes the samples that ended by now_ms.  Lazy, so an idle engine
 * needs no timer for it; after a long quiet spell the history is simply
 * empty.
 */
static void
samples_advance(struct nct *n, uint64_t now_ms)
{
	uint32_t	queue = n->send_end - n->send_start;
	unsigned	steps = 0;

	tokens_fill(n, now_ms);
	if (now_ms < n->hist_ms)
		return;		/* see clock_at */
	if (now_ms - n->hist_ms >= (uint64_t)NCT_SAMPLE_MS * NCT_SAMPLES * 2) {
		memset(n->hist_sent, 0, sizeof(n->hist_sent));
		memset(n->hist_lost, 0, sizeof(n->hist_lost));
		memset(n->hist_acked, 0, sizeof(n->hist_acked));
		memset(n->hist_rtt_n, 0, sizeof(n->hist_rtt_n));
		/* a path quiet this long is learnt again, from slow start */
		n->cong = n->cong_seen = 0;
		n->stats.relearned++;
		for (steps = 0; steps < NCT_SAMPLES; steps++)
			n->hist_q[steps] = queue;
		n->hist_ms = now_ms;
		rate_update(n, now_ms);
		return;
	}
	while (now_ms - n->hist_ms >= NCT_SAMPLE_MS && steps++ <
	    NCT_SAMPLES * 2) {
		n->hist_ms += NCT_SAMPLE_MS;
		n->hist_q[n->hist_pos] = queue;
		rate_update(n, n->hist_ms);
		n->hist_pos = (n->hist_pos + 1) % NCT_SAMPLES;
		n->hist_sent[n->hist_pos] = 0;
		n->hist_lost[n->hist_pos] = 0;
		n->hist_acked[n->hist_pos] = 0;
		n->hist_rtt_n[n->hist_pos] = 0;
	}
}

/* c-toxcore's packet_recv_rate, measured over at least 50 ms. */
static void
recv_rate_update(struct nct *n, uint64_t now_ms)
{
	uint64_t	dt;

	if (now_ms < n->cnt_set_ms)
		return;
	dt = now_ms - n->cnt_set_ms;
	if (dt <= NCT_SAMPLE_MS)
		return;
	n->recv_rate = (double)n->cnt / ((double)dt / 1000.0);
	n->cnt = 0;
	n->cnt_set_ms = now_ms;
}

/*
 * The wait between requests: NCT_REQ_MAX_MS until the peer is heard
 * from; then c-toxcore's rule, shorter while packets pour in and the
 * receive window fills.
 */
static uint64_t
req_interval(const struct nct *n)
{
	double	ivl, ivl2;

	if (!n->confirmed || n->recv_rate <= NCT_RATE_MIN)
		return NCT_REQ_MAX_MS;
	ivl = NCT_REQ_CONSTANT / (((double)(n->recv_end - n->recv_start) +
	    1.0) / (n->recv_rate + 1.0));
	ivl2 = NCT_RATE_MIN / n->recv_rate * NCT_REQ_MAX_MS + NCT_REQ_MIN_MS;
	if (ivl2 < ivl)
		ivl = ivl2;
	if (ivl < NCT_REQ_MIN_MS)
		ivl = NCT_REQ_MIN_MS;
	if (ivl > NCT_REQ_MAX_MS)
		ivl = NCT_REQ_MAX_MS;
	return (uint64_t)ivl;
}

static int
have_recv(void *arg, uint32_t num)
{
	struct nct	*n = arg;

	return recv_slot(n, num)->len != 0;
}

static void
send_request(struct nct *n, uint64_t now_ms)
{
	uint8_t		buf[NC_DATA_MAX];
	uint32_t	width;
	int		len;

	/*
	 * Only over our own window: gaps past it are not asked for yet,
	 * so the peer keeps them (its walk stops where our bytes do) and
	 * sends them when we ask, once the window has moved on.
	 */
	width = n->recv_end - n->recv_start;
	if (width > NCT_RECV_SLOTS)
		width = NCT_RECV_SLOTS;
	len = nc_req_build(n->recv_start, n->recv_start + width, have_recv, n,
	    buf, sizeof(buf));
	if (len < 1)
		return;
	emit(n, n->send_end, buf, (size_t)len);
	n->since_req = 0;
	n->stats.requests++;
	n->req_last_ms = now_ms;
	n->req_sent = 1;
}

/*
 * Sends again what the peer asked for, oldest first.  Bulk packets take a
 * token each and wait for one; others go at once.
 */
static void
resend(struct nct *n, uint64_t now_ms)
{
	struct nct_slot	*s;
	uint32_t	 i;

	/* a walk of the window per bulk send was most of chatd's time */
	if (!n->confirmed || n->nresend == 0)
		return;
	tokens_fill(n, now_ms);
	for (i = n->send_start; i != n->send_end && n->nresend > 0; i++) {
		s = send_slot(n, i);
		if (!(s->flags & NCT_F_RESEND))
			continue;
		if (s->flags & NCT_F_BULK) {
			if (!has_token(n))
				continue;
			n->tokens -= 1.0;
		}
		s->flags = (s->flags & ~NCT_F_RESEND) | NCT_F_AGAIN;
		n->nresend--;
		s->sent_ms = now_ms;
		n->stats.resent++;
		/* what the link carried, as c-toxcore's requested rate */
		n->hist_sent[n->hist_pos]++;
		emit(n, i, s->data, s->len);
	}
}

/*
 * The time of a call, never before the latest one a caller gave.  A
 * caller's time can be older than one a nested call gave (chatd read the
 * clock, then a packet's delivery sent a reply with a fresher reading);
 * the sample clock had then gone "backwards", its difference wrapped,
 * and the path was learnt again from slow start in the middle of a
 * transfer.
 */
static uint64_t
clock_at(struct nct *n, uint64_t now_ms)
{
	if (now_ms < n->now_ms)
		return n->now_ms;
	n->now_ms = now_ms;
	return now_ms;
}

void
nct_init(struct nct *n, const struct nct_cb *cb, uint64_t now_ms)
{
	memset(n, 0, sizeof(*n));
	n->cb = *cb;
	n->rtt_ms = NCT_RTT_START_MS;
	n->rate = NCT_RATE_MIN;
	n->tokens = NCT_QUEUE_MIN;
	n->tok_ms = now_ms;
	n->hist_ms = now_ms;
	n->cnt_set_ms = now_ms;
	n->now_ms = now_ms;
	n->heard_ms = now_ms;
}

int64_t
nct_send(struct nct *n, const uint8_t *data, size_t len, int bulk,
    uint64_t now_ms)
{
	struct nct_slot	*s;
	uint32_t	 num;

	if (n->killed || len == 0 || len > NC_DATA_MAX ||
	    nc_data_id_class(data[0]) != NC_CLASS_LOSSLESS)
		return -1;
	if (n->send_end - n->send_start >= NCT_SEND_SLOTS -
	    (bulk ? NCT_BULK_RESERVE : 0))
		return -1;
	now_ms = clock_at(n, now_ms);
	samples_advance(n, now_ms);
	if (bulk) {
		/* what the peer waits for goes first, or it starves */
		resend(n, now_ms);
		if (!has_token(n))
			return -1;
		n->tokens -= 1.0;
	}
	num = n->send_end++;
	s = send_slot(n, num);
	memcpy(s->data, data, len);
	s->len = (uint16_t)len;
	s->flags = bulk ? NCT_F_BULK : 0;
	s->sent_ms = now_ms;
	n->stats.sent++;
	n->hist_sent[n->hist_pos]++;
	emit(n, num, s->data, s->len);
	return num;
}

int
nct_send_lossy(struct nct *n, const uint8_t *data, size_t len)
{
	if (n->killed || len == 0 || len > NC_DATA_MAX ||
	    nc_data_id_class(data[0]) != NC_CLASS_LOSSY)
		return -1;
	emit(n, n->send_end, data, len);
	return 0;
}

/*
 * Frees our packets below the peer's buffer_start, reporting each.  The
 * sample for the RTT is the send time of the latest of them sent once and
 * not yet confirmed: it arrived just before the peer's ack went out.
 * (c-toxcore takes the oldest's, which adds the wait for the peer's next
 * request, up to its 50 ms and more, to every sample.)
 */
static void
ack_upto(struct nct *n, uint32_t bs, uint64_t *rtt_from, int *rtt_ok)
{
	struct nct_slot	*s;
	uint32_t	 num;

	while (n->send_start != bs) {
		s = send_slot(n, n->send_start);
		if (!(s->flags & NCT_F_HAVE))
			n->hist_acked[n->hist_pos]++;
		if (!(s->flags & (NCT_F_RESEND | NCT_F_HAVE | NCT_F_AGAIN)) &&
		    (!*rtt_ok || s->sent_ms > *rtt_from)) {
			*rtt_from = s->sent_ms;
			*rtt_ok = 1;
		}
		s->len = 0;
		if (s->flags & NCT_F_RESEND)
			n->nresend--;
		s->flags = 0;
		num = n->send_start++;
		if (n->cb.acked != NULL)
			n->cb.acked(n->cb.arg, num);
	}
}

/*
 * How long after its last send a packet the peer asks for goes again.
 * c-toxcore waits the smallest RTT it saw; behind queues (ours are six
 * processes deep) that is far below what a packet takes, and every
 * request resent again what was still on its way.  The smoothed RTT
 * covers the queue; the smallest is the floor.
 */
static uint64_t
resend_after(const struct nct *n)
{
	return n->srtt_ms > n->rtt_ms ? n->srtt_ms : n->rtt_ms;
}

/* A request from the peer: 0, or -1 if it does not parse. */
static int
take_request(struct nct *n, const struct nc_data *d, uint64_t now_ms,
    uint64_t *rtt_from, int *rtt_ok)
{
	struct nct_slot	*s;
	uint32_t	 i;
	uint16_t	 j = 0;

	if (nc_req_parse(d->data, d->len, n->send_start, n->send_end,
	    &n->req) == -1)
		return -1;
	for (i = n->send_start; i != n->req.walk_end; i++) {
		s = send_slot(n, i);
		if (j < n->req.n && n->req.num[j] == i) {
			j++;
			/* c-toxcore: not what it already said it has */
			if (s->flags & NCT_F_HAVE)
				continue;
			/*
			 * Lost once, not at every request that lists it
			 * again while it waits for a token: a backlog of
			 * 1371 counted at each request made every sample a
			 * loss event, and the rate never left its floor.
			 */
			if (s->sent_ms + resend_after(n) < now_ms &&
			    !(s->flags & NCT_F_RESEND)) {
				n->nresend++;
				s->flags |= NCT_F_RESEND;
				n->hist_lost[n->hist_pos]++;
			}
			continue;
		}
		if (s->flags & NCT_F_HAVE)
			continue;
		/* the latest send among what it now has, for the RTT */
		if (!(s->flags & (NCT_F_RESEND | NCT_F_AGAIN)) &&
		    (!*rtt_ok || s->sent_ms > *rtt_from)) {
			*rtt_from = s->sent_ms;
			*rtt_ok = 1;
		}
		if (s->flags & NCT_F_RESEND)
			n->nresend--;
		s->flags = (s->flags & (NCT_F_BULK | NCT_F_AGAIN)) |
		    NCT_F_HAVE;
		n->hist_acked[n->hist_pos]++;
	}
	return 0;
}

/* c-toxcore's set_buffer_end: forward only, within its 32768. */
static void
recv_end_to(struct nct *n, uint32_t num)
{
	if (num - n->recv_start > NC_BUFFER_SLOTS ||
	    num - n->recv_end > NC_BUFFER_SLOTS)
		return;
	n->recv_end = num;
}

/* A lossless packet: -1 if outside our window or a duplicate. */
static int
take_lossless(struct nct *n, const struct nc_data *d)
{
	struct nct_slot	*s;
	uint32_t	 off = d->number - n->recv_start;

	if (off >= NCT_RECV_SLOTS)
		return -1;
	s = recv_slot(n, d->number);
	if (s->len != 0)
		return -1;
	memcpy(s->data, d->data, d->len);
	s->len = d->len;
	if (off >= n->recv_end - n->recv_start)
		n->recv_end = d->number + 1;
	n->cnt++;
	n->since_req++;
	while ((s = recv_slot(n, n->recv_start))->len != 0) {
		n->recv_start++;
		n->stats.delivered++;
		/* the slot stays filled until the callback is done with it */
		n->cb.deliver(n->cb.arg, s->data, s->len);
		s->len = 0;
	}
	return 0;
}

int
nct_recv(struct nct *n, const struct nc_data *d, uint64_t now_ms)
{
	enum nc_id_class cls;
	uint64_t	 rtt_from = 0, gap;
	uint32_t	 ahead, unacked;
	int		 rtt_ok = 0, stale = 0;

	if (n->killed || d->len == 0 || d->len > NC_DATA_MAX)
		goto drop;
	now_ms = clock_at(n, now_ms);
	samples_advance(n, now_ms);
	recv_rate_update(n, now_ms);
	cls = nc_data_id_class(d->data[0]);

	ahead = d->buffer_start - n->send_start;
	unacked = n->send_end - n->send_start;
	if (ahead > unacked) {
		/* behind us: a packet overtaken by a later one */
		if (n->send_start - d->buffer_start > NC_BUFFER_SLOTS)
			goto drop;
		stale = 1;
	} else if (ahead != 0)
		ack_upto(n, d->buffer_start, &rtt_from, &rtt_ok);

	if (cls == NC_CLASS_KILL) {
		n->killed = 1;
		return NCT_RECV_KILL;
	}
	n->confirmed = 1;
	n->heard_ms = now_ms;

	switch (cls) {
	case NC_CLASS_REQUEST:
		if (stale)
			goto drop;
		if (take_request(n, d, now_ms, &rtt_from, &rtt_ok) == -1)
			goto drop;
		recv_end_to(n, d->number);
		/*
		 * How close its acks come while it has ours to ack (an idle
		 * peer's, a second apart, say nothing of that): the least
		 * gap, as c-toxcore never sends two requests within 50 ms
		 * and ours acks every NCT_ACK_EVERY packets.  (A smoothed
		 * gap followed our peer's into a stall, where it acks on its
		 * timer only, and muted the rule: its sender then overran
		 * its own queues and collapsed on the bench's lossy link.)
		 */
		if (n->req_in_busy && unacked > 0) {
			gap = now_ms - n->req_in_ms;
			if (!n->ack_gap_set || gap < n->ack_gap_ms)
				n->ack_gap_ms = gap;
			n->ack_gap_set = 1;
		}
		n->req_in_ms = now_ms;
		n->req_in_busy = unacked > 0;
		break;
	case NC_CLASS_LOSSLESS:
		if (take_lossless(n, d) == -1)
			goto drop;
		/* the ack a fast sender's window waits for (NCT_ACK_EVERY) */
		if (n->since_req >= NCT_ACK_EVERY)
			send_request(n, now_ms);
		break;
	case NC_CLASS_LOSSY:
		recv_end_to(n, d->number);
		n->stats.delivered++;
		n->cb.deliver(n->cb.arg, d->data, d->len);
		break;
	default:
		/* c-toxcore took the ack and the confirmation, not the data */
		goto drop;
	}
	if (rtt_ok && now_ms >= rtt_from) {
		if (now_ms - rtt_from < n->rtt_ms)
			n->rtt_ms = now_ms - rtt_from;
		if (n->hist_rtt_n[n->hist_pos]++ == 0 ||
		    now_ms - rtt_from < n->hist_rtt_min[n->hist_pos])
			n->hist_rtt_min[n->hist_pos] = now_ms - rtt_from >
			    UINT32_MAX ? UINT32_MAX : (uint32_t)(now_ms -
			    rtt_from);
		/* an eighth of each sample, as TCP's SRTT */
		n->srtt_ms = n->srtt_set ? (7 * n->srtt_ms + (now_ms -
		    rtt_from)) / 8 : now_ms - rtt_from;
		n->srtt_set = 1;
	}
	if (cls == NC_CLASS_REQUEST)
		resend(n, now_ms);
	return NCT_RECV_OK;
drop:
	n->stats.dropped++;
	return NCT_RECV_DROP;
}

uint64_t
nct_tick(struct nct *n, uint64_t now_ms)
{
	uint64_t	due, at;

	if (n->killed)
		return now_ms + NCT_REQ_MAX_MS;
	now_ms = clock_at(n, now_ms);
	samples_advance(n, now_ms);
	recv_rate_update(n, now_ms);
	if (!n->req_sent || now_ms - n->req_last_ms >= req_interval(n))
		send_request(n, now_ms);
	resend(n, now_ms);
	due = n->req_last_ms + req_interval(n);
	if (due <= now_ms)
		due = now_ms + 1;
	if (bulk_waiting(n)) {
		at = nct_bulk_at(n, now_ms);
		if (at <= now_ms)
			at = now_ms + 1;
		if (at < due)
			due = at;
	}
	return due;
}

uint64_t
nct_bulk_at(struct nct *n, uint64_t now_ms)
{
	double		wait;
	uint64_t	w;

	now_ms = clock_at(n, now_ms);
	samples_advance(n, now_ms);
	if (has_token(n))
		return now_ms;
	wait = (1.0 - n->tokens) * 1000.0 / n->rate;
	w = (uint64_t)wait;
	if ((double)w < wait)
		w++;
	return now_ms + w;
}

int
nct_kill(struct nct *n)
{
	uint8_t	id = NC_ID_KILL;

	if (n->killed)
		return -1;
	emit(n, n->send_end, &id, 1);
	n->killed = 1;
	return 0;
}

size_t
nct_unacked(const struct nct *n)
{
	return n->send_end - n->send_start;
}

int
nct_was_acked(const struct nct *n, uint32_t num)
{
	return num - n->send_start > n->send_end - n->send_start;
}
