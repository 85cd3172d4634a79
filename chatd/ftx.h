/*
 * The file transfers with one friend (map §8; c-toxcore 0.2.18
 * Messenger.c new_filesender, file_control, file_seek, send_file_data,
 * do_all_filetransfers, handle_filecontrol and the FILE_DATA case of
 * m_handle_packet), as a pure engine: FTX_SLOTS transfers we send
 * ("out") and FTX_SLOTS we receive ("in"), numbered as on the wire.
 *
 * A transfer we send: ftx_offer() -> OFFERED (a FILE_SENDREQUEST) ->
 * the friend's accept -> RUNNING: chunks of FILE_CHUNK bytes, asked of
 * the glue through cb.read, the last one short; a known size that is a
 * multiple of FILE_CHUNK ends on a full chunk (send_file_data: no empty
 * chunk follows), size 0 sends one empty chunk, a stream of unknown size
 * ends with the first short read (0 bytes: an empty chunk) -> FINISHED
 * until the transport acknowledges that last packet (ftx_acked), then
 * FTX_EV_DONE and the slot is free.  The friend may seek (only before
 * it accepts, to a position below the size): we start there.
 *
 * A transfer we receive: the friend's request -> FTX_EV_OFFER, OFFERED;
 * ftx_accept() (with a seek position to resume from the bytes the glue
 * has: the offer's file id tells which file it is) -> RUNNING: each
 * FILE_DATA goes to cb.write at the running offset; it ends with
 * FTX_EV_DONE when the bytes reach the size, or with a short chunk for a
 * stream.  A chunk that goes beyond the size (a size that lies) or a
 * short chunk before it (truncation) kills the transfer; c-toxcore would
 * cut the data at the size, or end there without a word.
 *
 * Controls, either direction: pause and resume (the accept control on a
 * running transfer), each side pausing and resuming its own; data flows
 * only when neither side holds it paused.  A kill from either side frees
 * the slot; the friend's kill that crossed ours comes for a number our
 * offers take again only after all the others (ftx_offer), so it finds
 * the slot free, not a new transfer.  Controls and data for a slot that
 * is free are ignored
 * (c-toxcore answers a control with a kill; we do not, so two of us never
 * ping-pong), and so are controls that make no sense in the state (a
 * pause while paused, a seek after the accept, a resume not paused).
 * ftx_reset() (the friend went offline) drops everything, FTX_EV_KILLED
 * for each transfer.
 *
 * Packets go out through cb.send, which may refuse (the transport's
 * window or its bulk token bucket is full): what was refused is kept
 * (controls and requests in per-slot flags, in the order the friend must
 * see them; data is asked for again) and goes when the glue calls
 * ftx_pump(), after an acknowledgement or when a bulk token is due.
 * Controls go before any data.  Every entry point pumps once itself.
 *
 * Events (cb.event) tell the glue what the friend or the engine did, not
 * what the caller did itself through the API.
 *
 * Pure: no I/O (the callbacks do it), no clock (nothing here times out:
 * c-toxcore has no file timers either), no allocation; the struct is
 * about 150 kB (allocate it).  The event callback may call ftx_offer,
 * ftx_accept, ftx_pause, ftx_resume and ftx_kill (to decline an offer
 * at once, say): from inside they only mark the slot, and the engine
 * sends what they owe before it returns.  No callback may call
 * ftx_recv, ftx_acked or ftx_reset, and cb.send must not acknowledge
 * from inside itself.
 */
#ifndef BULKHEAD_CHATD_FTX_H
#define BULKHEAD_CHATD_FTX_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "chatd/file_wire.h"

#define FTX_SLOTS	256	/* MAX_CONCURRENT_FILE_PIPES */
#define FTX_BURST	8	/* chunks per transfer per round */

enum ftx_state {
	FTX_FREE = 0,
	FTX_OFFERED,		/* request sent or received, not accepted */
	FTX_RUNNING,		/* accepted: data flows unless paused */
	FTX_FINISHED,		/* out: last chunk sent, not yet acked */
	FTX_KILLING,		/* killed by us, the kill not yet sent */
};

#define FTX_PAUSED_US	0x01	/* FILE_PAUSE_US */
#define FTX_PAUSED_THEM	0x02	/* FILE_PAUSE_OTHER */

enum ftx_ev_type {
	FTX_EV_OFFER = 1,	/* in: the friend offers a file (ev.req) */
	FTX_EV_ACCEPTED,	/* out: the friend accepted, from ev.pos */
	FTX_EV_PAUSED,		/* the friend paused */
	FTX_EV_RESUMED,		/* the friend resumed */
	FTX_EV_KILLED,		/* gone: ev.why says why */
	FTX_EV_PROGRESS,	/* a chunk went out or came in: ev.pos */
	FTX_EV_DONE,		/* out: the friend has it all; in: all here */
};

enum ftx_why {
	FTX_WHY_NONE = 0,
	FTX_WHY_PEER,		/* the friend killed (or declined) it */
	FTX_WHY_LIE,		/* in: data beyond the size offered */
	FTX_WHY_SHORT,		/* in: a short chunk before the size */
	FTX_WHY_IO,		/* cb.read or cb.write failed */
	FTX_WHY_OFFLINE,	/* ftx_reset: the friend went offline */
};

