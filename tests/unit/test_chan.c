/*
 * The channel layer: dispatch through handler tables (flags, malformed
 * payloads, secret wipe, burst budget) and requests that always end
 * (answer, wrong answer, close, deadline, late answer, ids across a
 * reopen).  One end is a real chan on the event loop; the test plays the
 * peer on the other end of a SEQPACKET pair with raw ipc_send/ipc_recv.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/loop.h"
#include "ipc/chan.h"
#include "ipc/msg_core.h"
#include "ipc/msg_nc.h"
#include "ipc/msg_profile.h"

static struct chan	 c;
static int		 peer = -1;	/* the test's end */
static struct ipc_msg	 m;		/* what the peer receives */
static int		 closed, handled;
static char		 close_why[128];

static void
note_close(struct chan *ch, const char *why)
{
	closed++;
	snprintf(close_why, sizeof(close_why), "%s", why);
}

static void
peer_hello(enum role role)
{
	struct ipc_hello	h;
	uint8_t			buf[IPC_HELLO_LEN];
	struct wr		w;

	h.role = (uint8_t)role;
	memcpy(h.build_id, ipc_build_id, sizeof(h.build_id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &h);
	assert_int_equal(ipc_send(peer, IPC_HELLO, 0, buf, w.len, -1), 0);
}

/* Opens c as self, talking to the test as peer_role. */
static void
open_as(enum role self, enum role peer_role, const struct chan_tables *t)
{
	int	sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
	    sv), 0);
	peer = sv[0];
	closed = handled = 0;
	close_why[0] = '\0';
	chan_open(&c, sv[1], self, peer_role, t, note_close, NULL);
	assert_int_equal(ipc_recv(peer, &m), 1);	/* its HELLO */
	assert_int_equal(m.hdr.type, IPC_HELLO);
	peer_hello(peer_role);
}

static void
spin(void)
{
	int	i;

	for (i = 0; i < 5; i++)
		loop_once(10);
}

static int
setup(void **state)
{
	loop_init();
	memset(&c, 0, sizeof(c));
	return 0;
}

static int
teardown(void **state)
{
	chan_close(&c, "test over");
	if (peer != -1)
		close(peer);
	peer = -1;
	return 0;
}

/* Dispatch. */

static const uint8_t	*seen_data;
static size_t		 seen_len;

static int
h_count(struct chan *ch, struct ipc_msg *msg, struct rd *r)
{
	handled++;
	return 0;
}

static int
h_malformed(struct chan *ch, struct ipc_msg *msg, struct rd *r)
{
	handled++;
	return -1;
}

static int
h_remember(struct chan *ch, struct ipc_msg *msg, struct rd *r)
{
	handled++;
	seen_data = msg->data;
	seen_len = msg->hdr.len;
	assert_true(seen_len > 2 && seen_data[2] == 'p');
	chan_reply_ok(ch, msg->hdr.id);
	return 0;
}

static const char *
refuse_all(struct chan *ch, const struct ipc_msg *msg)
{
	return "locked";
}

static const struct chan_handler keyd_rows[] = {
	{ IPC_PROFILE_UNLOCK,	0,		h_remember },
	{ IPC_SET_STATUS,	0,		h_malformed },
	{ IPC_ID_REQ,		CH_GATED,	h_count },
	{ IPC_SELF_REQ,		0,		h_count },
};
static const struct chan_table keyd_table = {
	CHAN_ROWS(keyd_rows), refuse_all
};
static const struct chan_tables keyd_tables = { { &keyd_table } };

static const struct chan_handler sup_rows[] = {
	{ IPC_ROLE_EVENT,	0,		h_count },
	{ IPC_SESSION_END,	CH_ONCE,	h_count },
};
static const struct chan_table sup_table = { CHAN_ROWS(sup_rows), NULL };
static const struct chan_tables sup_tables = { { &sup_table } };

