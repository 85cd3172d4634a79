/*
 * The user's file transfers in chatd (chatd/file_ops.c) when the friend
 * goes away under them: removed by the user, or missing from a friend
 * list keyd loads anew.  chatd runs on real channels with its own
 * tables; a raw "keyd" end plays the friend (a second file engine,
 * chatd/ftx.c, behind the NC_PLAIN messages keyd would seal and open)
 * and a raw "frontend" end sends FILE_SEND and FILE_CTL with descriptors
 * of scratch files.  Each transfer's descriptor must be closed when the
 * friend goes (no descriptor in the process refers to the file but the
 * test's own), its slot freed and the frontend told: FILE_EVENT
 * CANCELLED.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "chatd/avatar.h"
#include "chatd/dhtpk_in.h"
#include "chatd/fconn.h"
#include "chatd/file_ops.h"
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
#include "ipc/msg_xfer.h"
#include "tests/lib/frame_rx.h"

/* What the friend sends us: more than a few chunks, fewer than 64. */
#define FSIZE	(50 * FILE_CHUNK + 321)
/* What we send the friend: far more than a test lets cross. */
#define BIGSIZE	(64ull * 1024 * 1024)

static struct chan	ck, cf;
static int		kfd = -1, ffd = -1;
static struct ipc_msg	got;
static uint8_t		self_pk[TOX_PK_LEN], fpk[TOX_PK_LEN];
static uint32_t		fnum;		/* the friend's next lossless one */
static uint32_t		chatd_next;	/* after chatd's last lossless one */
static uint32_t		acked_upto;	/* what chatd acked of the friend */
static struct ftx	*friend_e;
static int		 f_budget;	/* chunks it may send, or -1 */
static uint8_t		 file[FSIZE];
static uint64_t		 f_got;		/* bytes of ours it has */
static unsigned		 f_killed;	/* the friend heard kills */
static uint32_t		 req_id = 100;

/* What the frontend heard. */
static struct ipc_file_event	fev[16];
static unsigned			nfev;
static uint32_t			ans_file, ok_id;
static int			have_ans;
/* keyd's answer to FRIEND_DEL: at once, or held (its id kept) */
static int			hold_del;
static uint32_t			held_del;

