/*
 * A file crossing chatd's messenger (chatd/messenger.c, chatd/files.c,
 * chatd/fconn.c) both ways, over real channels with chatd's own tables
 * on them: a raw "keyd" end plays the friend, whose file-transfer engine
 * (chatd/ftx.c, a second one in the test) talks to chatd's through the
 * NC_PLAIN_IN and NC_PLAIN_OUT messages keyd would seal and open.  The
 * friend acknowledges what chatd sent (its buffer_start) so chatd's
 * window moves; chatd's acknowledgements end the friend's own sends.
 * Then the session ends half way: chatd drops the transfer and says so.
 */
#include <sys/socket.h>

#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "chatd/dhtpk_in.h"
#include "chatd/fconn.h"
#include "chatd/files.h"
#include "chatd/friend_ops.h"
#include "chatd/ftx.h"
#include "chatd/messenger.h"
#include "chatd/msgr_wire.h"
#include "common/loop.h"
#include "ipc/chan.h"
#include "ipc/msg_core.h"
#include "ipc/msg_friend.h"
#include "ipc/msg_nc.h"
#include "tests/lib/frame_rx.h"

/* Below the transport's first 64 bulk tokens: no wait for the rate. */
#define FSIZE	(50 * FILE_CHUNK + 321)

static struct chan	ck, cf;
static int		kfd = -1, ffd = -1;
static struct ipc_msg	got;
static uint8_t		self_pk[TOX_PK_LEN], fpk[TOX_PK_LEN];
static uint32_t		fnum;		/* the friend's next lossless number */
static uint32_t		chatd_next;	/* after chatd's last lossless one */
static uint32_t		acked_upto;	/* the friend's packets chatd acked */
static struct ftx	*friend_e;
static int		 f_budget;	/* chunks the friend may send, or -1 */
static uint8_t		 file[FSIZE], in_chatd[FSIZE], in_friend[FSIZE];

/* What each side's file hooks saw. */
static struct {
	unsigned	offers, done, killed, accepted;
	enum ftx_why	why;
	uint64_t	done_pos;
} c_ev, f_ev;

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

static void
send_wr(int fd, uint16_t type, const struct wr *w)
{
	assert_true(wr_ok(w));
	assert_int_equal(ipc_send(fd, type, 0, w->p, w->len, -1), 0);
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
	send_wr(kfd, IPC_NC_SESSION, &w);
	loop_once(100);
}