struct ftx_event {
	enum ftx_ev_type	type;
	int			out;	/* 1: a transfer we send */
	uint8_t			slot;
	enum ftx_why		why;	/* KILLED */
	uint64_t		pos;	/* bytes done (ACCEPTED: the start) */
	uint64_t		size;	/* as offered; FILE_SIZE_UNKNOWN */
	const struct file_req	*req;	/* OFFER: kind, size, id, name */
};

struct ftx_cb {
	/*
	 * A lossless packet (id || payload) to the friend; bulk is 1 for
	 * FILE_DATA (rate-limited by the transport).  Returns the packet's
	 * transport number (>= 0), or -1: refused, try again on ftx_pump.
	 */
	int64_t	(*send)(void *arg, const uint8_t *p, size_t len, int bulk);
	/*
	 * Up to max bytes of outgoing file slot from offset into buf.
	 * Returns the count: for a known size exactly what was asked, for
	 * a stream fewer only at its end; -1 kills the transfer (IO).
	 */
	ssize_t	(*read)(void *arg, unsigned slot, uint64_t offset,
		    uint8_t *buf, size_t max);
	/* Bytes of incoming file slot at offset: 0, or -1 kills it (IO). */
	int	(*write)(void *arg, unsigned slot, uint64_t offset,
		    const uint8_t *p, size_t n);
	void	(*event)(void *arg, const struct ftx_event *);
	void	*arg;
};

struct ftx_slot {
	uint8_t		state;		/* enum ftx_state */
	uint8_t		paused;		/* FTX_PAUSED_* */
	uint8_t		pend;		/* packets owed to the friend */
	uint32_t	kind;
	uint64_t	size;
	uint64_t	pos;		/* bytes sent or received */
	uint32_t	last_num;	/* out, FINISHED: the last chunk's */
	uint8_t		id[FILE_ID_LEN];
	uint16_t	name_len;	/* out: kept until the request goes */
	uint8_t		name[FILE_NAME_MAX];
};

struct ftx_stats {
	uint64_t	ignored;	/* packets for no slot or out of state */
	uint64_t	dropped;	/* file packets that did not parse */
	uint64_t	chunks_out;
	uint64_t	chunks_in;
};

struct ftx {
	struct ftx_cb	cb;
	unsigned	rr;		/* the next outgoing slot to serve */
	unsigned	next_out;	/* where ftx_offer looks first */
	unsigned	depth;		/* API calls under way (callbacks) */
	/* a chunk read for slot held - 1 at held_pos, its send refused */
	unsigned	held;
	uint64_t	held_pos;
	size_t		held_len;
	struct ftx_stats stats;
	struct ftx_slot	out[FTX_SLOTS];
	struct ftx_slot	in[FTX_SLOTS];
	/* the slots not free, a bit each ([out]): the walks skip the rest */
	uint64_t	live[2][FTX_SLOTS / 64];
	uint8_t		chunk[FILE_CHUNK];
	uint8_t		pkt[NC_DATA_MAX];
	struct file_pkt	parsed;
	struct file_req	req;
};

/* Readies e with every slot free; cb is copied. */
void	ftx_init(struct ftx *e, const struct ftx_cb *cb);

/*
 * Offers a file: kind (FILE_KIND_*), its size (FILE_SIZE_UNKNOWN for a
 * stream), its file id (FILE_ID_LEN bytes, the glue's: the user's
 * earlier offer's or random, or the SHA-256 of an avatar; the same id
 * again lets the friend resume), a
 * name of 0..FILE_NAME_MAX bytes.  Returns the slot (0..255), or -1: no
 * slot free or the name is too long.  Slots are taken in turn (the first
 * free one after the last offered, wrapping), so a number just freed is
 * the last to be used again (see ftx_offer).
 */
int	ftx_offer(struct ftx *e, uint32_t kind, uint64_t size,
	    const uint8_t id[FILE_ID_LEN], const uint8_t *name, size_t len);

/*
 * Accepts an offered incoming file, from seek (0: from the start; else
 * a seek control goes first and writes start there, below the size).
 * 0, or -1: no such offer, or seek at or beyond the size.
 */
int	ftx_accept(struct ftx *e, unsigned slot, uint64_t seek);

/* Pauses a running transfer (out 1: ours): 0, or -1 if not running or
 * already paused by us. */
int	ftx_pause(struct ftx *e, int out, unsigned slot);
/* Resumes what we paused: 0, or -1 if we had not. */
int	ftx_resume(struct ftx *e, int out, unsigned slot);
/* Kills (or declines) a transfer: 0, or -1 if there is none. */
int	ftx_kill(struct ftx *e, int out, unsigned slot);

/*
 * A file packet from the friend (id || payload, as the transport
 * delivered it, in order).  Returns 0 if it was a file packet (used or
 * ignored), -1 if not one of ours (another id).
 */
int	ftx_recv(struct ftx *e, const uint8_t *p, size_t len);

/* The transport acknowledged its lossless packet number num. */
void	ftx_acked(struct ftx *e, uint32_t num);

/*
 * Sends what is owed and what the running transfers have, until cb.send
 * refuses or nothing is left.  Returns 1 if something waits (call again
 * when there is room), 0 if not.
 */
int	ftx_pump(struct ftx *e);

/* The friend went offline: every transfer is dropped (FTX_EV_KILLED,
 * FTX_WHY_OFFLINE, for each one the glue knows of). */
void	ftx_reset(struct ftx *e);

/* The state of a slot (FTX_FREE for a bad number), for the glue. */
const struct ftx_slot *ftx_slot(const struct ftx *e, int out, unsigned slot);

#endif