static void
secret_payload_is_wiped_after_dispatch(void **state)
{
	static const uint8_t	pass[] = { 0, 6, 'p', 'a', 's', 's', '!', '!' };
	size_t			i;

	open_as(ROLE_KEYD, ROLE_FRONTEND, &keyd_tables);
	assert_int_equal(ipc_send(peer, IPC_PROFILE_UNLOCK, 5, pass,
	    sizeof(pass), -1), 0);
	spin();
	assert_int_equal(handled, 1);
	assert_int_equal(seen_len, sizeof(pass));
	for (i = 0; i < seen_len; i++)
		assert_int_equal(seen_data[i], 0);
	assert_int_equal(ipc_recv(peer, &m), 1);
	assert_int_equal(m.hdr.type, IPC_OK);
	assert_int_equal(m.hdr.id, 5);
	assert_int_equal(closed, 0);
}

static void
malformed_payload_closes_the_channel(void **state)
{
	open_as(ROLE_KEYD, ROLE_FRONTEND, &keyd_tables);
	assert_int_equal(ipc_send(peer, IPC_SET_STATUS, 9, "\x01", 1, -1), 0);
	spin();
	assert_int_equal(handled, 1);
	assert_int_equal(closed, 1);
	assert_string_equal(close_why, "malformed payload");
}

static void
gate_refuses_with_an_error_and_unknown_types_are_answered(void **state)
{
	open_as(ROLE_KEYD, ROLE_FRONTEND, &keyd_tables);
	assert_int_equal(ipc_send(peer, IPC_ID_REQ, 3, NULL, 0, -1), 0);
	/* permitted by the catalogue, but in no table of this end */
	assert_int_equal(ipc_send(peer, IPC_NOSPAM_SET, 4, "\0\0\0\0\0", 5,
	    -1), 0);
	spin();
	assert_int_equal(handled, 0);
	assert_int_equal(ipc_recv(peer, &m), 1);
	assert_int_equal(m.hdr.type, IPC_ERROR);
	assert_int_equal(m.hdr.id, 3);
	assert_int_equal(ipc_recv(peer, &m), 1);
	assert_int_equal(m.hdr.type, IPC_ERROR);
	assert_int_equal(m.hdr.id, 4);
	assert_int_equal(closed, 0);
}

static void
once_only_message_repeated_closes(void **state)
{
	open_as(ROLE_FRONTEND, ROLE_SUP, &sup_tables);
	assert_int_equal(ipc_send(peer, IPC_SESSION_END, 0, "\x01\0\0", 3,
	    -1), 0);
	assert_int_equal(ipc_send(peer, IPC_SESSION_END, 0, "\x01\0\0", 3,
	    -1), 0);
	spin();
	assert_int_equal(handled, 1);
	assert_int_equal(closed, 1);
	assert_string_equal(close_why,
	    "message repeated that may come only once");
}

static void
one_wakeup_handles_at_most_a_burst(void **state)
{
	int	i;

	open_as(ROLE_FRONTEND, ROLE_SUP, &sup_tables);
	loop_once(10);				/* the HELLO */
	handled = 0;
	for (i = 0; i < CHAN_BURST + 20; i++)
		assert_int_equal(ipc_send(peer, IPC_ROLE_EVENT, 0,
		    "\x02\x01\0\0\0\x01\0\0\0\0", 10, -1), 0);
	loop_once(10);
	assert_int_equal(handled, CHAN_BURST);
	loop_once(10);				/* the rest, next wakeup */
	assert_int_equal(handled, CHAN_BURST + 20);
	assert_int_equal(closed, 0);
}

/* A peer that has exited: everything it left is handled, past the burst
 * budget, and then the channel is closed (the supervisor reads fetchd's
 * reason this way when its exit is seen first). */
