/* IPC framing, spec checks, descriptor passing and channel behaviour. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/loop.h"
#include "ipc/chan.h"
#include "ipc/ipc.h"
#include "ipc/msg_core.h"

struct pair {
	int		sv[2];
	struct ipc_msg	m;
};

static int
pair_setup(void **state)
{
	struct pair	*p = calloc(1, sizeof(*p));

	if (p == NULL || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
	    p->sv) == -1)
		return -1;
	*state = p;
	return 0;
}

static int
pair_teardown(void **state)
{
	struct pair	*p = *state;

	close(p->sv[0]);
	close(p->sv[1]);
	if (p->m.fd != -1)
		close(p->m.fd);
	free(p);
	return 0;
}

static int
open_fd_count(void)
{
	int	fd, n = 0;

	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	return n;
}

static void
ipc_roundtrip_keeps_type_id_payload(void **state)
{
	struct pair	*p = *state;

	assert_int_equal(ipc_send(p->sv[0], IPC_OK, 77, "", 0, -1), 0);
	assert_int_equal(ipc_recv(p->sv[1], &p->m), 1);
	assert_int_equal(p->m.hdr.type, IPC_OK);
	assert_int_equal(p->m.hdr.id, 77);
	assert_int_equal(p->m.hdr.len, 0);
	assert_int_equal(p->m.fd, -1);
	assert_int_equal(ipc_send(p->sv[0], IPC_ERROR, 5, "abcdef", 6, -1), 0);
	assert_int_equal(ipc_recv(p->sv[1], &p->m), 1);
	assert_int_equal(p->m.hdr.len, 6);
	assert_memory_equal(p->m.data, "abcdef", 6);
}

static void
ipc_rejects_short_datagram(void **state)
{
	struct pair	*p = *state;

	assert_int_equal(write(p->sv[0], "abc", 3), 3);	/* < header */
	assert_int_equal(ipc_recv(p->sv[1], &p->m), -1);
	assert_int_equal(errno, EPROTO);
}

static void
ipc_rejects_length_mismatch(void **state)
{
	struct pair	*p = *state;
	struct ipc_hdr	 h = { IPC_OK, 0, 10, 1 };	/* says 10, has 0 */
	uint8_t		 buf[sizeof(h) + 4];

	assert_int_equal(write(p->sv[0], &h, sizeof(h)), (ssize_t)sizeof(h));
	assert_int_equal(ipc_recv(p->sv[1], &p->m), -1);
	assert_int_equal(errno, EPROTO);
	h.len = 2;					/* says 2, has 4 */
	memcpy(buf, &h, sizeof(h));
	memset(buf + sizeof(h), 0, 4);
	assert_int_equal(write(p->sv[0], buf, sizeof(buf)), (ssize_t)sizeof(buf));
	assert_int_equal(ipc_recv(p->sv[1], &p->m), -1);
	assert_int_equal(errno, EPROTO);
}

static void
ipc_rejects_unknown_flags(void **state)
{
	struct pair	*p = *state;
	struct ipc_hdr	 h = { IPC_OK, 0x8000, 0, 1 };

	assert_int_equal(write(p->sv[0], &h, sizeof(h)), (ssize_t)sizeof(h));
	assert_int_equal(ipc_recv(p->sv[1], &p->m), -1);
	assert_int_equal(errno, EPROTO);
}

