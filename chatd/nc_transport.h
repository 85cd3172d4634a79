/*
 * The lossless transport above net_crypto data packets (map §7), one
 * struct nct per connected friend, as c-toxcore 0.2.18's net_crypto.c
 * runs it.  keyd seals and opens the 0x1b packets; this engine decides
 * what goes into them: it hands out (buffer_start, number, id || data)
 * tuples through emit and takes opened ones (struct nc_data) in nct_recv.
 *
 * Send side: lossless packets (ids 16-191) get consecutive numbers from 0
 * (u32, wrapping) and stay in the send window until the peer's
 * buffer_start passes them; that is the receipt (gotcha 12), reported in
 * order through acked.  The window holds NCT_SEND_SLOTS packets, bulk
 * ones all but NCT_BULK_RESERVE of them; a send when it is full returns
 * -1 and the caller queues.  Every packet we emit
 * carries our receive buffer_start (our ack) and a number: its lossless
 * number, or our send buffer_end for lossy, request and kill packets
 * (gotcha 18: the peer sets its receive end from it).
 *
 * Receive side: lossless numbers outside [recv_start, recv_start +
 * NCT_RECV_SLOTS) and duplicates are dropped (our window is smaller than
 * c-toxcore's 32768 to bound memory; what we drop the peer is asked for
 * again once the window moves), lossless data is delivered strictly in
 * order, lossy data at once.  A request (id 1) frees what it says the
 * peer has and marks what it asks for to be sent again, but only if it
 * was last sent more than one RTT ago.  c-toxcore's RTT is 1000 ms at
 * first, then the smallest delay seen between sending a packet and its
 * ack; ours waits the larger of that and a smoothed RTT (an eighth of
 * each sample), because behind six processes' queues the smallest
 * resent what was still on its way.  (c-toxcore judges a request that came
 * over TCP by a fixed 500 ms instead; this engine is not told the path.)
 *
 * Requests are sent at once after nct_init (c-toxcore's first packet on a
 * new connection is one, and any data packet confirms a connection at
 * the peer), then at least every NCT_REQ_MAX_MS; once the peer has been
 * heard from, as often as c-toxcore's receive-rate rule says (50..1000
 * ms, faster while many packets come in).
 *
 * Congestion: like c-toxcore, only "bulk" packets (file data, later) are
 * rate-limited; other lossless packets, and any resend of one, leave at
 * once.  The bulk limit is a token bucket: it starts with NCT_QUEUE_MIN
 * tokens; its rate is recomputed every NCT_SAMPLE_MS as c-toxcore does:
 * the lossless packets sent over the last NCT_SAMPLES samples less what
 * the unacked queue grew by, times 1.2 (0.9 within NCT_CONGESTION_MS of
 * bulk resends waiting for tokens at the end of a sample), cut when more than NCT_QUEUE_MIN
 * packets wait for an ack and that is more than 2 s of the rate, never
 * below NCT_RATE_MIN packets a second.  Unlike c-toxcore we count every
 * lossless send, not only bulk ones, and do not look back one RTT, so
 * the rate is never lower than its.  Resends come before new bulk
 * packets.  A bulk send without a token returns -1;
 * nct_bulk_at() says when one will be there; bulk resends wait for
 * tokens too.
 *
 * Pure: no I/O, no clock (now_ms is monotonic milliseconds), no
 * allocation; the struct holds both windows (about 11 MB: allocate it).
 * Callbacks may call nct_send and nct_send_lossy on the same engine, not
 * nct_recv, nct_tick or nct_kill.
 */
#ifndef BULKHEAD_CHATD_NC_TRANSPORT_H
#define BULKHEAD_CHATD_NC_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "common/nc_data.h"

/*
 * A bulk sender has at most a window in flight, and the ack for a packet
 * comes back through six processes (chatd, keyd, netd, each way): the
 * bench measured 60 MB/s on loopback with 1024 packets, 96 with 4096,
 * where the CPUs, not the window, held it.  (256 with acks every 50 ms
 * capped a file at 7 MB/s.)  The struct is calloc'd (mmap for its size):
 * a window's pages stay untouched, not resident, until a transfer fills
 * them; a friend that sent or received a large file holds about 11 MB
 * until its connection ends.
 */
