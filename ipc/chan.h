/*
 * A channel: one end of a SEQPACKET socketpair registered with the event
 * loop.  It sends HELLO (role, build id) when opened and requires the same
 * from the peer before anything else; it checks every received message
 * against the catalogue (ipc_check) before anything else sees it; it queues
 * sends that meet a full socket and flushes them on EPOLLOUT.  Any
 * violation closes the channel and calls on_close with the reason; the
 * process goes on.
 *
 * Dispatch is a table per channel, in the spirit of OpenSSH's monitor
 * table: each role declares, per peer, the types it handles, with flags
 * and a handler.  The channel does what every handler would repeat: the
 * reader over the payload, the wipe of secret payloads, closing the
 * channel on a malformed one, closing the descriptor a handler did not
 * take, and a burst budget per wakeup so one flooding peer cannot starve
 * the others.
 *
 * Requests always end.  chan_call() sends a request and gets exactly one
 * outcome: its reply (of a type the catalogue lists as an answer to it),
 * or a local ERROR (IPC_ERR_GONE) when the channel closes or the deadline
 * passes.  Request ids are unique in the process, so no answer can reach
 * a request it was not meant for, even across a peer's restart.
 */
#ifndef BULKHEAD_CHAN_H
#define BULKHEAD_CHAN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "common/loop.h"
#include "common/rd.h"
#include "common/role.h"
#include "ipc/ipc.h"

/* A peer that stops reading may not make us buffer without bound; every
 * queued message counts its header too, so empty ones add up. */
#define CHAN_MAX_QUEUED		(8u * 1024 * 1024)
/* Messages handled per wakeup before the loop serves other sources. */
#define CHAN_BURST		64
/*
 * A round's data-path messages (IPC_S_BATCH types) wait in a cork of this
 * many bytes and leave as one frame before the loop sleeps, or when the
 * cork is full, or before any other message (order is kept).  The
 * largest frame a peer reads: at 32 KiB, a fast file transfer made twice
 * the sendmsg/recvmsg calls and half again the context switches.
 */
#define CHAN_CORK_MAX		IPC_FRAME_MAX
/*
 * The data path carries datagrams: with this much queued for a peer that
 * is far behind, its messages are dropped (counted in shed), as a
 * congested link drops, never queued up to CHAN_MAX_QUEUED, which closes
 * the channel.  The transport above asks again for what it needs.
 */
#define CHAN_SHED_QUEUED	(4u * 1024 * 1024)
/* Requests in flight on one channel. */
#define CHAN_MAX_CALLS		256
/* A request's deadline when the caller gives none. */
#define CHAN_CALL_TIMEOUT_MS	60000

struct chan;

/* Handler flags. */
#define CH_ONCE		0x01	/* a second one is a protocol violation */
#define CH_GATED	0x02	/* the table's gate() decides first */

struct chan_handler {
	uint16_t	 type;
	unsigned	 flags;
	/*
	 * r reads the payload, m->hdr.id is the request id to answer (0 for a
	 * notice), m->fd a descriptor the handler may take (set it to -1).
	 * Returns 0, or -1 if the payload is malformed: the channel closes.
	 */
	int		(*fn)(struct chan *, struct ipc_msg *m, struct rd *r);
};

struct chan_table {
	const struct chan_handler	*rows;
	size_t				 nrows;
	/* For CH_GATED rows: NULL to go on, or why the request is refused
	 * now (answered with ERROR, code STATE). */
	const char			*(*gate)(struct chan *,
					    const struct ipc_msg *);
};

/*
 * What one end of a channel handles: the tables of its areas (the
 * profile's rows, the network's rows, ...), NULL-terminated.  A type in no
 * table is answered "not supported" (a request) or dropped (a notice).
 */
struct chan_tables {
	const struct chan_table	*t[8];
};

#define CHAN_ROWS(rows)	(rows), (sizeof(rows) / sizeof((rows)[0]))

struct chan_out;
struct chan_call;

struct chan {
	struct ev_src		 src;
	const char		*name;		/* for logs: "keyd" */
	enum role		 self, peer;
	int			 open;
	int			 hello_seen;
	unsigned		 gen;		/* bumped by every open */
	const struct chan_tables *tables;
	void			(*on_close)(struct chan *, const char *why);
	void			*arg;
	STAILQ_HEAD(, chan_out)	 outq;
	size_t			 queued;
	uint8_t			*cork;		/* CHAN_CORK_MAX, or NULL */
	size_t			 cork_len, cork_last;
	int			 cork_secret;	/* wiped once sent */
	TAILQ_ENTRY(chan)	 cork_entry;	/* while cork_len > 0 */
	TAILQ_HEAD(, chan_call)	 calls;
	size_t			 ncalls;
	uint8_t			 seen_once[IPC_TYPE_MAX / 8];
	uint64_t		 stray_answers;	/* late or unknown ids */
	uint64_t		 shed;		/* data-path messages dropped */
	/*
	 * Called when a send queue that had entries has emptied: a sender
	 * that held back for queued may go on.  Without it such a sender
	 * waits for some other event (chatd's files: the friend's next
	 * ack, which c-toxcore sends every 50-100 ms).  Set after
	 * chan_open, which clears it; it may send, not close.
	 */
	void			(*on_drained)(struct chan *);
};

void	chan_open(struct chan *, int fd, enum role self, enum role peer,
	    const struct chan_tables *,
	    void (*on_close)(struct chan *, const char *), void *arg);
/* Closes the descriptor, drops the queue, fails every request in flight
 * (each callback gets its ERROR), then calls on_close(why) once. */
void	chan_close(struct chan *, const char *why);

/*
 * Sends a request and arranges for exactly one call of cb: with the
 * answer, or with a local ERROR of code IPC_ERR_GONE if the channel closes
 * or timeout_ms (0: CHAN_CALL_TIMEOUT_MS) passes first.  cb may take the
 * answer's descriptor (m->fd = -1).  Returns 0, or -1 if the request could
 * not be sent (channel closed, or CHAN_MAX_CALLS in flight): then cb is
 * never called.
 */
int	chan_call(struct chan *, uint16_t type, const void *, size_t, int fd,
	    uint32_t timeout_ms,
	    void (*cb)(void *arg, struct ipc_msg *m, struct rd *r), void *arg);
int	chan_call_wr(struct chan *, uint16_t type, const struct wr *,
	    uint32_t timeout_ms,
	    void (*cb)(void *arg, struct ipc_msg *m, struct rd *r), void *arg);

/* A notice (id 0) or an answer (the request's id).  fd, if not -1, is
 * duplicated: the caller keeps its own.  Returns 0, or -1 if the channel
 * is closed or had to be closed. */
int	chan_send(struct chan *, uint16_t type, uint32_t id, const void *,
	    size_t, int fd);
/* Sends a payload built in a struct wr; fatal if the builder overflowed
 * (a bug on our side). */
int	chan_send_wr(struct chan *, uint16_t type, uint32_t id,
	    const struct wr *);
/* Answers; nothing is sent for id 0 (a notice expects no answer). */
int	chan_reply_ok(struct chan *, uint32_t id);
int	chan_reply_error(struct chan *, uint32_t id, uint16_t code,
	    const char *text);
/* Reads and handles all that a peer which has exited left unread (its
 * socket gets nothing new: bounded), before the channel is closed. */
void	chan_read_rest(struct chan *);
/* Sends what is queued, blocking; for a final message before exit. */
void	chan_flush(struct chan *);

#endif