static void
what_an_exited_peer_left_is_read_to_the_end(void **state)
{
	int	i;

	open_as(ROLE_FRONTEND, ROLE_SUP, &sup_tables);
	loop_once(10);				/* the HELLO */
	handled = 0;
	for (i = 0; i < 3 * CHAN_BURST + 5; i++)
		assert_int_equal(ipc_send(peer, IPC_ROLE_EVENT, 0,
		    "\x02\x01\0\0\0\x01\0\0\0\0", 10, -1), 0);
	close(peer);
	peer = -1;
	chan_read_rest(&c);
	assert_int_equal(handled, 3 * CHAN_BURST + 5);
	assert_int_equal(closed, 1);
	assert_string_equal(close_why, "peer closed the channel");
	chan_read_rest(&c);			/* closed: nothing, no crash */
	assert_int_equal(closed, 1);
}

static void
empty_messages_count_toward_the_queue_bound(void **state)
{
	/* (plus what the socket buffer takes before it says EAGAIN) */
	size_t	i, limit = 2 * (CHAN_MAX_QUEUED / sizeof(struct ipc_hdr));

	/* the peer never reads: even empty answers must not queue without
	 * bound (each still costs its header and its heap entry) */
	open_as(ROLE_KEYD, ROLE_FRONTEND, &keyd_tables);
	for (i = 0; i < limit && c.open; i++)
		(void)chan_reply_ok(&c, 1);
	assert_int_equal(c.open, 0);
	assert_int_equal(closed, 1);
	assert_string_equal(close_why, "peer does not read: send queue full");
}

/* Requests. */

struct outcome {
	int		calls;
	uint16_t	type;
	uint16_t	code;
};

static void
got(void *arg, struct ipc_msg *msg, struct rd *r)
{
	struct outcome		*o = arg;
	struct ipc_error	 e;

	o->calls++;
	o->type = msg->hdr.type;
	if (msg->hdr.type == IPC_ERROR && ipc_unpack_error(r, &e) == 0)
		o->code = e.code;
}

static const struct chan_tables none = { { NULL } };

static uint32_t
peer_takes(uint16_t type)
{
	assert_int_equal(ipc_recv(peer, &m), 1);
	assert_int_equal(m.hdr.type, type);
	assert_int_not_equal(m.hdr.id, 0);
	return m.hdr.id;
}

static void
request_gets_its_answer_once(void **state)
{
	struct outcome	a = { 0 }, b = { 0 };
	uint32_t	ida, idb;

	open_as(ROLE_FRONTEND, ROLE_KEYD, &none);
	assert_int_equal(chan_call(&c, IPC_ID_REQ, NULL, 0, -1, 0, got, &a),
	    0);
	assert_int_equal(chan_call(&c, IPC_SELF_REQ, NULL, 0, -1, 0, got, &b),
	    0);
	ida = peer_takes(IPC_ID_REQ);
	idb = peer_takes(IPC_SELF_REQ);
	assert_int_not_equal(ida, idb);
	/* answered out of order: each reaches its own request */
	assert_int_equal(ipc_send(peer, IPC_ERROR, idb, "\0\x03\0\0", 4, -1),
	    0);
	assert_int_equal(ipc_send(peer, IPC_ERROR, ida, "\0\x02\0\0", 4, -1),
	    0);
	/* and a second answer to a is stray: dropped, not delivered */
	assert_int_equal(ipc_send(peer, IPC_ERROR, ida, "\0\x02\0\0", 4, -1),
	    0);
	spin();
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.code, IPC_ERR_INVALID);
	assert_int_equal(b.calls, 1);
	assert_int_equal(b.code, IPC_ERR_STATE);
	assert_int_equal(c.stray_answers, 1);
	assert_int_equal(closed, 0);
}