static void
ipc_rejects_truncated_oversize_datagram(void **state)
{
	struct pair	*p = *state;
	static uint8_t	 big[sizeof(struct ipc_hdr) + IPC_MAX_PAYLOAD + 100];
	struct ipc_hdr	 h = { IPC_OK, 0, IPC_MAX_PAYLOAD + 100, 1 };
	int		 sz = sizeof(big) * 2;

	setsockopt(p->sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	memcpy(big, &h, sizeof(h));
	assert_int_equal(write(p->sv[0], big, sizeof(big)), (ssize_t)sizeof(big));
	assert_int_equal(ipc_recv(p->sv[1], &p->m), -1);
	assert_int_equal(errno, EPROTO);
	errno = 0;
	assert_int_equal(ipc_send(p->sv[0], IPC_OK, 1, big, IPC_MAX_PAYLOAD + 1,
	    -1), -1);
	assert_int_equal(errno, EMSGSIZE);
}

static void
ipc_passes_one_fd(void **state)
{
	struct pair	*p = *state;
	int		 pfd[2];
	char		 c = 0;

	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(ipc_send(p->sv[0], IPC_NEW_CHANNEL, 0, "\x02", 1,
	    pfd[1]), 0);
	close(pfd[1]);
	assert_int_equal(ipc_recv(p->sv[1], &p->m), 1);
	assert_true(p->m.fd >= 0);
	assert_int_equal(p->m.hdr.flags, IPC_F_FD);
	assert_int_equal(write(p->m.fd, "x", 1), 1);
	assert_int_equal(read(pfd[0], &c, 1), 1);
	assert_int_equal(c, 'x');
	close(pfd[0]);
}

static void
ipc_rejects_two_fds_and_closes_them(void **state)
{
	struct pair	*p = *state;
	struct ipc_hdr	 h = { IPC_NEW_CHANNEL, IPC_F_FD, 0, 0 };
	struct iovec	 iov = { &h, sizeof(h) };
	struct msghdr	 msg;
	union {
		struct cmsghdr	c;
		char		b[CMSG_SPACE(2 * sizeof(int))];
	} cbuf;
	struct cmsghdr	*cm;
	int		 fds[2], before;

	before = open_fd_count();
	assert_int_equal(pipe(fds), 0);
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.b;
	msg.msg_controllen = sizeof(cbuf.b);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(2 * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	assert_true(sendmsg(p->sv[0], &msg, 0) > 0);
	close(fds[0]);
	close(fds[1]);
	assert_int_equal(ipc_recv(p->sv[1], &p->m), -1);
	assert_int_equal(errno, EPROTO);
	assert_int_equal(p->m.fd, -1);
	assert_int_equal(open_fd_count(), before);	/* nothing leaked */
}

static void
ipc_rejects_fd_flag_without_fd(void **state)
{
	struct pair	*p = *state;
	struct ipc_hdr	 h = { IPC_NEW_CHANNEL, IPC_F_FD, 0, 0 };

	assert_int_equal(write(p->sv[0], &h, sizeof(h)), (ssize_t)sizeof(h));
	assert_int_equal(ipc_recv(p->sv[1], &p->m), -1);
	assert_int_equal(errno, EPROTO);
}

static void
ipc_recv_reports_eof(void **state)
{
	struct pair	*p = *state;

	close(p->sv[0]);
	p->sv[0] = open("/dev/null", O_RDONLY);
	assert_int_equal(ipc_recv(p->sv[1], &p->m), 0);
}

static void
ipc_check_enforces_spec(void **state)
{
	struct ipc_msg	*m = calloc(1, sizeof(*m));
	const char	*why;

	m->fd = -1;
	m->hdr.type = 999;				/* unknown type */
	assert_int_equal(ipc_check(m, ROLE_KEYD, ROLE_NETD, &why), -1);
	m->hdr.type = IPC_NONE;
	assert_int_equal(ipc_check(m, ROLE_KEYD, ROLE_NETD, &why), -1);
	/* STATUS_REQ: frontend -> supervisor only */
	m->hdr.type = IPC_STATUS_REQ;
	m->hdr.len = 0;
	m->hdr.id = 0;					/* a request needs an id */
	assert_int_equal(ipc_check(m, ROLE_SUP, ROLE_FRONTEND, &why), -1);
	assert_string_equal(why, "request or answer without an id");
	m->hdr.id = 7;
	assert_int_equal(ipc_check(m, ROLE_SUP, ROLE_FRONTEND, &why), 0);
	assert_int_equal(ipc_check(m, ROLE_SUP, ROLE_NETD, &why), -1);
	assert_string_equal(why, "message type not permitted on this channel");
	assert_int_equal(ipc_check(m, ROLE_KEYD, ROLE_FRONTEND, &why), -1);
	m->hdr.len = 1;					/* bad length */
	assert_int_equal(ipc_check(m, ROLE_SUP, ROLE_FRONTEND, &why), -1);
	assert_string_equal(why, "bad payload length");
	/* SHUTDOWN only from the supervisor */
	m->hdr.type = IPC_SHUTDOWN;
	m->hdr.len = 0;
	assert_int_equal(ipc_check(m, ROLE_NETD, ROLE_SUP, &why), -1);
	assert_string_equal(why, "notice with a request id");
	m->hdr.id = 0;					/* a notice has none */
	assert_int_equal(ipc_check(m, ROLE_NETD, ROLE_SUP, &why), 0);
	assert_int_equal(ipc_check(m, ROLE_NETD, ROLE_KEYD, &why), -1);
	/* NEW_CHANNEL needs exactly its fd */
	m->hdr.type = IPC_NEW_CHANNEL;
	m->hdr.len = 1;
	assert_int_equal(ipc_check(m, ROLE_KEYD, ROLE_SUP, &why), -1);
	assert_string_equal(why, "bad descriptor count");
	m->fd = 0;
	assert_int_equal(ipc_check(m, ROLE_KEYD, ROLE_SUP, &why), 0);
	m->hdr.type = IPC_OK;				/* fd where none belongs */
	m->hdr.len = 0;
	m->hdr.id = 7;
	assert_int_equal(ipc_check(m, ROLE_KEYD, ROLE_SUP, &why), -1);
	free(m);
}

static void
ipc_unpack_rejects_out_of_range(void **state)
{
	struct ipc_hello	h;
	struct ipc_error	e;
	struct ipc_status	st;
	struct rd		r;
	uint8_t			buf[64];
	struct wr		w;

	memset(buf, 0, sizeof(buf));
	buf[0] = ROLE_MAX;			/* no such role */
	rd_init(&r, buf, 33);
	assert_int_equal(ipc_unpack_hello(&r, &h), -1);
	buf[0] = ROLE_NETD;
	rd_init(&r, buf, 34);			/* trailing byte */
	assert_int_equal(ipc_unpack_hello(&r, &h), -1);
	rd_init(&r, buf, 33);
	assert_int_equal(ipc_unpack_hello(&r, &h), 0);
	/* error text with a NUL inside is refused */
	wr_init(&w, buf, sizeof(buf));
	wr_u16(&w, IPC_ERR_INVALID);
	wr_u16(&w, 3);
	wr_bytes(&w, "a\0b", 3);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_error(&r, &e), -1);
	wr_init(&w, buf, sizeof(buf));
	wr_u16(&w, IPC_ERR_INVALID);
	wr_u16(&w, 300);			/* longer than the payload */
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_error(&r, &e), -1);
	buf[0] = ROLE_MAX + 1;			/* status: too many roles */
	rd_init(&r, buf, 1);
	assert_int_equal(ipc_unpack_status(&r, &st), -1);
}

