/*
 * chatd's friend connections and messenger (chatd/fconn.c,
 * chatd/messenger.c) over real channels, with chatd's own tables on
 * them and raw "keyd" and "frontend" ends: keyd's NC_SESSION and
 * NC_PLAIN_IN play the friend (its packets as keyd opened them), chatd's
 * NC_PLAIN_OUT are what it would have sealed.  Request (id 1) and ALIVE
 * (0x10) packets are the transport's and friend_connection's: the checks
 * of messenger packets skip them, as they come on timers.
 */
#include <sys/socket.h>

#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "chatd/dhtpk_in.h"
#include "chatd/fconn.h"
#include "chatd/friend_ops.h"
#include "chatd/friends.h"
#include "chatd/messenger.h"
#include "chatd/msgr_wire.h"
#include "common/loop.h"
#include "ipc/chan.h"
#include "ipc/msg_chat.h"
#include "ipc/msg_core.h"
#include "ipc/msg_dhtpk.h"
#include "ipc/msg_friend.h"
#include "ipc/msg_nc.h"
#include "ipc/msg_relays.h"
#include "tests/lib/frame_rx.h"

static struct chan	ck, cf;		/* chatd's ends */
static int		kfd = -1, ffd = -1, closed;
static struct ipc_msg	got;
static uint8_t		self_pk[TOX_PK_LEN], fpk[TOX_PK_LEN];
static uint32_t		fnum;		/* the friend's next lossless number */
static uint32_t		skipped;	/* requests and ALIVEs seen */
static uint8_t		text[3000];	/* the long message */

static const struct chan_tables from_keyd = {
	{ &friend_ops_from_keyd, &dhtpk_in_from_keyd, &fconn_from_keyd,
	  &messenger_from_keyd }
};
static const struct chan_tables from_frontend = {
	{ &friend_ops_from_frontend, &messenger_from_frontend }
};

static void
on_close(struct chan *c, const char *why)
{
	closed = 1;
}