static void
answer_of_the_wrong_type_closes(void **state)
{
	struct outcome	a = { 0 };
	uint32_t	id;

	open_as(ROLE_FRONTEND, ROLE_KEYD, &none);
	assert_int_equal(chan_call(&c, IPC_ID_REQ, NULL, 0, -1, 0, got, &a),
	    0);
	id = peer_takes(IPC_ID_REQ);
	assert_int_equal(ipc_send(peer, IPC_OK, id, NULL, 0, -1), 0);
	spin();
	assert_int_equal(closed, 1);
	assert_string_equal(close_why,
	    "answer of a type that does not answer the request");
	/* the request still ended, with the channel's error */
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.type, IPC_ERROR);
	assert_int_equal(a.code, IPC_ERR_GONE);
}

static void
requests_in_flight_fail_when_the_channel_closes(void **state)
{
	struct outcome	o[5];
	int		i;

	memset(o, 0, sizeof(o));
	open_as(ROLE_KEYD, ROLE_NETD, &none);
	for (i = 0; i < 5; i++)
		assert_int_equal(chan_call(&c, IPC_NET_BOOTSTRAP,
		    "\x02\x7f\0\0\x01\x82\xa5" "0123456789abcdef0123456789abcdef",
		    39, -1, 0, got, &o[i]), 0);
	close(peer);
	peer = -1;
	spin();
	assert_int_equal(closed, 1);
	for (i = 0; i < 5; i++) {
		assert_int_equal(o[i].calls, 1);
		assert_int_equal(o[i].type, IPC_ERROR);
		assert_int_equal(o[i].code, IPC_ERR_GONE);
	}
	/* a closed channel takes no new request: the caller is told */
	assert_int_equal(chan_call(&c, IPC_NET_BOOTSTRAP, NULL, 0, -1, 0, got,
	    &o[0]), -1);
	assert_int_equal(o[0].calls, 1);
}

static void
request_past_its_deadline_fails_and_its_late_answer_is_dropped(void **state)
{
	struct outcome	a = { 0 };
	uint32_t	id;
	int		i;

	open_as(ROLE_FRONTEND, ROLE_KEYD, &none);
	assert_int_equal(chan_call(&c, IPC_ID_REQ, NULL, 0, -1, 20, got, &a),
	    0);
	id = peer_takes(IPC_ID_REQ);
	for (i = 0; i < 20 && a.calls == 0; i++)
		loop_once(10);
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.code, IPC_ERR_GONE);
	assert_int_equal(ipc_send(peer, IPC_ERROR, id, "\0\x02\0\0", 4, -1),
	    0);
	spin();
	assert_int_equal(a.calls, 1);
	assert_int_equal(c.stray_answers, 1);
	assert_int_equal(closed, 0);
}

static void
ids_are_not_reused_after_a_reopen(void **state)
{
	struct outcome	a = { 0 }, b = { 0 };
	uint32_t	first, second;

	open_as(ROLE_KEYD, ROLE_NETD, &none);
	assert_int_equal(chan_call(&c, IPC_NET_BOOTSTRAP,
	    "\x02\x7f\0\0\x01\x82\xa5" "0123456789abcdef0123456789abcdef", 39,
	    -1, 0, got, &a), 0);
	first = peer_takes(IPC_NET_BOOTSTRAP);
	chan_close(&c, "netd died");
	close(peer);
	assert_int_equal(a.calls, 1);
	/* the restarted peer's channel */
	open_as(ROLE_KEYD, ROLE_NETD, &none);
	assert_int_equal(chan_call(&c, IPC_NET_BOOTSTRAP,
	    "\x02\x7f\0\0\x01\x82\xa5" "0123456789abcdef0123456789abcdef", 39,
	    -1, 0, got, &b), 0);
	second = peer_takes(IPC_NET_BOOTSTRAP);
	assert_int_not_equal(first, second);
	/* an answer carrying the old id reaches nobody */
	assert_int_equal(ipc_send(peer, IPC_OK, first, NULL, 0, -1), 0);
	assert_int_equal(ipc_send(peer, IPC_OK, second, NULL, 0, -1), 0);
	spin();
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 1);
	assert_int_equal(b.type, IPC_OK);
}