static void
ipc_status_roundtrip(void **state)
{
	struct ipc_status	in, out;
	uint8_t			buf[256];
	struct wr		w;
	struct rd		r;

	memset(&in, 0, sizeof(in));
	in.n = 2;
	in.roles[0].role = ROLE_SUP;
	in.roles[0].pid = 1234;
	in.roles[1].role = ROLE_NETD;
	in.roles[1].state = ROLE_STATE_RESTARTING;
	in.roles[1].restarts = 3;
	in.roles[1].reported = 1;
	in.roles[1].sandbox.flags = 0x7ff;
	in.roles[1].sandbox.landlock_abi = 3;
	in.proxy = IPC_PROXY_UNREACHABLE;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_status(&w, &in);
	assert_true(wr_ok(&w));
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_status(&r, &out), 0);
	assert_memory_equal(&in, &out, sizeof(in));
	buf[w.len - 1] = IPC_PROXY_STATE_MAX;	/* no such proxy state */
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_status(&r, &out), -1);
}

/* A frame by hand: cork bytes into f, fd as given. */
static void
frame_of(struct ipc_frame *f, const uint8_t *cork, size_t len, int fd)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->buf, cork, len);
	f->len = len;
	f->fd = fd;
}

static void
ipc_frame_rules(void **state)
{
	static struct ipc_frame	 f;
	static struct ipc_msg	 m;
	uint8_t			 cork[256], p[8] = "payload";
	size_t			 len = 0, last = 0;
	uint16_t		 fl;
	int			 fd;

	assert_int_equal(ipc_cork_add(cork, sizeof(cork), &len, &last,
	    IPC_NC_KILL, 0, p, 8), 0);
	assert_int_equal(ipc_cork_add(cork, sizeof(cork), &len, &last,
	    IPC_OK, 9, NULL, 0), 0);
	assert_int_equal(ipc_cork_add(cork, sizeof(cork), &len, &last,
	    IPC_NC_KILL, 0, p, 3), 0);
	/* too big for what is left: refused, the cork unchanged */
	assert_int_equal(ipc_cork_add(cork, 60, &len, &last, IPC_OK, 1, p, 8),
	    -1);

	/* three messages, MORE stripped, payloads copied */
	frame_of(&f, cork, len, -1);
	assert_int_equal(ipc_frame_next(&f, &m), 1);
	assert_int_equal(m.hdr.type, IPC_NC_KILL);
	assert_int_equal(m.hdr.flags, 0);
	assert_memory_equal(m.data, p, 8);
	assert_int_equal(ipc_frame_next(&f, &m), 1);
	assert_int_equal(m.hdr.type, IPC_OK);
	assert_int_equal(m.hdr.id, 9);
	assert_int_equal(ipc_frame_next(&f, &m), 1);
	assert_int_equal(m.hdr.len, 3);
	assert_int_equal(ipc_frame_next(&f, &m), 0);

	/* cut inside the last header, or inside its payload */
	frame_of(&f, cork, len - 1, -1);
	(void)ipc_frame_next(&f, &m);
	(void)ipc_frame_next(&f, &m);
	assert_int_equal(ipc_frame_next(&f, &m), -1);
	frame_of(&f, cork, len - 3 - 2, -1);
	(void)ipc_frame_next(&f, &m);
	(void)ipc_frame_next(&f, &m);
	assert_int_equal(ipc_frame_next(&f, &m), -1);

	/* bytes after a header without MORE */
	frame_of(&f, cork, len, -1);
	memcpy(&fl, f.buf + offsetof(struct ipc_hdr, flags), sizeof(fl));
	fl &= ~IPC_F_MORE;
	memcpy(f.buf + offsetof(struct ipc_hdr, flags), &fl, sizeof(fl));
	assert_int_equal(ipc_frame_next(&f, &m), -1);

	/* an unknown flag */
	frame_of(&f, cork, len, -1);
	fl = IPC_F_MORE | 0x0100;
	memcpy(f.buf + offsetof(struct ipc_hdr, flags), &fl, sizeof(fl));
	assert_int_equal(ipc_frame_next(&f, &m), -1);

	/* a descriptor with more than one message: refused, then closed */
	assert_true((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) != -1);
	frame_of(&f, cork, len, fd);
	memcpy(&fl, f.buf + offsetof(struct ipc_hdr, flags), sizeof(fl));
	fl |= IPC_F_FD;
	memcpy(f.buf + offsetof(struct ipc_hdr, flags), &fl, sizeof(fl));
	assert_int_equal(ipc_frame_next(&f, &m), -1);
	assert_int_equal(m.fd, -1);
	ipc_frame_done(&f);
	assert_int_equal(fcntl(fd, F_GETFD), -1);	/* closed */
	assert_int_equal(f.len, 0);
}