#define NCT_SEND_SLOTS		4096	/* c-toxcore: 32768; not above ours to take */
/*
 * Bulk packets never take the window's last NCT_BULK_RESERVE slots
 * (c-toxcore's MIN_SLOTS_FREE): a file that fills the window must leave
 * room for an ALIVE, a file control, a message.  c-toxcore counts a
 * friend alive only by its ALIVE packets and ends the connection after
 * 32 s without one: a sender whose window stays full would be cut off.
 */
#define NCT_BULK_RESERVE	16	/* CRYPTO_MIN_QUEUE_LENGTH / 4 */
#define NCT_RECV_SLOTS		4096	/* c-toxcore: 32768 */
#define NCT_RTT_START_MS	1000	/* DEFAULT_PING_CONNECTION (UDP) */
#define NCT_REQ_MAX_MS		1000	/* CRYPTO_SEND_PACKET_INTERVAL */
#define NCT_REQ_MIN_MS		50	/* PACKET_COUNTER_AVERAGE_INTERVAL */
#define NCT_REQ_CONSTANT	12.5	/* REQUEST_PACKETS_COMPARE_CONSTANT */
#define NCT_SAMPLE_MS		50	/* PACKET_COUNTER_AVERAGE_INTERVAL */
#define NCT_SAMPLES		12	/* CONGESTION_QUEUE_ARRAY_SIZE */
#define NCT_RATE_MIN		4.0	/* CRYPTO_PACKET_MIN_RATE, pkt/s */
#define NCT_QUEUE_MIN		64	/* CRYPTO_MIN_QUEUE_LENGTH */
#define NCT_CONGESTION_MS	1000	/* CONGESTION_EVENT_TIMEOUT */
#define NCT_QUEUE_RATIO		2.0	/* SEND_QUEUE_RATIO, seconds */
/*
 * Ours, not c-toxcore's: a receiver acks (sends a request) after this
 * many lossless packets, not only on the request timer, so a fast
 * sender's window moves many times per 50 ms; and a sender with no
 * congestion event for NCT_CONGESTION_MS doubles its bulk rate each
 * sample (slow start) instead of growing it by a fifth.
 *
 * A congestion event is a loss rate, not a loss: more than
 * NCT_LOSS_CONGESTED of what went out over the last NCT_LOSS_SAMPLES
 * samples asked for again, and at least NCT_LOSS_EVENTS packets (so one
 * loss in a trickle is not a rate); or a queue: the least RTT of those
 * samples NCT_QUEUE_DELAY_MS above the least ever (and a quarter of it,
 * and the least gap between the peer's acks: c-toxcore acks every 50 ms
 * or more, and the wait for its ack read as a queue that deep).
 * A link that drops 1 % at random (radio, a long path) is not full, and
 * c-toxcore's rule, which stops growing at any resend that waits, crawls
 * there; a queue overflowing drops far more than 5 % of a sender that
 * overshoots it; and a queue that c-toxcore's flow shares with ours must
 * not stay full, or c-toxcore's gets next to nothing (see rate_update).
 */
#define NCT_ACK_EVERY		64
#define NCT_SLOW_START		2.0
#define NCT_SLOW_START_MAX	3.0	/* ... and at most this times what
					   the peer took */
#define NCT_LOSS_CONGESTED	0.05
#define NCT_LOSS_EVENTS		8
#define NCT_LOSS_SAMPLES	4
#define NCT_QUEUE_DELAY_MS	10	/* ... or a queue this deep (ms) */
#define NCT_DELAY_SAMPLES	4	/* ... seen in this many RTTs */
#define NCT_DRAIN		0.9
#define NCT_PROBE		1.25
#define NCT_PROBE_STEP		1.05	/* ... at most, a sample, once an
					   event was seen */
#define NCT_PROBE_NEAR		1.01	/* ... and past what the peer took
					   at the last event */