static int
peer(struct chan *c, enum role role, const struct chan_tables *t)
{
	struct ipc_hello	h;
	uint8_t			buf[64];
	struct wr		w;
	int			sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	chan_open(c, sv[0], ROLE_CHATD, role, t, on_close, NULL);
	h.role = role;
	memcpy(h.build_id, ipc_build_id, sizeof(h.build_id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &h);
	if (ipc_send(sv[1], IPC_HELLO, 0, buf, wr_len(&w), -1) == -1 ||
	    ipc_recv(sv[1], &got) != 1 || got.hdr.type != IPC_HELLO)
		return -1;
	return sv[1];
}

/* Lets chatd run, then reads one message from fd; its type, or 0. */
static uint16_t
next_from(int fd)
{
	int	i;

	for (i = 0; i < 50 && !frame_rx_pending(fd); i++)
		loop_once(100);
	if (!frame_rx_pending(fd) || frame_rx_next(fd, &got) != 1)
		return 0;
	return got.hdr.type;
}

static void
send_wr(int fd, uint16_t type, uint32_t id, const struct wr *w)
{
	assert_true(wr_ok(w));
	assert_int_equal(ipc_send(fd, type, id, w->p, w->len, -1), 0);
}

/* A plain-out that is the transport's or friend_connection's own. */
static int
housekeeping(const struct ipc_nc_plain *p)
{
	return p->data[0] == NC_ID_REQUEST || p->data[0] == MSGR_ID_ALIVE;
}

/*
 * The next message to keyd but the transport's requests and ALIVEs; an
 * NC_PLAIN_OUT is unpacked into *p (for the friend, checked).
 */
static uint16_t
next_keyd(struct ipc_nc_plain *p)
{
	struct rd	r;
	uint16_t	t;

	for (;;) {
		if ((t = next_from(kfd)) != IPC_NC_PLAIN_OUT)
			return t;
		rd_init(&r, got.data, got.hdr.len);
		assert_int_equal(ipc_unpack_nc_plain(&r, p), 0);
		assert_memory_equal(p->pk, fpk, TOX_PK_LEN);
		if (!housekeeping(p))
			return t;
		skipped++;
	}
}

/* Lets chatd run a while: nothing but housekeeping went to keyd. */
static void
keyd_quiet(void)
{
	static struct ipc_nc_plain	p;
	struct rd			r;

	loop_once(50);
	while (frame_rx_pending(kfd)) {
		if (frame_rx_next(kfd, &got) == 0)
			break;		/* a frame's last message was read */
		assert_int_equal(got.hdr.type, IPC_NC_PLAIN_OUT);
		rd_init(&r, got.data, got.hdr.len);
		assert_int_equal(ipc_unpack_nc_plain(&r, &p), 0);
		assert_true(housekeeping(&p));
		loop_once(0);
	}
}

static int
front_quiet(void)
{
	loop_once(50);
	return !frame_rx_pending(ffd);
}

/* The next messenger packet to keyd is id (|| body); its number. */
static uint32_t
expect_pkt(uint8_t id, const void *body, size_t len)
{
	static struct ipc_nc_plain	p;

	assert_int_equal(next_keyd(&p), IPC_NC_PLAIN_OUT);
	assert_int_equal(p.data[0], id);
	assert_int_equal(p.len, len + 1);
	if (len > 0)
		assert_memory_equal(p.data + 1, body, len);
	return p.number;
}

static void
load_friend(void)
{
	static struct ipc_friends_load	ld;
	static uint8_t			buf[IPC_FRIENDS_LOAD_MAX];
	struct wr			w;

	memset(&ld, 0, sizeof(ld));
	ld.flags = FRIENDS_LOAD_FIRST | FRIENDS_LOAD_LAST;
	memcpy(ld.self_pk, self_pk, sizeof(ld.self_pk));
	ld.count = 1;
	ld.recs[0].number = 0;
	ld.recs[0].status = 3;
	memcpy(ld.recs[0].pk, fpk, TOX_PK_LEN);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friends_load(&w, &ld);
	send_wr(kfd, IPC_FRIENDS_LOAD, 0, &w);
	/* netd is to search for it (after forgetting the last test's list) */
	do {
		assert_int_equal(next_from(kfd), IPC_FRIEND_NET);
		assert_memory_equal(got.data, fpk, TOX_PK_LEN);
	} while (got.data[TOX_PK_LEN] == FRIEND_NET_GONE);
	assert_int_equal(got.data[TOX_PK_LEN], FRIEND_NET_OFFLINE);
}

static void
self_info(void)
{
	static struct ipc_self_info	s;
	static uint8_t			buf[IPC_SELF_INFO_MAX];
	struct wr			w;

	memset(&s, 0, sizeof(s));
	s.userstatus = 1;
	s.name_len = 2;
	memcpy(s.name, "me", 2);
	s.status_msg_len = 4;
	memcpy(s.status_msg, "here", 4);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_self_info(&w, &s);
	send_wr(kfd, IPC_SELF_INFO, 0, &w);
	loop_once(100);
}

static int
setup(void **state)
{
	closed = 0;
	skipped = 0;
	fnum = 0;
	memset(self_pk, 0x11, sizeof(self_pk));
	memset(fpk, 0x22, sizeof(fpk));
	if ((kfd = peer(&ck, ROLE_KEYD, &from_keyd)) == -1 ||
	    (ffd = peer(&cf, ROLE_FRONTEND, &from_frontend)) == -1)
		return -1;
	load_friend();
	self_info();
	return 0;
}

static void
session(uint8_t state)
{
	struct ipc_nc_state	st;
	uint8_t			buf[IPC_NC_STATE_LEN];
	struct wr		w;

	memcpy(st.pk, fpk, TOX_PK_LEN);
	st.state = state;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_state(&w, &st);
	send_wr(kfd, IPC_NC_SESSION, 0, &w);
	loop_once(100);
}

static int
teardown(void **state)
{
	/* chatd's tables are static: end the session and the outbox */
	session(NC_STATE_NONE);
	messenger_forget(0, fpk);
	chan_close(&ck, "test over");
	chan_close(&cf, "test over");
	frame_rx_forget(kfd);
	frame_rx_forget(ffd);
	close(kfd);
	close(ffd);
	return 0;
}

/* A packet from the friend, as keyd opened it. */
static void
from_friend(uint32_t ack, uint32_t num, const uint8_t *d, size_t len)
{
	static struct ipc_nc_plain	p;
	static uint8_t			buf[IPC_NC_PLAIN_MAX];
	struct wr			w;

	memcpy(p.pk, fpk, TOX_PK_LEN);
	p.buffer_start = ack;
	p.number = num;
	p.len = (uint16_t)len;
	memcpy(p.data, d, len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_plain(&w, &p);
	send_wr(kfd, IPC_NC_PLAIN_IN, 0, &w);
	loop_once(100);
}

/* A lossless packet from the friend: the next number, acking ack. */
static void
friend_says(uint32_t ack, const uint8_t *d, size_t len)
{
	from_friend(ack, fnum++, d, len);
}

static void
friend_online(void)
{
	static const uint8_t	online[] = { MSGR_ID_ONLINE };

	friend_says(0, online, sizeof(online));
}

/* The next CHAT_FRIEND event is a connection change to conn. */
static void
expect_conn_event(uint8_t conn)
{
	struct ipc_chat_friend	e;
	struct rd		r;

	assert_int_equal(next_from(ffd), IPC_CHAT_FRIEND);
	rd_init(&r, got.data, got.hdr.len);
	assert_int_equal(ipc_unpack_chat_friend(&r, &e), 0);
	assert_int_equal(e.number, 0);
	assert_memory_equal(e.pk, fpk, TOX_PK_LEN);
	assert_int_equal(e.what, CHAT_FRIEND_CONNECTION);
	assert_int_equal(e.len, 1);
	assert_int_equal(e.value[0], conn);
}

/*
 * A session up to the friend's ONLINE: a request first, our ONLINE the
 * first lossless packet, then with the friend's ONLINE our name, status
 * message and status, and the frontend hears of it.
 */
static void
connect_online(void)
{
	static struct ipc_nc_plain	p;
	struct rd			r;
	uint8_t				st = 1;

	session(NC_STATE_NOT_CONFIRMED);
	/* a request packet at once: it confirms the session at the peer */
	assert_int_equal(next_from(kfd), IPC_NC_PLAIN_OUT);
	rd_init(&r, got.data, got.hdr.len);
	assert_int_equal(ipc_unpack_nc_plain(&r, &p), 0);
	assert_memory_equal(p.pk, fpk, TOX_PK_LEN);
	assert_int_equal(p.data[0], NC_ID_REQUEST);
	/* nothing of the messenger's before it is established */
	keyd_quiet();
	assert_true(front_quiet());

	session(NC_STATE_ESTABLISHED);
	/* netd may stop searching; then ONLINE is lossless number 0 */
	assert_int_equal(next_keyd(&p), IPC_FRIEND_NET);
	assert_int_equal(got.data[TOX_PK_LEN], FRIEND_NET_ONLINE);
	assert_int_equal(next_keyd(&p), IPC_NC_PLAIN_OUT);
	assert_int_equal(p.data[0], MSGR_ID_ONLINE);
	assert_int_equal(p.len, 1);
	assert_int_equal(p.number, 0);
	assert_true(front_quiet());

	friend_online();
	expect_pkt(MSGR_ID_NICKNAME, "me", 2);
	expect_pkt(MSGR_ID_STATUSMESSAGE, "here", 4);
	expect_pkt(MSGR_ID_USERSTATUS, &st, 1);
	expect_conn_event(FRIEND_CONN_UDP);
	assert_true(messenger_online(0));
}

static void
online_first_then_self(void **state)
{
	static const uint8_t	msg[] = { MSGR_ID_MESSAGE, 'y', 'o' };
	struct ipc_chat_message	m;
	struct rd		r;

	connect_online();
	/* the friend's message now counts */
	friend_says(0, msg, sizeof(msg));
	assert_int_equal(next_from(ffd), IPC_CHAT_MESSAGE);
	rd_init(&r, got.data, got.hdr.len);
	assert_int_equal(ipc_unpack_chat_message(&r, &m), 0);
	assert_int_equal(m.number, 0);
	assert_memory_equal(m.pk, fpk, TOX_PK_LEN);
	assert_int_equal(m.action, 0);
	assert_int_equal(m.len, 2);
	assert_memory_equal(m.text, "yo", 2);
	/* a second ONLINE changes nothing */
	friend_online();
	keyd_quiet();
	assert_true(front_quiet());
	assert_false(closed);
}

static void
before_online_ignored(void **state)
{
	static const uint8_t	msg[] = { MSGR_ID_MESSAGE, 'e', 'a', 'r' };
	static const uint8_t	name[] = { MSGR_ID_NICKNAME, 'n' };
	static struct ipc_nc_plain	p;

	session(NC_STATE_NOT_CONFIRMED);
	session(NC_STATE_ESTABLISHED);
	assert_int_equal(next_keyd(&p), IPC_FRIEND_NET);
	assert_int_equal(next_keyd(&p), IPC_NC_PLAIN_OUT);
	assert_int_equal(p.data[0], MSGR_ID_ONLINE);
	/* established, but the friend has not said ONLINE: dropped */
	friend_says(0, msg, sizeof(msg));
	friend_says(0, name, sizeof(name));
	assert_true(front_quiet());
	keyd_quiet();
	assert_false(messenger_online(0));
	/* its ONLINE: then it counts */
	friend_online();
	expect_pkt(MSGR_ID_NICKNAME, "me", 2);
	expect_conn_event(FRIEND_CONN_UDP);
	friend_says(0, msg, sizeof(msg));
	assert_int_equal(next_from(ffd), IPC_CHAT_MESSAGE);
	assert_false(closed);
}

/* "ab", 999 three-byte characters, "c": a naive cut at 1372 splits one. */
static void
make_text(void)
{
	size_t	i, o = 0;

	text[o++] = 'a';
	text[o++] = 'b';
	for (i = 0; i < 999; i++) {
		text[o++] = 0xe2;	/* U+20AC */
		text[o++] = 0x82;
		text[o++] = 0xac;
	}
	text[o++] = 'c';
	assert_int_equal(o, sizeof(text));
}

/* CHAT_SEND of the text; returns the id of keyd's OUTBOX_PUT request. */
static uint32_t
chat_send(uint32_t id)
{
	static struct ipc_chat_send	s;
	static struct ipc_outbox_put	op;
	static uint8_t			buf[IPC_CHAT_SEND_MAX];
	static struct ipc_nc_plain	p;
	struct wr			w;
	struct rd			r;

	memset(&s, 0, sizeof(s));
	s.ref.by_pk = 1;
	memcpy(s.ref.pk, fpk, TOX_PK_LEN);
	s.len = sizeof(text);
	memcpy(s.text, text, sizeof(text));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_send(&w, &s);
	send_wr(ffd, IPC_CHAT_SEND, id, &w);
	assert_int_equal(next_keyd(&p), IPC_OUTBOX_PUT);
	rd_init(&r, got.data, got.hdr.len);
	assert_int_equal(ipc_unpack_outbox_put(&r, &op), 0);
	assert_memory_equal(op.pk, fpk, TOX_PK_LEN);
	assert_int_equal(op.action, 0);
	assert_int_equal(op.len, sizeof(text));
	assert_memory_equal(op.text, text, sizeof(text));
	return got.hdr.id;
}

static void
keyd_stored(uint32_t req, uint64_t oid)
{
	uint8_t		buf[IPC_OUTBOX_ID_LEN];
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_outbox_id(&w, oid);
	send_wr(kfd, IPC_OUTBOX_STORED, req, &w);
}

static void
expect_chat_id(uint16_t type, uint32_t hdr_id, uint64_t oid)
{
	struct ipc_chat_id	a;
	struct rd		r;

	assert_int_equal(next_from(ffd), type);
	assert_int_equal(got.hdr.id, hdr_id);
	rd_init(&r, got.data, got.hdr.len);
	assert_int_equal(ipc_unpack_chat_id(&r, &a), 0);
	assert_int_equal(a.number, 0);
	assert_memory_equal(a.pk, fpk, TOX_PK_LEN);
	assert_int_equal(a.message_id, oid);
}

/*
 * The text goes out as MESSAGE packets: three, each at most 1372 bytes,
 * none ending inside a character, together the text.  Returns the
 * number of the last.
 */
static uint32_t
expect_parts(void)
{
	static struct ipc_nc_plain	p;
	static uint8_t			all[sizeof(text)];
	size_t				o = 0, len;
	uint32_t			num = 0;
	int				i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(next_keyd(&p), IPC_NC_PLAIN_OUT);
		assert_int_equal(p.data[0], MSGR_ID_MESSAGE);
		len = p.len - 1u;
		assert_true(len >= 1 && len <= MSGR_TEXT_MAX);
		assert_true(o + len <= sizeof(text));
		if (i > 0)
			assert_int_equal(p.number, num + 1);
		num = p.number;
		memcpy(all + o, p.data + 1, len);
		o += len;
		/* the next part starts a character, not inside one */
		if (o < sizeof(text))
			assert_int_not_equal(text[o] & 0xc0, 0x80);
	}
	assert_int_equal(o, sizeof(text));
	assert_memory_equal(all, text, sizeof(text));
	return num;
}

static void
ack(uint32_t buffer_start)
{
	static const uint8_t	alive[] = { MSGR_ID_ALIVE };

	friend_says(buffer_start, alive, sizeof(alive));
}

static void
expect_outbox_del(uint64_t oid)
{
	static struct ipc_nc_plain	p;
	uint64_t			id;
	struct rd			r;

	assert_int_equal(next_keyd(&p), IPC_OUTBOX_DEL);
	rd_init(&r, got.data, got.hdr.len);
	assert_int_equal(ipc_unpack_outbox_id(&r, &id), 0);
	assert_int_equal(id, oid);
}

static void
send_split_and_receipt(void **state)
{
	uint32_t	req, last;

	make_text();
	connect_online();
	req = chat_send(70);
	/* not before keyd stored it: no answer, nothing to the friend */
	assert_true(front_quiet());
	keyd_quiet();
	keyd_stored(req, 77);
	expect_chat_id(IPC_CHAT_SENT, 70, 77);
	last = expect_parts();
	assert_int_equal(chatd_outbox_count(0), 1);
	/* acked up to the part before the last: no receipt yet */
	ack(last);
	assert_true(front_quiet());
	keyd_quiet();
	assert_int_equal(chatd_outbox_count(0), 1);
	/* the last part acked: delivered */
	ack(last + 1);
	expect_chat_id(IPC_CHAT_RECEIPT, 0, 77);
	expect_outbox_del(77);
	assert_int_equal(chatd_outbox_count(0), 0);
	/* and only once */
	ack(last + 1);
	assert_true(front_quiet());
	keyd_quiet();
	assert_false(closed);
}

static void
session_lost_sends_again(void **state)
{
	static struct ipc_nc_plain	p;
	uint32_t			req, last;

	make_text();
	connect_online();
	req = chat_send(71);
	keyd_stored(req, 78);
	expect_chat_id(IPC_CHAT_SENT, 71, 78);
	(void)expect_parts();
	/* the session ends before the ack */
	session(NC_STATE_NONE);
	expect_conn_event(FRIEND_CONN_NONE);
	assert_int_equal(next_keyd(&p), IPC_FRIEND_NET);
	assert_int_equal(got.data[TOX_PK_LEN], FRIEND_NET_OFFLINE);
	assert_false(messenger_online(0));
	assert_int_equal(chatd_outbox_count(0), 1);
	/* a new one: numbers from 0 again, and the whole message again */
	fnum = 0;
	connect_online();
	last = expect_parts();
	ack(last + 1);
	expect_chat_id(IPC_CHAT_RECEIPT, 0, 78);
	expect_outbox_del(78);
	assert_int_equal(chatd_outbox_count(0), 0);
	assert_false(closed);
}

static void
outbox_load_sent_once_online(void **state)
{
	static struct ipc_outbox_load	ld;
	static uint8_t			buf[IPC_OUTBOX_LOAD_MAX];
	struct wr			w;
	uint32_t			last;

	make_text();
	memset(&ld, 0, sizeof(ld));
	ld.id = 5;
	memcpy(ld.m.pk, fpk, TOX_PK_LEN);
	ld.m.len = 5;
	memcpy(ld.m.text, "later", 5);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_outbox_load(&w, &ld);
	send_wr(kfd, IPC_OUTBOX_LOAD, 0, &w);
	/* the friend is offline: kept */
	keyd_quiet();
	assert_true(front_quiet());
	assert_int_equal(chatd_outbox_count(0), 1);
	connect_online();
	last = expect_pkt(MSGR_ID_MESSAGE, "later", 5);
	assert_int_equal(chatd_outbox_count(0), 1);
	keyd_quiet();
	ack(last + 1);
	expect_chat_id(IPC_CHAT_RECEIPT, 0, 5);
	expect_outbox_del(5);
	assert_int_equal(chatd_outbox_count(0), 0);
	assert_false(closed);
}

static int
group_setup(void **state)
{
	loop_init();
	friend_ops_init(&ck, &cf);
	messenger_init(&ck, &cf);
	return 0;
}

/* NET_RELAYS from keyd: entry 0 up with an address, entry 1 a name. */
static void
relays_from_keyd(int up)
{
	static struct ipc_net_relays	rl;
	static uint8_t			buf[IPC_NET_RELAYS_MAX_LEN];
	struct wr			w;

	memset(&rl, 0, sizeof(rl));
	rl.server_clients = IPC_RELAY_NO_SERVER;
	if (up) {
		rl.n = 2;
		memset(rl.r[0].pk, 0x31, 32);
		rl.r[0].state = IPC_RELAY_UP;
		rl.r[0].family = 4;
		rl.r[0].ip[0] = 203;
		rl.r[0].ip[3] = 7;
		rl.r[0].port = 443;
		strcpy(rl.r[0].where, "203.0.0.7:443");
		memset(rl.r[1].pk, 0x32, 32);
		rl.r[1].state = IPC_RELAY_UP;
		strcpy(rl.r[1].where, "relay.onion:443");
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_relays(&w, &rl);
	send_wr(kfd, IPC_NET_RELAYS, 0, &w);
}

/*
 * Our relays whose link is up go to a connected friend as SHARE_RELAYS
 * (a name only a proxy resolves does not); netd's NC_PATH makes the
 * friend's connection "tcp" for the user.
 */
static void
relays_shared_and_path(void **state)
{
	static struct ipc_nc_plain	p;
	struct ipc_nc_path		np;
	struct msgr_pkt			pkt;
	uint8_t				buf[IPC_NC_PATH_LEN];
	struct wr			w;

	connect_online();
	relays_from_keyd(1);
	assert_int_equal(next_keyd(&p), IPC_NC_PLAIN_OUT);
	assert_int_equal(p.data[0], MSGR_ID_SHARE_RELAYS);
	assert_int_equal(msgr_parse(p.data, p.len, &pkt), MSGR_SHARE_RELAYS);
	assert_int_equal(pkt.nrelays, 1);
	assert_int_equal(pkt.relays[0].family, PN_TCP4);
	assert_int_equal(pkt.relays[0].port, 443);
	assert_int_equal(pkt.relays[0].ip[0], 203);
	assert_int_equal(pkt.relays[0].pk[0], 0x31);
	memcpy(np.pk, fpk, TOX_PK_LEN);
	np.path = NC_PATH_TCP;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_path(&w, &np);
	send_wr(kfd, IPC_NC_PATH, 0, &w);
	expect_conn_event(FRIEND_CONN_TCP);
	/* the same path again is no news */
	send_wr(kfd, IPC_NC_PATH, 0, &w);
	assert_true(front_quiet());
	relays_from_keyd(0);	/* the next test starts without */
	keyd_quiet();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(online_first_then_self,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(before_online_ignored,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(send_split_and_receipt,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(session_lost_sends_again,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(outbox_load_sent_once_online,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(relays_shared_and_path,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