/*
 * A handler that closes another channel whose event came in the same
 * round of the loop: that event must find the channel closed and do
 * nothing (it used to drain its dropped queue and re-register fd -1: a
 * fatal error).  Found by tests/fuzz/fuzz_chan.c.
 */
static struct chan	c2;

static int
h_close_other(struct chan *ch, struct ipc_msg *msg, struct rd *r)
{
	handled++;
	chan_close(&c2, "closed by another channel's handler");
	return 0;
}

static const struct chan_handler closer_rows[] = {
	{ IPC_ROLE_EVENT,	0,		h_close_other },
};
static const struct chan_table closer_table = {
	CHAN_ROWS(closer_rows), NULL
};
static const struct chan_tables closer_tables = { { &closer_table } };

static void
closing_another_channel_with_an_event_in_the_same_round(void **state)
{
	uint8_t	ev[IPC_ROLE_EVENT_LEN] = { 0 };
	int	sv[2], sz = 4096, i;

	open_as(ROLE_FRONTEND, ROLE_SUP, &closer_tables);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
	    sv), 0);
	assert_int_equal(setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sz,
	    sizeof(sz)), 0);
	chan_open(&c2, sv[1], ROLE_KEYD, ROLE_FRONTEND, NULL, NULL, NULL);
	/* c2's peer does not read: c2 queues, and waits for EPOLLOUT */
	for (i = 0; i < 10000 && c2.queued == 0; i++)
		assert_int_equal(chan_reply_ok(&c2, 1), 0);
	assert_true(c2.queued > 0);
	/* c's message is ready first, then c2 can write: one round */
	assert_int_equal(ipc_send(peer, IPC_ROLE_EVENT, 0, ev, sizeof(ev),
	    -1), 0);
	while (ipc_recv(sv[0], &m) == 1)
		;
	loop_once(100);
	assert_int_equal(handled, 1);
	assert_false(c2.open);
	assert_true(c.open);
	close(sv[0]);
}

/* A peer that exits with our messages unread resets the channel
 * (ECONNRESET): it left all the same, and says so as EOF does, so keyd
 * does not take a frontend that quit for one it had to cut off. */
static void
peer_leaving_with_unread_messages_is_a_close_not_a_failure(void **state)
{
	open_as(ROLE_KEYD, ROLE_FRONTEND, &keyd_tables);
	assert_int_equal(chan_reply_ok(&c, 1), 0);	/* left unread */
	close(peer);
	peer = -1;
	spin();
	assert_int_equal(closed, 1);
	assert_string_equal(close_why, "peer closed the channel");
}

/* Corks and frames: the data path's messages of one round in one frame. */

static const struct chan_handler plain_rows[] = {
	{ IPC_NC_PLAIN_OUT,	0,		h_count },
	{ IPC_NC_KILL,		0,		h_count },
};
static const struct chan_table plain_table = { CHAN_ROWS(plain_rows), NULL };
static const struct chan_tables plain_tables = { { &plain_table } };

/* An NC_PLAIN_OUT payload of len bytes, tagged. */
static void
plain(uint8_t *p, size_t len, uint8_t tag)
{
	memset(p, tag, len);
}

/* Whether the peer's end has a frame waiting (not taking it). */
static int
peer_has_frame(void)
{
	uint8_t	b;

	return recv(peer, &b, 1, MSG_PEEK | MSG_DONTWAIT) >= 0;
}

/* Reads one frame at the peer: its messages' types and first bytes. */
static size_t
peer_frame(uint16_t *types, uint8_t *tags, size_t max)
{
	static struct ipc_frame	f;
	size_t			n = 0;
	int			rv;

	assert_int_equal(ipc_frame_recv(peer, &f), 1);
	while ((rv = ipc_frame_next(&f, &m)) == 1) {
		assert_true(n < max);
		assert_int_equal(m.hdr.flags, 0);
		types[n] = m.hdr.type;
		tags[n++] = m.hdr.len > 0 ? m.data[0] : 0;
	}
	assert_int_equal(rv, 0);
	ipc_frame_done(&f);
	return n;
}