/* Is the frame's buffer all zero up to len? */
static int
wiped(const struct ipc_frame *f, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (f->buf[i] != 0)
			return 0;
	return 1;
}

/*
 * A frame with a secret message in it (a plaintext packet) is wiped when
 * done, as is one not read to its end; one of sealed packets only is not
 * (its bytes are what the network saw).
 */
static void
ipc_frame_wipes_secrets(void **state)
{
	static struct ipc_frame	 f;
	static struct ipc_msg	 m;
	uint8_t			 cork[256], p[8] = "payload";
	size_t			 len = 0, last = 0, plain_len, sealed_len;

	assert_int_equal(ipc_cork_add(cork, sizeof(cork), &len, &last,
	    IPC_NC_DATA_IN, 0, p, 8), 0);
	sealed_len = len;
	assert_int_equal(ipc_cork_add(cork, sizeof(cork), &len, &last,
	    IPC_NC_PLAIN_IN, 0, p, 8), 0);
	plain_len = len;

	/* sealed, then plain: wiped */
	frame_of(&f, cork, plain_len, -1);
	while (ipc_frame_next(&f, &m) == 1)
		;
	ipc_frame_done(&f);
	assert_true(wiped(&f, plain_len));

	/* sealed only, read whole: left */
	len = last = 0;
	assert_int_equal(ipc_cork_add(cork, sizeof(cork), &len, &last,
	    IPC_NC_DATA_IN, 0, p, 8), 0);
	assert_int_equal(len, sealed_len);
	frame_of(&f, cork, len, -1);
	while (ipc_frame_next(&f, &m) == 1)
		;
	ipc_frame_done(&f);
	assert_false(wiped(&f, len));
	assert_false(f.secret);

	/* sealed only, dropped before it was read: wiped */
	frame_of(&f, cork, len, -1);
	ipc_frame_done(&f);
	assert_true(wiped(&f, len));
}

