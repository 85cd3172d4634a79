/* Framing, descriptor passing and spec checks: see ipc.h. */
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "common/rd.h"
#include "ipc/ipc.h"

const struct ipc_spec *
ipc_spec(uint32_t type)
{
	if (type >= IPC_TYPE_MAX || ipc_catalogue[type].name == NULL)
		return NULL;
	return &ipc_catalogue[type];
}

const char *
ipc_type_name(uint32_t type)
{
	const struct ipc_spec	*s;

	return (s = ipc_spec(type)) == NULL ? "UNKNOWN" : s->name;
}

int
ipc_answers(uint32_t req, uint32_t ans)
{
	const struct ipc_spec	*s;
	size_t			 i;

	if ((s = ipc_spec(req)) == NULL)
		return 0;
	for (i = 0; i < IPC_MAX_ANSWERS && s->answers[i] != 0; i++)
		if (s->answers[i] == ans)
			return 1;
	return 0;
}

int
ipc_send(int s, uint16_t type, uint32_t id, const void *data, size_t len,
    int fd)
{
	struct ipc_hdr	 hdr;
	struct iovec	 iov[2];
	struct msghdr	 msg;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cmsgbuf;
	struct cmsghdr	*cmsg;
	ssize_t		 n;

	if (len > IPC_MAX_PAYLOAD) {
		errno = EMSGSIZE;
		return -1;
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.flags = fd == -1 ? 0 : IPC_F_FD;
	hdr.len = (uint32_t)len;
	hdr.id = id;
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)(uintptr_t)data;
	iov[1].iov_len = len;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = len > 0 ? 2 : 1;
	if (fd != -1) {
		memset(&cmsgbuf, 0, sizeof(cmsgbuf));
		msg.msg_control = cmsgbuf.buf;
		msg.msg_controllen = sizeof(cmsgbuf.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	do {
		n = sendmsg(s, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if ((size_t)n != sizeof(hdr) + len) {	/* SEQPACKET is atomic */
		errno = EPROTO;
		return -1;
	}
	return 0;
}

int
ipc_recv(int s, struct ipc_msg *m)
{
	static struct ipc_frame	f;
	int			rv;

	m->fd = -1;
	if ((rv = ipc_frame_recv(s, &f)) != 1)
		return rv;
	/* one message, alone in its frame: a cork is not one message */
	if ((rv = ipc_frame_next(&f, m)) != 1 || f.off != f.len) {
		if (rv == 1 && m->fd != -1)
			(void)close(m->fd);
		m->fd = -1;
		ipc_frame_done(&f);
		errno = EPROTO;
		return -1;
	}
	ipc_frame_done(&f);
	return 1;
}

int
ipc_frame_recv(int s, struct ipc_frame *f)
{
	struct iovec	 iov;
	struct msghdr	 msg;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) * 8)];
	} cmsgbuf;
	struct cmsghdr	*cmsg;
	ssize_t		 n;
	size_t		 nfds, i;
	int		 fds[8], bad = 0, nfd = 0;

	f->len = f->off = 0;
	f->fd = -1;
	f->more = 0;
	iov.iov_base = f->buf;
	iov.iov_len = sizeof(f->buf);
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsgbuf.buf;
	msg.msg_controllen = sizeof(cmsgbuf.buf);
	do {
		n = recvmsg(s, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if (n == 0 && msg.msg_controllen == 0)
		return 0;		/* orderly EOF */
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS) {
			bad = 1;
			continue;
		}
		nfds = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (nfds > 8)
			nfds = 8;
		memcpy(fds, CMSG_DATA(cmsg), nfds * sizeof(int));
		for (i = 0; i < nfds; i++, nfd++) {
			if (nfd == 0)
				f->fd = fds[i];
			else {
				(void)close(fds[i]);	/* more than one */
				bad = 1;
			}
		}
	}
	f->len = (size_t)n;
	if (bad || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
	    f->len < sizeof(struct ipc_hdr)) {
		ipc_frame_done(f);
		errno = EPROTO;
		return -1;
	}
	return 1;
}

