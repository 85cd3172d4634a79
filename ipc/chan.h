/*
 * A channel: one end of a SEQPACKET socketpair registered with the event
 * loop.  It sends HELLO (role, build id) when opened and requires the same
 * from the peer before anything else; it checks every received message with
 * ipc_check() before the handler sees it; it queues sends that meet a full
 * socket and flushes them on EPOLLOUT.  Any violation closes the channel and
 * calls on_close with the reason; the process goes on.
 */
#ifndef BULKHEAD_CHAN_H
#define BULKHEAD_CHAN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "common/loop.h"
#include "common/role.h"
#include "ipc/ipc.h"

/* A peer that stops reading may not make us buffer without bound. */
#define CHAN_MAX_QUEUED		(8u * 1024 * 1024)

struct chan_out;

struct chan {
	struct ev_src		 src;
	const char		*name;		/* for logs: "keyd<->netd" */
	enum role		 self, peer;
	int			 open;
	int			 hello_seen;
	uint32_t		 next_id;
	/* m->fd, if the handler takes it, must be set to -1 by the handler. */
	void			(*on_msg)(struct chan *, struct ipc_msg *);
	void			(*on_close)(struct chan *, const char *why);
	void			*arg;
	STAILQ_HEAD(, chan_out)	 outq;
	size_t			 queued;
};

void	chan_open(struct chan *, int fd, enum role self, enum role peer,
	    void (*on_msg)(struct chan *, struct ipc_msg *),
	    void (*on_close)(struct chan *, const char *), void *arg);
/* Sends or queues; fd (if not -1) is duplicated, the caller keeps its own.
 * Returns 0, or -1 if the channel is closed or had to be closed. */
int	chan_send(struct chan *, uint16_t type, uint32_t id, const void *,
	    size_t, int fd);
/* Sends a payload built in a struct wr; -1 if the builder overflowed. */
struct wr;
int	chan_send_wr(struct chan *, uint16_t type, uint32_t id,
	    const struct wr *);
int	chan_reply_ok(struct chan *, uint32_t id);
int	chan_reply_error(struct chan *, uint32_t id, uint16_t code,
	    const char *text);
uint32_t chan_new_id(struct chan *);
/* Closes the descriptor and drops the queue; calls on_close(why) once. */
void	chan_close(struct chan *, const char *why);
/* Sends what is queued, blocking; for a final message before exit. */
void	chan_flush(struct chan *);

#endif
