/*
 * Typed, framed messages over SOCK_SEQPACKET socketpairs.
 *
 * One recvmsg() is one message: a fixed header {type, flags, len, id} in
 * host order (both ends are the same build, which the HELLO on every channel
 * proves) and a payload packed with struct wr and unpacked with struct rd,
 * one function pair per type.  Before any handler runs, ipc_check() holds
 * the message against its spec: known type, permitted sender and receiver,
 * length within [min, max], an fd exactly when the type carries one.  A
 * message that fails is a protocol violation: the receiver closes that
 * channel (the peer is presumed compromised) and never crashes.
 */
#ifndef BULKHEAD_IPC_H
#define BULKHEAD_IPC_H

#include <stddef.h>
#include <stdint.h>

#include "common/role.h"
#include "ipc/types.h"

#define IPC_MAX_PAYLOAD		(64 * 1024 - 16)
#define IPC_F_FD		0x0001	/* one descriptor rides along */
#define IPC_F_MORE		0x0002	/* another message follows in the frame */
#define IPC_BUILD_ID_LEN	32

struct ipc_hdr {
	uint16_t	type;
	uint16_t	flags;
	uint32_t	len;		/* payload bytes after the header */
	uint32_t	id;		/* request id; echoed by the reply */
};

struct ipc_msg {
	struct ipc_hdr	hdr;
	uint8_t		data[IPC_MAX_PAYLOAD];
	int		fd;		/* -1 when none */
};

enum ipc_fd_rule {
	IPC_FD_NONE = 0,
	IPC_FD_REQUIRED,
	IPC_FD_OPTIONAL,
};

/*
 * An edge is one direction of one channel: "sender -> receiver".  A type's
 * edges are a set of them, so NET_STATUS may go netd -> keyd and
 * keyd -> frontend without also being allowed netd -> frontend.
 */
_Static_assert(ROLE_MAX * ROLE_MAX <= 64, "edges must fit in 64 bits");
#define IPC_EDGE(from, to) \
	((uint64_t)1 << ((unsigned)(from) * ROLE_MAX + (unsigned)(to)))

#define IPC_S_SECRET	0x01	/* payload wiped after dispatch */
#define IPC_S_ANSWER	0x02	/* sent only as the reply to a request */
#define IPC_S_BATCH	0x04	/* the data path: corked into frames */

#define IPC_MAX_ANSWERS	3

/* One row of the catalogue (ipc/catalogue.c), indexed by type. */
struct ipc_spec {
	const char	*name;		/* NULL: no such type */
	const char	*what;		/* one line, for docs/IPC.md */
	uint64_t	 edges;		/* IPC_EDGE()s it may travel */
	uint32_t	 min, max;	/* payload length bounds */
	enum ipc_fd_rule fd;
	/* The types that answer it, 0-terminated; none: a notice, sent
	 * with id 0 and never answered. */
	uint16_t	 answers[IPC_MAX_ANSWERS + 1];
	unsigned	 flags;		/* IPC_S_* */
};

extern const struct ipc_spec	ipc_catalogue[IPC_TYPE_MAX];

/* The row of a type, or NULL if there is none.  O(1). */
const struct ipc_spec *ipc_spec(uint32_t type);
const char	*ipc_type_name(uint32_t type);
/* 1 if type `ans` may answer a request of type `req`. */
int		 ipc_answers(uint32_t req, uint32_t ans);

/*
 * Sends one message; fd is passed with SCM_RIGHTS unless -1 (the caller
 * keeps and closes its copy).  Returns 0, or -1 with errno (EAGAIN when the
 * socket is full; EMSGSIZE when len > IPC_MAX_PAYLOAD).
 */
int	ipc_send(int s, uint16_t type, uint32_t id, const void *, size_t, int fd);
/*
 * Receives one message into m, alone in its frame (channels read frames:
 * ipc_frame_recv; this is for a test's raw end).  Returns 1 for a message,
 * 0 at EOF, -1 with errno: EAGAIN (nothing now), EPROTO (malformed
 * framing: short, truncated, length mismatch, unknown flags, fd count
 * wrong, or a frame of several), or a socket error.  A received
 * descriptor is in m->fd (close-on-exec); on error none is left open.
 */
int	ipc_recv(int s, struct ipc_msg *m);
/*
 * A frame is what one recvmsg() reads: one message, or several packed back
 * to back (a sender's cork: the data path's many small messages of one
 * loop round leave in one system call).  Every header but the last carries
 * IPC_F_MORE; only a frame of one message may carry a descriptor.  Each
 * message of a frame is checked and dispatched as if it came alone.
 */
#define IPC_FRAME_MAX	(sizeof(struct ipc_hdr) + IPC_MAX_PAYLOAD)
struct ipc_frame {
	uint8_t		buf[IPC_FRAME_MAX];
	size_t		len;		/* bytes read */
	size_t		off;		/* the next message's header */
	int		fd;		/* -1 when none, or taken */
	int		more;		/* the last header said IPC_F_MORE */
	int		secret;		/* a message of it is IPC_S_SECRET */
};
/* Reads a frame: 1, 0 at EOF, -1 with errno as ipc_recv. */
int	ipc_frame_recv(int s, struct ipc_frame *);
/*
 * The frame's next message into m (its payload copied, the descriptor
 * handed over): 1, 0 at the frame's clean end, -1 (EPROTO) if the framing
 * is bad: a header cut short, a length past the end, unknown flags, a
 * descriptor with more than one message, a last header with IPC_F_MORE.
 */
int	ipc_frame_next(struct ipc_frame *, struct ipc_msg *m);
/* Drops a frame: closes a descriptor nobody took, wipes the bytes (those
 * of a frame read whole whose messages are none IPC_S_SECRET stay). */
void	ipc_frame_done(struct ipc_frame *);
/*
 * Appends a message to a cork of cap bytes holding *len (*last: where its
 * last header is, for IPC_F_MORE): 0, or -1 if it does not fit.
 */
int	ipc_cork_add(uint8_t *cork, size_t cap, size_t *len, size_t *last,
	    uint16_t type, uint32_t id, const void *, size_t);
/* Sends a cork as one frame: 0, or -1 with errno (EAGAIN: socket full). */
int	ipc_send_frame(int s, const void *, size_t);

/*
 * Checks a framed message against its spec for a channel on which self
 * receives from peer.  Returns 0, or -1 with a static reason in *why.
 */
int	ipc_check(const struct ipc_msg *, enum role self, enum role peer,
	    const char **why);

/* The build id compiled into this binary (hex of a hash of the sources). */
extern const uint8_t	ipc_build_id[IPC_BUILD_ID_LEN];

#endif