int
ipc_frame_next(struct ipc_frame *f, struct ipc_msg *m)
{
	const struct ipc_spec	*s;
	struct ipc_hdr		 h;
	size_t			 left = f->len - f->off;

	m->fd = -1;
	if (left == 0 && f->off > 0 && !f->more)
		return 0;
	if (left < sizeof(h))
		goto proto;
	memcpy(&h, f->buf + f->off, sizeof(h));
	left -= sizeof(h);
	if ((h.flags & ~(IPC_F_FD | IPC_F_MORE)) != 0 || h.len > left)
		goto proto;
	/* more follows exactly when the header says so */
	if (((h.flags & IPC_F_MORE) != 0) != (h.len < left))
		goto proto;
	/* a descriptor only with a frame of one message */
	if (((h.flags & IPC_F_FD) != 0) != (f->fd != -1 && f->off == 0 &&
	    !(h.flags & IPC_F_MORE)))
		goto proto;
	if ((s = ipc_spec(h.type)) == NULL || (s->flags & IPC_S_SECRET))
		f->secret = 1;
	m->hdr = h;
	m->hdr.flags &= ~IPC_F_MORE;
	memcpy(m->data, f->buf + f->off + sizeof(h), h.len);
	f->off += sizeof(h) + h.len;
	f->more = (h.flags & IPC_F_MORE) != 0;
	if (h.flags & IPC_F_FD) {
		m->fd = f->fd;
		f->fd = -1;
	}
	return 1;
proto:
	errno = EPROTO;
	return -1;
}

void
ipc_frame_done(struct ipc_frame *f)
{
	if (f->fd != -1)
		(void)close(f->fd);
	f->fd = -1;
	/* the data path's sealed packets are no secret; what was not read
	 * (a frame cut short by bad framing) may be */
	if (f->secret || f->off < f->len)
		explicit_bzero(f->buf, f->len);
	f->len = f->off = 0;
	f->more = 0;
	f->secret = 0;
}

int
ipc_cork_add(uint8_t *cork, size_t cap, size_t *len, size_t *last,
    uint16_t type, uint32_t id, const void *p, size_t n)
{
	struct ipc_hdr	h;
	uint16_t	flags;

	if (n > IPC_MAX_PAYLOAD || *len > cap ||
	    cap - *len < sizeof(h) + n)
		return -1;
	if (*len > 0) {		/* the one before says another follows */
		memcpy(&flags, cork + *last + offsetof(struct ipc_hdr, flags),
		    sizeof(flags));
		flags |= IPC_F_MORE;
		memcpy(cork + *last + offsetof(struct ipc_hdr, flags), &flags,
		    sizeof(flags));
	}
	memset(&h, 0, sizeof(h));
	h.type = type;
	h.len = (uint32_t)n;
	h.id = id;
	*last = *len;
	memcpy(cork + *len, &h, sizeof(h));
	if (n > 0)
		memcpy(cork + *len + sizeof(h), p, n);
	*len += sizeof(h) + n;
	return 0;
}

int
ipc_send_frame(int s, const void *p, size_t len)
{
	struct iovec	iov;
	struct msghdr	msg;
	ssize_t		n;

	/* sendmsg, as ipc_send: every role's seccomp allows it */
	iov.iov_base = (void *)(uintptr_t)p;
	iov.iov_len = len;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	do {
		n = sendmsg(s, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if ((size_t)n != len) {			/* SEQPACKET is atomic */
		errno = EPROTO;
		return -1;
	}
	return 0;
}

int
ipc_check(const struct ipc_msg *m, enum role self, enum role peer,
    const char **why)
{
	const struct ipc_spec	*s;

	if ((s = ipc_spec(m->hdr.type)) == NULL) {
		*why = "unknown message type";
		return -1;
	}
	if ((s->edges & IPC_EDGE(peer, self)) == 0) {
		*why = "message type not permitted on this channel";
		return -1;
	}
	if (m->hdr.len < s->min || m->hdr.len > s->max) {
		*why = "bad payload length";
		return -1;
	}
	/* Requests and answers carry an id; notices do not. */
	if ((s->flags & IPC_S_ANSWER) || s->answers[0] != 0) {
		if (m->hdr.id == 0) {
			*why = "request or answer without an id";
			return -1;
		}
	} else if (m->hdr.id != 0) {
		*why = "notice with a request id";
		return -1;
	}
	if ((s->fd == IPC_FD_NONE && m->fd != -1) ||
	    (s->fd == IPC_FD_REQUIRED && m->fd == -1)) {
		*why = "bad descriptor count";
		return -1;
	}
	return 0;
}