/*
 * Nothing at all from the peer for this long while it has our packets
 * to ack: a silence, which says nothing of the path, and the bulk rate
 * stays as it was (see rate_update).  c-toxcore acks every 50 ms or
 * more while it takes more than 4 packets a second, and only every
 * second once it takes fewer.
 */
#define NCT_SILENT_MS		150
/*
 * A peer whose acks are at least this far apart while it has ours to
 * ack (c-toxcore: 50 ms, by request only) acks in clumps: a congestion
 * event cuts to the mean of what it took, not the best of the samples
 * (see rate_update).  Ours ack every NCT_ACK_EVERY packets.
 */
#define NCT_SPARSE_ACK_MS	20

/*
 * What the bulk rate was made of as a sample closed: the controller's
 * trace (nct_cb.sample), for a debug log.  Samples with no traffic and
 * no event are not reported.
 */
enum nct_event {
	NCT_EV_NONE = 0,
	NCT_EV_LOSS,		/* a congestion event: a loss rate */
	NCT_EV_DELAY,		/* ... a queue */
	NCT_EV_HOLD,		/* the last event's cut still stands */
	NCT_EV_SILENT,		/* the peer silent: the rate kept */
};

struct nct_sample {
	uint64_t	at_ms;		/* the sample closed */
	double		rate;		/* the bulk rate now, packets a second */
	double		was;		/* ... before */
	double		deliv;		/* what the peer took (the best pair) */
	uint32_t	sent, acked, lost;	/* in this sample */
	uint32_t	queue;		/* unacked as it closed */
	uint32_t	rtt_min;	/* this sample's least RTT; 0: none */
	uint64_t	rtt_ms, srtt_ms;	/* the least ever, smoothed */
	uint64_t	ack_gap_ms;	/* see delay_congested */
	enum nct_event	event;
};

struct nct_cb {
	/* a packet leaves: keyd seals it (one nonce each: order matters) */
	void	(*emit)(void *arg, uint32_t buffer_start, uint32_t number,
		    const uint8_t *data, size_t len);
	/* lossless (in order) and lossy id || data from the peer */
	void	(*deliver)(void *arg, const uint8_t *data, size_t len);
	/* the peer's buffer_start passed our lossless packet number */
	void	(*acked)(void *arg, uint32_t number);
	void	*arg;
	/* optional (NULL): each sample the bulk rate was computed from */
	void	(*sample)(void *arg, const struct nct_sample *);
};

struct nct_slot {
	uint64_t	sent_ms;	/* last (re)sent; send window only */
	uint16_t	len;		/* of id || data; 0: slot free */
	uint8_t		flags;		/* NCT_F_* */
	uint8_t		data[NC_DATA_MAX];
};

struct nct_stats {
	uint64_t	sent;		/* lossless, first sends */
	uint64_t	resent;
	uint64_t	requests;	/* request packets emitted */
	uint64_t	delivered;	/* lossless and lossy */
	uint64_t	dropped;	/* packets nct_recv refused */
	uint64_t	cong_loss;	/* congestion events: a loss rate */
	uint64_t	cong_delay;	/* ... a queue */
	uint64_t	relearned;	/* slow start again after quiet */
};

struct nct {
	struct nct_cb	cb;
	int		killed;		/* either side sent a kill */
	int		confirmed;	/* heard a valid packet from the peer */
	uint64_t	now_ms;		/* the latest time a caller gave */

	uint32_t	send_start;	/* oldest unacked lossless number */
	uint32_t	send_end;	/* the next lossless number */
	uint32_t	recv_start;	/* every packet below it delivered */
	uint32_t	recv_end;	/* our view of the peer's send_end */

	uint64_t	rtt_ms;		/* the smallest seen (c-toxcore's) */
	uint64_t	srtt_ms;	/* smoothed: resends wait this long */
	int		srtt_set;
	uint64_t	req_last_ms;
	int		req_sent;	/* a request went out at req_last_ms */
	uint64_t	heard_ms;	/* the peer's last packet came */
	uint64_t	req_in_ms;	/* the peer's last request came ... */
	int		req_in_busy;	/* ... while ours were unacked */
	uint64_t	ack_gap_ms;	/* the least gap between two such */
	int		ack_gap_set;