static void
data_path_messages_leave_as_one_frame_before_the_loop_sleeps(void **state)
{
	uint8_t		p[IPC_NC_PLAIN_MIN];
	uint16_t	types[8];
	uint8_t		tags[8];
	int		i;

	open_as(ROLE_CHATD, ROLE_KEYD, &none);
	for (i = 0; i < 5; i++) {
		plain(p, sizeof(p), (uint8_t)(10 + i));
		assert_int_equal(chan_send(&c, IPC_NC_PLAIN_OUT, 0, p,
		    sizeof(p), -1), 0);
	}
	assert_false(peer_has_frame());		/* still corked */
	loop_once(0);				/* the hook before the wait */
	assert_int_equal(peer_frame(types, tags, 8), 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(types[i], IPC_NC_PLAIN_OUT);
		assert_int_equal(tags[i], 10 + i);
	}
	assert_false(peer_has_frame());
}

static void
a_message_off_the_data_path_sends_the_cork_first(void **state)
{
	uint8_t		p[IPC_NC_PLAIN_MIN], pk[IPC_NC_PK_MSG_LEN];
	uint16_t	types[8];
	uint8_t		tags[8];

	open_as(ROLE_CHATD, ROLE_KEYD, &none);
	plain(p, sizeof(p), 1);
	assert_int_equal(chan_send(&c, IPC_NC_PLAIN_OUT, 0, p, sizeof(p), -1),
	    0);
	plain(p, sizeof(p), 2);
	assert_int_equal(chan_send(&c, IPC_NC_PLAIN_OUT, 0, p, sizeof(p), -1),
	    0);
	memset(pk, 3, sizeof(pk));
	assert_int_equal(chan_send(&c, IPC_NC_KILL, 0, pk, sizeof(pk), -1), 0);
	plain(p, sizeof(p), 4);
	assert_int_equal(chan_send(&c, IPC_NC_PLAIN_OUT, 0, p, sizeof(p), -1),
	    0);
	assert_int_equal(peer_frame(types, tags, 8), 2);
	assert_int_equal(tags[0], 1);
	assert_int_equal(tags[1], 2);
	assert_int_equal(peer_frame(types, tags, 8), 1);
	assert_int_equal(types[0], IPC_NC_KILL);
	assert_false(peer_has_frame());
	loop_once(0);
	assert_int_equal(peer_frame(types, tags, 8), 1);
	assert_int_equal(tags[0], 4);
}