/* Channels: a peer that breaks the protocol is cut off, not obeyed. */
static int	 got_msgs, closed;
static char	 close_why[128];

static int
count_msg(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	got_msgs++;
	return 0;
}

static const struct chan_handler counting_rows[] = {
	{ IPC_ROLE_EVENT,	0,	count_msg },
	{ IPC_STATUS_REQ,	0,	count_msg },
	{ IPC_NET_STATUS,	0,	count_msg },
};
static const struct chan_table counting_table = {
	CHAN_ROWS(counting_rows), NULL
};
static const struct chan_tables counting = { { &counting_table } };

static void
note_close(struct chan *c, const char *why)
{
	closed++;
	snprintf(close_why, sizeof(close_why), "%s", why);
}

static void
send_hello(int fd, enum role role, int good_build)
{
	struct ipc_hello	h;
	uint8_t			buf[64];
	struct wr		w;

	h.role = (uint8_t)role;
	memcpy(h.build_id, ipc_build_id, sizeof(h.build_id));
	if (!good_build)
		h.build_id[0] ^= 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &h);
	assert_int_equal(ipc_send(fd, IPC_HELLO, 0, buf, w.len, -1), 0);
}

static void
run_chan(struct pair *p, struct chan *c)
{
	int	i;

	got_msgs = closed = 0;
	close_why[0] = '\0';
	for (i = 0; i < 5 && c->open; i++)
		loop_once(20);
}

static void
chan_accepts_hello_then_messages(void **state)
{
	struct pair	*p = *state;
	struct chan	 c;

	loop_init();
	chan_open(&c, p->sv[1], ROLE_FRONTEND, ROLE_SUP, &counting, note_close,
	    NULL);
	/* our HELLO went out */
	assert_int_equal(ipc_recv(p->sv[0], &p->m), 1);
	assert_int_equal(p->m.hdr.type, IPC_HELLO);
	send_hello(p->sv[0], ROLE_SUP, 1);
	assert_int_equal(ipc_send(p->sv[0], IPC_ROLE_EVENT, 0,
	    "\x02\x01\0\0\0\x01\0\0\0\0", 10, -1), 0);
	run_chan(p, &c);
	assert_int_equal(got_msgs, 1);
	assert_int_equal(closed, 0);
	chan_close(&c, "done");
	p->sv[1] = open("/dev/null", O_RDONLY);
}

static void
chan_closes_on_wrong_build(void **state)
{
	struct pair	*p = *state;
	struct chan	 c;

	loop_init();
	chan_open(&c, p->sv[1], ROLE_KEYD, ROLE_NETD, &counting, note_close,
	    NULL);
	send_hello(p->sv[0], ROLE_NETD, 0);
	run_chan(p, &c);
	assert_int_equal(closed, 1);
	assert_string_equal(close_why, "peer is a different build");
	p->sv[1] = open("/dev/null", O_RDONLY);
}