static const struct chan_tables from_keyd = {
	{ &friend_ops_from_keyd, &dhtpk_in_from_keyd, &fconn_from_keyd,
	  &messenger_from_keyd, &avatar_from_keyd }
};
static const struct chan_tables from_frontend = {
	{ &friend_ops_from_frontend, &messenger_from_frontend,
	  &file_ops_from_frontend }
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
send_wr(int fd, uint16_t type, uint32_t id, const struct wr *w, int pass)
{
	assert_true(wr_ok(w));
	assert_int_equal(ipc_send(fd, type, id, w->p, w->len, pass), 0);
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
	send_wr(kfd, IPC_NC_SESSION, 0, &w, -1);
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
	send_wr(kfd, IPC_NC_PLAIN_IN, 0, &w, -1);
	loop_once(100);
	return fnum++;
}

/* The friend's engine: it takes what we offer, into nothing. */
static int64_t
f_send(void *arg, const uint8_t *p, size_t len, int bulk)
{
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
	f_got = off + n;
	return 0;
}

static void
f_event(void *arg, const struct ftx_event *ev)
{
	if (ev->type == FTX_EV_OFFER)
		assert_int_equal(ftx_accept(friend_e, ev->slot, 0), 0);
	if (ev->type == FTX_EV_KILLED)
		f_killed++;
}

/* What chatd sent the frontend: file events, answers, OKs. */
static void
frontend_reads(void)
{
	struct ipc_file_ans	a;
	struct rd		r;

	loop_once(0);
	while (frame_rx_pending(ffd)) {
		if (frame_rx_next(ffd, &got) != 1)
			break;
		rd_init(&r, got.data, got.hdr.len);
		switch (got.hdr.type) {
		case IPC_FILE_EVENT:
			assert_true(nfev < sizeof(fev) / sizeof(fev[0]));
			assert_int_equal(ipc_unpack_file_event(&r,
			    &fev[nfev]), 0);
			/* progress is timed: not counted */
			if (fev[nfev].what != XFER_EV_PROGRESS)
				nfev++;
			break;
		case IPC_FILE_ANS:
			assert_int_equal(ipc_unpack_file_ans(&r, &a), 0);
			ans_file = a.file;
			have_ans = 1;
			break;
		case IPC_OK:
			ok_id = got.hdr.id;
			break;
		case IPC_ERROR:
			fail_msg("chatd refused request %u", got.hdr.id);
			break;
		default:
			break;
		}
		if (got.fd != -1)
			close(got.fd);
	}
}

/*
 * Lets chatd run and hands what it sent to the friend: file packets to
 * its engine, the acks of the friend's packets to it; FRIEND_DEL is
 * answered as keyd would.  Then one ALIVE acks chatd's packets.
 */
static void
exchange(void)
{
	static struct ipc_nc_plain	p;
	static const uint8_t		alive[] = { MSGR_ID_ALIVE };
	struct rd			r;
	unsigned			n = 0;

	loop_once(20);
	while (frame_rx_pending(kfd)) {
		if (frame_rx_next(kfd, &got) == 0)
			break;
		if (got.hdr.type == IPC_FRIEND_DEL && hold_del) {
			held_del = got.hdr.id;
			continue;
		}
		if (got.hdr.type == IPC_FRIEND_DEL) {
			assert_int_equal(ipc_send(kfd, IPC_OK, got.hdr.id,
			    NULL, 0, -1), 0);
			loop_once(0);
			continue;
		}
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
	frontend_reads();
}

/* keyd's friend list: the friend at number 0, or nobody. */
static void
load_list(int with_friend)
{
	static struct ipc_friends_load	ld;
	static uint8_t			buf[IPC_FRIENDS_LOAD_MAX];
	struct wr			w;

	memset(&ld, 0, sizeof(ld));
	ld.flags = FRIENDS_LOAD_FIRST | FRIENDS_LOAD_LAST;
	memcpy(ld.self_pk, self_pk, sizeof(ld.self_pk));
	if (with_friend) {
		ld.count = 1;
		ld.recs[0].number = 0;
		ld.recs[0].status = 3;
		memcpy(ld.recs[0].pk, fpk, TOX_PK_LEN);
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friends_load(&w, &ld);
	send_wr(kfd, IPC_FRIENDS_LOAD, 0, &w, -1);
	loop_once(100);
}

static void
connect_online(void)
{
	static const uint8_t	online[] = { MSGR_ID_ONLINE };

	session(NC_STATE_NOT_CONFIRMED);
	session(NC_STATE_ESTABLISHED);
	(void)friend_says(online, sizeof(online));
	exchange();
	assert_true(messenger_online(0));
	assert_non_null(files_ftx(0));
}

/* A scratch file of size bytes (a hole), already unlinked. */
static int
scratch(uint64_t size)
{
	char	path[] = "/tmp/test_chatd_file_ops.XXXXXX";
	int	fd;

	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	return fd;
}

/* How many descriptors of this process refer to fd's file. */
static unsigned
opened(int fd)
{
	struct stat	a, b;
	unsigned	c = 0;
	int		i;

	assert_int_equal(fstat(fd, &a), 0);
	for (i = 0; i < 4096; i++)
		if (fstat(i, &b) == 0 && b.st_dev == a.st_dev &&
		    b.st_ino == a.st_ino)
			c++;
	return c;
}

static void
ref0(struct ipc_friend_remove *ref)
{
	memset(ref, 0, sizeof(*ref));
	ref->number = 0;
}

/* The frontend sends the friend a file on fd: its file number. */
static uint32_t
send_file(int fd, uint64_t size)
{
	static struct ipc_file_send	s;
	uint8_t				buf[IPC_FILE_SEND_MAX];
	struct wr			w;

	memset(&s, 0, sizeof(s));
	ref0(&s.ref);
	s.kind = FILE_KIND_DATA;
	s.size = size;
	s.name_len = 3;
	memcpy(s.name, "o.b", 3);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_send(&w, &s);
	have_ans = 0;
	send_wr(ffd, IPC_FILE_SEND, ++req_id, &w, fd);
	loop_once(100);
	frontend_reads();
	assert_true(have_ans);
	return ans_file;
}

/* The frontend accepts the friend's offer file into fd. */
static void
accept_file(uint32_t num, int fd)
{
	struct ipc_file_ctl	q;
	uint8_t			buf[IPC_FILE_CTL_LEN];
	struct wr		w;

	memset(&q, 0, sizeof(q));
	ref0(&q.ref);
	q.file = num;
	q.op = XFER_ACCEPT;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_ctl(&w, &q);
	have_ans = 0;
	send_wr(ffd, IPC_FILE_CTL, ++req_id, &w, fd);
	loop_once(100);
	frontend_reads();
	assert_true(have_ans);
}

/* The last file event of what for file num, or NULL. */
static const struct ipc_file_event *
event_of(uint32_t num, uint8_t what)
{
	unsigned	i;

	for (i = nfev; i-- > 0;)
		if (fev[i].file == num && fev[i].what == what)
			return &fev[i];
	return NULL;
}

/*
 * Two transfers under way, one each way, each on a descriptor of a
 * scratch file that chatd holds too: *out and *in are the test's
 * descriptors, the file numbers in *nout and *nin.
 */
static void
two_transfers(int *out, int *in, uint32_t *nout, uint32_t *nin)
{
	const struct ipc_file_event	*e;
	uint8_t				 id[FILE_ID_LEN];
	int				 i;

	*out = scratch(BIGSIZE);
	*in = scratch(0);
	/* ours: the friend accepts, some chunks cross */
	*nout = send_file(*out, BIGSIZE);
	for (i = 0; i < 5; i++)
		exchange();
	assert_non_null(event_of(*nout, XFER_EV_ACCEPTED));
	assert_true(f_got > 0 && f_got < BIGSIZE);
	/* theirs: offered, accepted into *in, five chunks come */
	memset(id, 0x55, sizeof(id));
	f_budget = 5;
	assert_true(ftx_offer(friend_e, FILE_KIND_DATA, FSIZE, id,
	    (const uint8_t *)"i.b", 3) >= 0);
	exchange();
	assert_non_null(e = event_of(XFER_NUM_IN(0), XFER_EV_OFFER));
	assert_true(e->size == FSIZE);
	*nin = e->file;
	accept_file(*nin, *in);
	for (i = 0; i < 3; i++)
		exchange();
	assert_int_equal(ftx_slot(files_ftx(0), 0, 0)->state, FTX_RUNNING);
	assert_int_equal(ftx_slot(files_ftx(0), 1, 0)->state, FTX_RUNNING);
	/* chatd holds a descriptor of each file beside ours */
	assert_int_equal(file_ops_held(0), 2);
	assert_int_equal(opened(*out), 2);
	assert_int_equal(opened(*in), 2);
	assert_null(event_of(*nout, XFER_EV_CANCELLED));
	assert_null(event_of(*nin, XFER_EV_CANCELLED));
}

/* Both transfers ended for the frontend: cancelled, the friend gone. */
static void
both_cancelled(uint32_t nout, uint32_t nin)
{
	const struct ipc_file_event	*e;

	assert_non_null(e = event_of(nout, XFER_EV_CANCELLED));
	assert_int_equal(e->why, XFER_WHY_OFFLINE);
	assert_int_equal(e->number, 0);
	assert_memory_equal(e->pk, fpk, TOX_PK_LEN);
	assert_non_null(e = event_of(nin, XFER_EV_CANCELLED));
	assert_int_equal(e->why, XFER_WHY_OFFLINE);
	assert_memory_equal(e->pk, fpk, TOX_PK_LEN);
	assert_null(event_of(nin, XFER_EV_DONE));
	assert_null(event_of(nout, XFER_EV_DONE));
}

static int
setup(void **state)
{
	static const struct ftx_cb	cb = {
		f_send, f_read, f_write, f_event, NULL
	};
	size_t				i;

	fnum = chatd_next = acked_upto = 0;
	hold_del = 0;
	held_del = 0;
	f_budget = -1;
	f_got = 0;
	f_killed = 0;
	nfev = 0;
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
	load_list(1);
	connect_online();
	return 0;
}

static int
teardown(void **state)
{
	session(NC_STATE_NONE);
	messenger_forget(0, fpk);
	chan_close(&ck, "test over");
	chan_close(&cf, "test over");
	frame_rx_forget(kfd);
	frame_rx_forget(ffd);
	close(kfd);
	close(ffd);
	free(friend_e);
	return 0;
}

/* The user removes the friend while a file goes each way. */
static void
removal_closes_files(void **state)
{
	struct ipc_friend_remove	rm;
	uint8_t				buf[IPC_FRIEND_REMOVE_LEN];
	struct wr			w;
	uint32_t			nout, nin;
	int				out, in, i;

	two_transfers(&out, &in, &nout, &nin);
	ref0(&rm);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_remove(&w, &rm);
	ok_id = 0;
	send_wr(ffd, IPC_FRIEND_REMOVE, ++req_id, &w, -1);
	for (i = 0; i < 20 && ok_id != req_id; i++)
		exchange();
	assert_int_equal(ok_id, req_id);
	assert_null(friends_get(friend_ops_friends(), 0));
	assert_null(files_ftx(0));
	/* the descriptors are closed, the slots free, the frontend told */
	assert_int_equal(opened(out), 1);
	assert_int_equal(opened(in), 1);
	assert_int_equal(file_ops_held(0), 0);
	both_cancelled(nout, nin);
	close(out);
	close(in);
}

/*
 * keyd loads the list anew (another profile, edited elsewhere): a list
 * that keeps the friend keeps its files; one without it ends them, the
 * friend told too while its session lasts.
 */
static void
reload_without_friend_closes_files(void **state)
{
	uint32_t	nout, nin;
	int		out, in;

	two_transfers(&out, &in, &nout, &nin);
	load_list(1);
	exchange();
	assert_int_equal(file_ops_held(0), 2);
	assert_int_equal(opened(out), 2);
	assert_int_equal(opened(in), 2);
	assert_null(event_of(nout, XFER_EV_CANCELLED));
	load_list(0);
	exchange();
	assert_null(friends_get(friend_ops_friends(), 0));
	assert_int_equal(opened(out), 1);
	assert_int_equal(opened(in), 1);
	assert_int_equal(file_ops_held(0), 0);
	both_cancelled(nout, nin);
	assert_int_equal(ftx_slot(files_ftx(0), 0, 0)->state, FTX_FREE);
	assert_int_equal(ftx_slot(files_ftx(0), 1, 0)->state, FTX_FREE);
	assert_int_equal(f_killed, 2);
	close(out);
	close(in);
}

static int
group_setup(void **state)
{
	loop_init();
	friend_ops_init(&ck, &cf);
	messenger_init(&ck, &cf);
	avatar_init(&ck);
	file_ops_init(&cf);
	return 0;
}

/*
 * keyd answers a removal only after it loaded a list that gave the
 * number to another friend (an import): the answer ends the removed
 * friend's messages, not the new friend's session and files.
 */
static void
removal_answered_after_reload_spares_new_friend(void **state)
{
	struct ipc_friend_remove	rm;
	uint8_t				buf[IPC_FRIEND_REMOVE_LEN];
	struct wr			w;
	int				i;

	hold_del = 1;
	ref0(&rm);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_remove(&w, &rm);
	send_wr(ffd, IPC_FRIEND_REMOVE, ++req_id, &w, -1);
	for (i = 0; i < 5 && held_del == 0; i++)
		exchange();
	assert_int_not_equal(held_del, 0);
	/* another friend at number 0, online, with a file engine */
	session(NC_STATE_NONE);
	memset(fpk, 0x44, sizeof(fpk));
	fnum = chatd_next = acked_upto = 0;
	load_list(1);
	connect_online();
	/* now keyd's answer to the old removal */
	ok_id = 0;
	assert_int_equal(ipc_send(kfd, IPC_OK, held_del, NULL, 0, -1), 0);
	loop_once(100);
	frontend_reads();
	assert_int_equal(ok_id, req_id);
	assert_non_null(friends_get(friend_ops_friends(), 0));
	assert_true(messenger_online(0));
	assert_non_null(files_ftx(0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(removal_closes_files,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reload_without_friend_closes_files, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    removal_answered_after_reload_spares_new_friend, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