/* A lossless packet from the friend, acking what chatd sent. */
static int64_t
friend_says(const uint8_t *d, size_t len)
{
	static struct ipc_nc_plain	p;
	static uint8_t			buf[IPC_NC_PLAIN_MAX];
	struct wr			w;

	memcpy(p.pk, fpk, TOX_PK_LEN);
	p.buffer_start = chatd_next;
	p.number = fnum;
	p.len = (uint16_t)len;
	memcpy(p.data, d, len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_plain(&w, &p);
	send_wr(kfd, IPC_NC_PLAIN_IN, &w);
	loop_once(100);
	return fnum++;
}

/* The friend's engine. */
static int64_t
f_send(void *arg, const uint8_t *p, size_t len, int bulk)
{
	/* a window that stays full after some chunks: half way */
	if (bulk && f_budget >= 0 && f_budget-- == 0) {
		f_budget = 0;
		return -1;
	}
	return friend_says(p, len);
}

static ssize_t
f_read(void *arg, unsigned slot, uint64_t off, uint8_t *buf, size_t max)
{
	size_t	n = FSIZE - off < max ? (size_t)(FSIZE - off) : max;

	memcpy(buf, file + off, n);
	return (ssize_t)n;
}

static int
f_write(void *arg, unsigned slot, uint64_t off, const uint8_t *p, size_t n)
{
	assert_true(off + n <= FSIZE);
	memcpy(in_friend + off, p, n);
	return 0;
}

static void
tally(const struct ftx_event *ev, __typeof__(c_ev) *t)
{
	switch (ev->type) {
	case FTX_EV_OFFER:
		t->offers++;
		break;
	case FTX_EV_ACCEPTED:
		t->accepted++;
		break;
	case FTX_EV_DONE:
		t->done++;
		t->done_pos = ev->pos;
		break;
	case FTX_EV_KILLED:
		t->killed++;
		t->why = ev->why;
		break;
	default:
		break;
	}
}

static void
f_event(void *arg, const struct ftx_event *ev)
{
	tally(ev, &f_ev);
	if (ev->type == FTX_EV_OFFER)
		assert_int_equal(ftx_accept(friend_e, ev->slot, 0), 0);
}

/* chatd's io hooks (the lead's glue, later: descriptors). */
static ssize_t
c_read(unsigned fr, unsigned slot, uint64_t off, uint8_t *buf, size_t max)
{
	assert_int_equal(fr, 0);
	return f_read(NULL, slot, off, buf, max);
}

static int
c_write(unsigned fr, unsigned slot, uint64_t off, const uint8_t *p,
    size_t n)
{
	assert_int_equal(fr, 0);
	assert_true(off + n <= FSIZE);
	memcpy(in_chatd + off, p, n);
	return 0;
}

static void
c_event(unsigned fr, const struct ftx_event *ev)
{
	assert_int_equal(fr, 0);
	tally(ev, &c_ev);
	if (ev->type == FTX_EV_OFFER) {
		assert_true(ev->req->size == FSIZE);
		assert_int_equal(ev->req->name_len, 3);
		assert_memory_equal(ev->req->name, "f.b", 3);
		assert_int_equal(ftx_accept(files_ftx(fr), ev->slot, 0), 0);
	}
}

static const struct files_io	io = { c_read, c_write, c_event, NULL };

/*
 * Lets chatd run and hands what it sent to the friend: file packets to
 * its engine, the acks of the friend's packets to it.  Then one ALIVE
 * acks chatd's packets.  Returns how many lossless packets came.
 */
static unsigned
exchange(void)
{
	static struct ipc_nc_plain	p;
	static const uint8_t		alive[] = { MSGR_ID_ALIVE };
	struct rd			r;
	unsigned			n = 0;

	loop_once(20);
	while (frame_rx_pending(kfd)) {
		if (frame_rx_next(kfd, &got) == 0)
			break;		/* a frame's last message was read */
		assert_int_equal(got.hdr.type != 0, 1);
		if (got.hdr.type != IPC_NC_PLAIN_OUT) {
			loop_once(0);
			continue;
		}
		rd_init(&r, got.data, got.hdr.len);
		assert_int_equal(ipc_unpack_nc_plain(&r, &p), 0);
		while (acked_upto < p.buffer_start)
			ftx_acked(friend_e, acked_upto++);
		if (p.data[0] >= NC_ID_LOSSLESS_MIN &&
		    p.data[0] <= NC_ID_LOSSLESS_MAX) {
			assert_int_equal(p.number, chatd_next);
			chatd_next++;
			n++;
			if (file_is_file_id(p.data[0]))
				assert_int_equal(ftx_recv(friend_e, p.data,
				    p.len), 0);
		}
		loop_once(0);
	}
	if (n > 0)
		(void)friend_says(alive, sizeof(alive));
	return n;
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
	send_wr(kfd, IPC_FRIENDS_LOAD, &w);
	loop_once(100);
}

static void
connect_online(void)
{
	static const uint8_t	online[] = { MSGR_ID_ONLINE };

	session(NC_STATE_NOT_CONFIRMED);
	session(NC_STATE_ESTABLISHED);
	(void)friend_says(online, sizeof(online));
	(void)exchange();
	assert_true(messenger_online(0));
	assert_non_null(files_ftx(0));
}

static int
setup(void **state)
{
	static const struct ftx_cb	cb = {
		f_send, f_read, f_write, f_event, NULL
	};
	size_t				i;

	fnum = chatd_next = acked_upto = 0;
	f_budget = -1;
	memset(&c_ev, 0, sizeof(c_ev));
	memset(&f_ev, 0, sizeof(f_ev));
	memset(in_chatd, 0, sizeof(in_chatd));
	memset(in_friend, 0, sizeof(in_friend));
	for (i = 0; i < sizeof(file); i++)
		file[i] = (uint8_t)(i * 131 + (i >> 9));
	memset(self_pk, 0x11, sizeof(self_pk));
	memset(fpk, 0x33, sizeof(fpk));
	if ((friend_e = calloc(1, sizeof(*friend_e))) == NULL)
		return -1;
	ftx_init(friend_e, &cb);
	if ((kfd = peer(&ck, ROLE_KEYD, &from_keyd)) == -1 ||
	    (ffd = peer(&cf, ROLE_FRONTEND, &from_frontend)) == -1)
		return -1;
	files_set_io(&io);
	load_friend();
	connect_online();
	return 0;
}

static int
teardown(void **state)
{
	session(NC_STATE_NONE);
	messenger_forget(0, fpk);
	files_set_io(NULL);
	chan_close(&ck, "test over");
	chan_close(&cf, "test over");
	frame_rx_forget(kfd);
	close(kfd);
	close(ffd);
	free(friend_e);
	return 0;
}

static void
files_cross_both_ways(void **state)
{
	uint8_t	id[FILE_ID_LEN];
	int	slot, i;

	memset(id, 0x44, sizeof(id));
	/* chatd sends: an offer, the friend accepts, the chunks cross */
	slot = ftx_offer(files_ftx(0), FILE_KIND_DATA, FSIZE, id,
	    (const uint8_t *)"f.b", 3);
	assert_int_equal(slot, 0);
	files_pump(0);
	for (i = 0; i < 200 && (f_ev.done == 0 || c_ev.done == 0); i++)
		(void)exchange();
	assert_int_equal(f_ev.offers, 1);
	assert_int_equal(c_ev.accepted, 1);
	assert_int_equal(f_ev.done, 1);
	assert_true(f_ev.done_pos == FSIZE);
	assert_memory_equal(in_friend, file, FSIZE);
	/* the sender's done: the friend acknowledged the last chunk */
	assert_int_equal(c_ev.done, 1);
	/* the friend sends: chatd's hooks accept, the chunks are written */
	slot = ftx_offer(friend_e, FILE_KIND_DATA, FSIZE, id,
	    (const uint8_t *)"f.b", 3);
	assert_int_equal(slot, 0);
	for (i = 0; i < 200 && (c_ev.done < 2 || f_ev.done < 2); i++)
		(void)exchange();
	assert_int_equal(c_ev.offers, 1);
	assert_int_equal(f_ev.accepted, 1);
	assert_int_equal(c_ev.done, 2);
	assert_true(c_ev.done_pos == FSIZE);
	assert_memory_equal(in_chatd, file, FSIZE);
	assert_int_equal(f_ev.done, 2);
	assert_int_equal(c_ev.killed + f_ev.killed, 0);
}

static void
files_dropped_when_offline(void **state)
{
	uint8_t	id[FILE_ID_LEN];

	memset(id, 0x55, sizeof(id));
	/* the friend's offer, accepted by chatd, a few chunks */
	f_budget = 5;
	assert_int_equal(ftx_offer(friend_e, FILE_KIND_DATA, FSIZE, id,
	    (const uint8_t *)"f.b", 3), 0);
	(void)exchange();
	assert_int_equal(c_ev.offers, 1);
	assert_int_equal(c_ev.killed, 0);
	assert_memory_equal(in_chatd, file, 5 * FILE_CHUNK);
	assert_int_equal(in_chatd[5 * FILE_CHUNK], 0);
	assert_int_equal(ftx_slot(files_ftx(0), 0, 0)->state, FTX_RUNNING);
	/* the session ends: chatd drops it, with an event */
	session(NC_STATE_NONE);
	assert_int_equal(c_ev.killed, 1);
	assert_int_equal(c_ev.why, FTX_WHY_OFFLINE);
	assert_null(files_ftx(0));
	assert_int_equal(c_ev.done, 0);
}

static int
group_setup(void **state)
{
	loop_init();
	friend_ops_init(&ck, &cf);
	messenger_init(&ck, &cf);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(files_cross_both_ways,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(files_dropped_when_offline,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