static void
chan_closes_on_missing_hello(void **state)
{
	struct pair	*p = *state;
	struct chan	 c;

	loop_init();
	chan_open(&c, p->sv[1], ROLE_SUP, ROLE_FRONTEND, &counting, note_close,
	    NULL);
	assert_int_equal(ipc_send(p->sv[0], IPC_STATUS_REQ, 1, NULL, 0, -1), 0);
	run_chan(p, &c);
	assert_int_equal(got_msgs, 0);
	assert_int_equal(closed, 1);
	assert_string_equal(close_why, "first message is not HELLO");
	p->sv[1] = open("/dev/null", O_RDONLY);
}

static void
chan_closes_on_wrong_sender(void **state)
{
	struct pair	*p = *state;
	struct chan	 c;

	loop_init();
	/* netd may not ask the supervisor for status, nor claim to be keyd */
	chan_open(&c, p->sv[1], ROLE_SUP, ROLE_NETD, &counting, note_close,
	    NULL);
	send_hello(p->sv[0], ROLE_NETD, 1);
	assert_int_equal(ipc_send(p->sv[0], IPC_STATUS_REQ, 1, NULL, 0, -1), 0);
	run_chan(p, &c);
	assert_int_equal(got_msgs, 0);
	assert_int_equal(closed, 1);
	assert_string_equal(close_why,
	    "message type not permitted on this channel");
	p->sv[1] = open("/dev/null", O_RDONLY);
}

static void
chan_closes_on_hello_from_wrong_role(void **state)
{
	struct pair	*p = *state;
	struct chan	 c;

	loop_init();
	chan_open(&c, p->sv[1], ROLE_KEYD, ROLE_NETD, &counting, note_close,
	    NULL);
	send_hello(p->sv[0], ROLE_FRONTEND, 1);
	run_chan(p, &c);
	assert_int_equal(closed, 1);
	assert_string_equal(close_why, "HELLO from the wrong role");
	p->sv[1] = open("/dev/null", O_RDONLY);
}

static void
chan_closes_on_unknown_type_and_garbage(void **state)
{
	struct pair	*p = *state;
	struct chan	 c;

	loop_init();
	chan_open(&c, p->sv[1], ROLE_KEYD, ROLE_NETD, &counting, note_close,
	    NULL);
	send_hello(p->sv[0], ROLE_NETD, 1);
	assert_int_equal(ipc_send(p->sv[0], 4242, 1, "zz", 2, -1), 0);
	run_chan(p, &c);
	assert_int_equal(closed, 1);
	assert_string_equal(close_why, "unknown message type");

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, p->sv), 0);
	chan_open(&c, p->sv[1], ROLE_KEYD, ROLE_NETD, &counting, note_close,
	    NULL);
	assert_int_equal(write(p->sv[0], "garbage", 7), 7);
	run_chan(p, &c);
	assert_int_equal(closed, 1);
	assert_string_equal(close_why, "malformed message framing");
	p->sv[1] = open("/dev/null", O_RDONLY);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, pair_setup, pair_teardown)
		T(ipc_roundtrip_keeps_type_id_payload),
		T(ipc_rejects_short_datagram),
		T(ipc_rejects_length_mismatch),
		T(ipc_rejects_unknown_flags),
		T(ipc_rejects_truncated_oversize_datagram),
		T(ipc_passes_one_fd),
		T(ipc_rejects_two_fds_and_closes_them),
		T(ipc_rejects_fd_flag_without_fd),
		T(ipc_recv_reports_eof),
		cmocka_unit_test(ipc_check_enforces_spec),
		cmocka_unit_test(ipc_unpack_rejects_out_of_range),
		cmocka_unit_test(ipc_status_roundtrip),
		cmocka_unit_test(ipc_frame_rules),
		cmocka_unit_test(ipc_frame_wipes_secrets),
		T(chan_accepts_hello_then_messages),
		T(chan_closes_on_wrong_build),
		T(chan_closes_on_missing_hello),
		T(chan_closes_on_wrong_sender),
		T(chan_closes_on_hello_from_wrong_role),
		T(chan_closes_on_unknown_type_and_garbage),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