static void
a_full_cork_leaves_at_once(void **state)
{
	uint8_t		p[IPC_NC_PLAIN_MAX];
	uint16_t	types[64];
	uint8_t		tags[64];
	size_t		per, got = 0, n;
	int		i, total;

	open_as(ROLE_CHATD, ROLE_KEYD, &none);
	per = CHAN_CORK_MAX / (sizeof(struct ipc_hdr) + sizeof(p));
	total = (int)per + 3;
	for (i = 0; i < total; i++) {
		plain(p, sizeof(p), (uint8_t)i);
		assert_int_equal(chan_send(&c, IPC_NC_PLAIN_OUT, 0, p,
		    sizeof(p), -1), 0);
	}
	/* the first cork filled and left; the rest waits for the round */
	assert_true(peer_has_frame());
	assert_int_equal(peer_frame(types, tags, 64), per);
	got = per;
	assert_false(peer_has_frame());
	loop_once(0);
	n = peer_frame(types, tags, 64);
	assert_int_equal(n, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(tags[i], (uint8_t)(got + (size_t)i));
}

/* The peer sends a frame it built: `count` NC_PLAIN_OUTs, then extra. */
static void
peer_sends_frame(int count, uint16_t extra_type, int more_on_last)
{
	static uint8_t	cork[CHAN_CORK_MAX];
	uint8_t		p[IPC_NC_PLAIN_MIN];
	size_t		len = 0, last = 0;
	uint16_t	fl;
	int		i;

	for (i = 0; i < count; i++) {
		plain(p, sizeof(p), (uint8_t)i);
		assert_int_equal(ipc_cork_add(cork, sizeof(cork), &len, &last,
		    IPC_NC_PLAIN_OUT, 0, p, sizeof(p)), 0);
	}
	if (extra_type != 0)
		assert_int_equal(ipc_cork_add(cork, sizeof(cork), &len, &last,
		    extra_type, 0, p, sizeof(p)), 0);
	if (more_on_last) {
		memcpy(&fl, cork + last + offsetof(struct ipc_hdr, flags),
		    sizeof(fl));
		fl |= IPC_F_MORE;
		memcpy(cork + last + offsetof(struct ipc_hdr, flags), &fl,
		    sizeof(fl));
	}
	assert_int_equal(ipc_send_frame(peer, cork, len), 0);
}

static void
a_frame_is_dispatched_message_by_message(void **state)
{
	open_as(ROLE_KEYD, ROLE_CHATD, &plain_tables);
	peer_sends_frame(7, 0, 0);
	spin();
	assert_int_equal(handled, 7);
	assert_int_equal(closed, 0);
}

static void
a_frame_whose_last_header_says_more_closes(void **state)
{
	open_as(ROLE_KEYD, ROLE_CHATD, &plain_tables);
	peer_sends_frame(3, 0, 1);
	spin();
	assert_int_equal(closed, 1);
	assert_string_equal(close_why, "malformed message framing");
	/* the frame's good messages before the bad header were handled */
	assert_int_equal(handled, 2);
}

static void
a_forbidden_type_inside_a_frame_closes(void **state)
{
	open_as(ROLE_KEYD, ROLE_CHATD, &plain_tables);
	/* NC_DATA_OUT goes keyd -> netd, never chatd -> keyd */
	peer_sends_frame(2, IPC_NC_DATA_OUT, 0);
	spin();
	assert_int_equal(handled, 2);
	assert_int_equal(closed, 1);
	assert_string_equal(close_why,
	    "message type not permitted on this channel");
}

static void
frames_count_toward_the_burst_by_their_messages(void **state)
{
	int	i;

	open_as(ROLE_KEYD, ROLE_CHATD, &plain_tables);
	for (i = 0; i < 20; i++)
		peer_sends_frame(10, 0, 0);
	loop_once(0);
	/* a frame begun is finished: the burst ends on a frame's edge */
	assert_true(handled >= CHAN_BURST && handled < CHAN_BURST + 10);
	assert_int_equal(handled % 10, 0);
	spin();
	assert_int_equal(handled, 200);
	assert_int_equal(closed, 0);
}

static void
a_cork_that_meets_a_full_socket_waits_whole_and_in_order(void **state)
{
	uint8_t		p[IPC_NC_PLAIN_MAX];
	uint16_t	types[64];
	uint8_t		tags[64];
	int		i, sz = 48 * 1024, total = 300, got = 0, n, k;

	open_as(ROLE_CHATD, ROLE_KEYD, &none);
	assert_int_equal(setsockopt(c.src.fd, SOL_SOCKET, SO_SNDBUF, &sz,
	    sizeof(sz)), 0);
	for (i = 0; i < total; i++) {
		plain(p, sizeof(p), (uint8_t)i);
		assert_int_equal(chan_send(&c, IPC_NC_PLAIN_OUT, 0, p,
		    sizeof(p), -1), 0);
	}
	loop_once(0);
	assert_true(c.queued > 0);	/* some corks had to wait */
	while (got < total) {
		assert_true(peer_has_frame());
		n = (int)peer_frame(types, tags, 64);
		for (k = 0; k < n; k++)
			assert_int_equal(tags[k], (uint8_t)(got + k));
		got += n;
		loop_once(0);		/* EPOLLOUT: the queue drains */
	}
	assert_int_equal(c.queued, 0);
	assert_int_equal(closed, 0);
}

static int	drained;

static void
on_drained(struct chan *ch)
{
	drained++;
}

/* The queue emptied: the sender that held back for it hears so, once. */
static void
a_queue_that_empties_says_so(void **state)
{
	uint8_t		p[IPC_NC_PLAIN_MAX];
	uint16_t	types[64];
	uint8_t		tags[64];
	int		i, sz = 48 * 1024;

	open_as(ROLE_CHATD, ROLE_KEYD, &none);
	drained = 0;
	c.on_drained = on_drained;
	assert_int_equal(setsockopt(c.src.fd, SOL_SOCKET, SO_SNDBUF, &sz,
	    sizeof(sz)), 0);
	for (i = 0; i < 300; i++) {
		plain(p, sizeof(p), (uint8_t)i);
		assert_int_equal(chan_send(&c, IPC_NC_PLAIN_OUT, 0, p,
		    sizeof(p), -1), 0);
	}
	loop_once(0);
	assert_true(c.queued > 0);
	assert_int_equal(drained, 0);	/* not while it is full */
	while (c.queued > 0) {
		assert_int_equal(drained, 0);
		assert_true(peer_has_frame());
		(void)peer_frame(types, tags, 64);
		loop_once(0);
	}
	assert_int_equal(drained, 1);
	/* nothing queued, nothing more to say */
	loop_once(0);
	assert_int_equal(drained, 1);
	assert_int_equal(closed, 0);
}

static void
a_peer_far_behind_loses_data_path_messages_not_the_channel(void **state)
{
	uint8_t	p[IPC_NC_PLAIN_MAX];
	int	i;

	open_as(ROLE_CHATD, ROLE_KEYD, &none);
	plain(p, sizeof(p), 7);
	/* 14 MB for a peer that reads nothing: past CHAN_MAX_QUEUED */
	for (i = 0; i < 10000; i++) {
		assert_int_equal(chan_send(&c, IPC_NC_PLAIN_OUT, 0, p,
		    sizeof(p), -1), 0);
		if (i % 20 == 0)
			loop_once(0);
	}
	loop_once(0);
	assert_int_equal(closed, 0);
	assert_true(c.shed > 0);
	assert_true(c.queued <= CHAN_SHED_QUEUED + CHAN_CORK_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(secret_payload_is_wiped_after_dispatch),
		T(malformed_payload_closes_the_channel),
		T(gate_refuses_with_an_error_and_unknown_types_are_answered),
		T(once_only_message_repeated_closes),
		T(one_wakeup_handles_at_most_a_burst),
		T(what_an_exited_peer_left_is_read_to_the_end),
		T(empty_messages_count_toward_the_queue_bound),
		T(request_gets_its_answer_once),
		T(answer_of_the_wrong_type_closes),
		T(requests_in_flight_fail_when_the_channel_closes),
		T(request_past_its_deadline_fails_and_its_late_answer_is_dropped),
		T(ids_are_not_reused_after_a_reopen),
		T(closing_another_channel_with_an_event_in_the_same_round),
		T(peer_leaving_with_unread_messages_is_a_close_not_a_failure),
		T(data_path_messages_leave_as_one_frame_before_the_loop_sleeps),
		T(a_message_off_the_data_path_sends_the_cork_first),
		T(a_full_cork_leaves_at_once),
		T(a_peer_far_behind_loses_data_path_messages_not_the_channel),
		T(a_cork_that_meets_a_full_socket_waits_whole_and_in_order),
		T(a_queue_that_empties_says_so),
		T(a_frame_is_dispatched_message_by_message),
		T(a_frame_whose_last_header_says_more_closes),
		T(a_forbidden_type_inside_a_frame_closes),
		T(frames_count_toward_the_burst_by_their_messages),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