	/* the peer's lossless packet rate, for the request interval */
	uint64_t	cnt_set_ms;
	uint32_t	cnt;
	double		recv_rate;

	/* the bulk token bucket */
	double		rate;		/* packets a second */
	double		tokens;
	uint64_t	tok_ms;		/* tokens last topped up */
	uint64_t	cong_ms;	/* the last congestion event */
	int		cong;		/* cong_ms is set */
	int		cong_seen;	/* since the path was last quiet */
	double		cong_took;	/* what the peer took at the last
					   event, packets a second */
	uint32_t	since_req;	/* lossless taken since our request */
	uint32_t	nresend;	/* send slots flagged for a resend */
	uint32_t	hist_sent[NCT_SAMPLES];	/* sends per sample */
	uint32_t	hist_lost[NCT_SAMPLES];	/* resends asked for */
	uint32_t	hist_acked[NCT_SAMPLES]; /* the peer confirmed */
	uint32_t	hist_rtt_min[NCT_SAMPLES]; /* the least RTT, ms */
	uint32_t	hist_rtt_n[NCT_SAMPLES];   /* ... of this many */
	uint32_t	hist_q[NCT_SAMPLES];	/* unacked as each closed */
	unsigned	hist_pos;
	uint64_t	hist_ms;	/* the current sample began */

	struct nct_stats stats;
	struct nc_req	req;		/* scratch for nct_recv */
	struct nct_slot	send[NCT_SEND_SLOTS];
	struct nct_slot	recv[NCT_RECV_SLOTS];
};

/* What nct_recv did with a packet. */
enum nct_recv_ret {
	NCT_RECV_DROP = -1,	/* refused: changed nothing or only the ack */
	NCT_RECV_OK = 0,
	NCT_RECV_KILL = 1,	/* the peer closed the connection */
};

/*
 * Readies n for a connection whose keys were just set (numbers from 0).
 * cb is copied.  Call nct_tick() next: it sends the first request.
 */
void	nct_init(struct nct *n, const struct nct_cb *cb, uint64_t now_ms);

/*
 * Queues and emits a lossless packet (data[0] an id 16..191, len
 * 1..NC_DATA_MAX).  Returns its number (0..UINT32_MAX), or -1 when the
 * send window is full, the bucket has no token for a bulk packet, the
 * connection was killed, or the packet is not lossless.
 */
int64_t	nct_send(struct nct *n, const uint8_t *data, size_t len, int bulk,
	    uint64_t now_ms);

/* Emits a lossy packet (id 192..254) at once: 0, or -1 if it is not one. */
int	nct_send_lossy(struct nct *n, const uint8_t *data, size_t len);

/*
 * Takes an opened data packet.  Returns enum nct_recv_ret.  A buffer_start
 * ahead of our send_end drops the packet (c-toxcore does); one behind our
 * send_start (a reordered packet) is an old ack: ignored, and the packet
 * is used unless it is a request, whose gaps count from that old ack.
 */
int	nct_recv(struct nct *n, const struct nc_data *d, uint64_t now_ms);

/*
 * Sends what is due (a request; resends that waited for bulk tokens) and
 * returns the next deadline (> now_ms) at which to call it again.
 */
uint64_t nct_tick(struct nct *n, uint64_t now_ms);

/* 1 if the peer's least ack gap is NCT_SPARSE_ACK_MS or more. */
int	nct_acks_sparse(const struct nct *n);

/* When a bulk nct_send will have a token: now_ms if it has one now. */
uint64_t nct_bulk_at(struct nct *n, uint64_t now_ms);

/*
 * Emits a kill packet (id 2) and stops the engine: later sends fail,
 * received packets are dropped.  0, or -1 if it was already killed.
 */
int	nct_kill(struct nct *n);

/* Lossless packets sent and not yet acked. */
size_t	nct_unacked(const struct nct *n);

/* Whether lossless number num was acked (c-toxcore's cryptpacket_received). */
int	nct_was_acked(const struct nct *n, uint32_t num);

#endif
