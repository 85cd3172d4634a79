/*
 * chatd's avatars (chatd/avatar.c) over real channels with chatd's own
 * tables, a raw "keyd" and "frontend" end, and the friend's file engine
 * made and dropped with files_up and files_down (no session: what the
 * engine would send stays queued in its slots, where the test reads it).
 *
 * a. Ours to a friend coming online: nothing before keyd said what ours
 *    is, then the offer keyd's first AVATAR_SELF brings; with none, an
 *    offer of kind avatar and size 0 (as qTox), at once and each time
 *    the friend comes online again; with one, its size and SHA-256, and
 *    its removal replaces it with size 0.
 * b. A freed friend number forgets the hash keyd said it holds: after a
 *    removal and after the list is loaded anew, and a new friend at
 *    that number offering an avatar with that hash gets it asked of
 *    keyd (AVATAR_FRIEND_OPEN), not declined as the one we hold.
 * c. A friend's avatar once keyd has room for it (AVATAR_FRIEND_READY):
 *    its bytes go to keyd in AVATAR_FRIEND_DATA pieces at their offsets,
 *    none before that and none past AVATAR_MAX.
 */
#include <sys/socket.h>

#include <fcntl.h>
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
#include "chatd/file_ops.h"
#include "chatd/file_wire.h"
#include "chatd/files.h"
#include "chatd/friend_ops.h"
#include "chatd/friends.h"
#include "chatd/ftx.h"
#include "common/loop.h"
#include "ipc/chan.h"
#include "ipc/msg_avatar.h"
#include "ipc/msg_core.h"
#include "ipc/msg_friend.h"

static struct chan	ck, cf;
static int		kfd = -1, ffd = -1, closed;
static struct ipc_msg	got;
static uint8_t		self_pk[TOX_PK_LEN];

static const struct chan_tables from_keyd = {
	{ &friend_ops_from_keyd, &avatar_from_keyd }
};
static const struct chan_tables from_frontend = {
	{ &friend_ops_from_frontend, &file_ops_from_frontend }
};

static void
key(uint8_t pk[TOX_PK_LEN], int v)
{
	memset(pk, 0, TOX_PK_LEN);
	pk[0] = (uint8_t)(v >> 8);
	pk[1] = (uint8_t)v;
	pk[31] = 0xa5;
}

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

static int
setup(void **state)
{
	loop_init();
	closed = 0;
	friend_ops_init(&ck, &cf);
	avatar_init(&ck);
	file_ops_init(&cf);
	if ((kfd = peer(&ck, ROLE_KEYD, &from_keyd)) == -1 ||
	    (ffd = peer(&cf, ROLE_FRONTEND, &from_frontend)) == -1)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	unsigned	n;

	for (n = 0; n < FRIEND_NUM_MAX; n++)
		files_down(n);
	chan_close(&ck, "test over");
	chan_close(&cf, "test over");
	close(kfd);
	close(ffd);
	return 0;
}

static int
readable(int fd, int ms)
{
	struct pollfd	p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* Lets chatd run, then reads one message from fd; its type, or 0. */
static uint16_t
next_from(int fd)
{
	int	i;

	for (i = 0; i < 50 && !readable(fd, 0); i++)
		loop_once(100);
	if (!readable(fd, 0))
		return 0;
	assert_int_equal(ipc_recv(fd, &got), 1);
	return got.hdr.type;
}

/* As next_from, past the FRIEND_NET notes meant for netd. */
static uint16_t
next_not_net(int fd)
{
	uint16_t	t;

	while ((t = next_from(fd)) == IPC_FRIEND_NET)
		;
	return t;
}

/* Lets chatd run and reads what came to keyd; 1 if only FRIEND_NET. */
static int
keyd_quiet(void)
{
	loop_once(50);
	while (readable(kfd, 0)) {
		assert_int_equal(ipc_recv(kfd, &got), 1);
		if (got.hdr.type != IPC_FRIEND_NET)
			return 0;
	}
	return 1;
}

static void
send_wr(int fd, uint16_t type, uint32_t id, const struct wr *w, int pass)
{
	assert_true(wr_ok(w));
	assert_int_equal(ipc_send(fd, type, id, w->p, w->len, pass), 0);
}

/* keyd's list: friend `who` at number (who < 0: none); first: anew. */
static void
load(int first, int who, unsigned number)
{
	static struct ipc_friends_load	ld;
	static uint8_t			buf[IPC_FRIENDS_LOAD_MAX];
	struct wr			w;

	memset(&ld, 0, sizeof(ld));
	ld.flags = FRIENDS_LOAD_LAST | (first ? FRIENDS_LOAD_FIRST : 0);
	key(self_pk, 0xfff);
	memcpy(ld.self_pk, self_pk, sizeof(ld.self_pk));
	if (who >= 0) {
		ld.count = 1;
		ld.recs[0].number = (uint16_t)number;
		ld.recs[0].status = 3;
		key(ld.recs[0].pk, who);
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friends_load(&w, &ld);
	send_wr(kfd, IPC_FRIENDS_LOAD, 0, &w, -1);
	assert_true(keyd_quiet());
}

/* keyd's AVATAR_SELF: ours is p[0..len) (len 0: none). */
static void
keyd_self(const uint8_t *p, size_t len, const uint8_t sha[32])
{
	struct ipc_avatar_self	s;
	uint8_t			buf[IPC_AVATAR_SELF_MAX];
	struct wr		w;
	char			tmp[] = "/tmp/bh-chatd-avatar-XXXXXX";
	int			fd = -1;

	memset(&s, 0, sizeof(s));
	s.size = len;
	if (len > 0) {
		memcpy(s.sha256, sha, sizeof(s.sha256));
		assert_true((fd = mkstemp(tmp)) >= 0);
		(void)unlink(tmp);
		assert_int_equal(write(fd, p, len), (ssize_t)len);
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_self(&w, &s);
	send_wr(kfd, IPC_AVATAR_SELF, 0, &w, fd);
	if (fd != -1)
		close(fd);
	assert_true(keyd_quiet());
}

/* keyd's AVATAR_FRIEND: it holds sha for friend `who`. */
static void
keyd_friend_has(int who, unsigned number, const uint8_t sha[32])
{
	struct ipc_avatar_friend	f;
	uint8_t				buf[IPC_AVATAR_FRIEND_MAX];
	struct wr			w;

	memset(&f, 0, sizeof(f));
	f.flags = AVATAR_F_HAS;
	f.number = (uint16_t)number;
	key(f.pk, who);
	memcpy(f.sha256, sha, sizeof(f.sha256));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_friend(&w, &f);
	send_wr(kfd, IPC_AVATAR_FRIEND, 0, &w, -1);
	assert_true(keyd_quiet());
}

/* The one outgoing transfer to friend n: an avatar offer of size. */
static void
assert_our_offer(unsigned n, uint64_t size, const uint8_t *id)
{
	const struct ftx_slot	*s;
	unsigned		 i, busy = 0, at = 0;

	assert_non_null(files_ftx(n));
	for (i = 0; i < FTX_SLOTS; i++)
		if (ftx_slot(files_ftx(n), 1, i)->state != FTX_FREE) {
			busy++;
			at = i;
		}
	assert_int_equal(busy, 1);
	s = ftx_slot(files_ftx(n), 1, at);
	assert_int_equal(s->state, FTX_OFFERED);
	assert_int_equal(s->kind, FILE_KIND_AVATAR);
	assert_int_equal(s->size, size);
	if (id != NULL)
		assert_memory_equal(s->id, id, FILE_ID_LEN);
	/* chatd's own: the user's FILE_CTL cannot reach it */
	assert_true(avatar_owns(n, 1, at));
}

static void
assert_no_offer(unsigned n)
{
	unsigned	i;

	assert_non_null(files_ftx(n));
	for (i = 0; i < FTX_SLOTS; i++)
		assert_int_equal(ftx_slot(files_ftx(n), 1, i)->state,
		    FTX_FREE);
}

/* a */
static void
online_friend_offered_ours_or_none(void **state)
{
	static const uint8_t	zeros[FILE_ID_LEN];
	uint8_t			png[600], sha[32];
	size_t			i;

	load(1, 0xa, 0);
	/* online before keyd said what ours is: nothing yet */
	files_up(0);
	assert_no_offer(0);
	keyd_self(NULL, 0, NULL);
	assert_our_offer(0, 0, zeros);
	/* online again: "none" again, so a stale picture of ours goes */
	files_down(0);
	files_up(0);
	assert_our_offer(0, 0, zeros);
	/* a recap of "none" offers nothing more */
	keyd_self(NULL, 0, NULL);
	assert_our_offer(0, 0, zeros);

	/* ours set: it replaces the offer under way */
	for (i = 0; i < sizeof(png); i++)
		png[i] = (uint8_t)(i * 13 + 1);
	memcpy(png, "\x89PNG\r\n\x1a\n", 8);
	memset(sha, 0x42, sizeof(sha));		/* keyd's word: not checked */
	keyd_self(png, sizeof(png), sha);
	assert_our_offer(0, sizeof(png), sha);
	files_down(0);
	files_up(0);
	assert_our_offer(0, sizeof(png), sha);
	/* removed: size 0 to the friend online */
	keyd_self(NULL, 0, NULL);
	assert_our_offer(0, 0, zeros);
	files_down(0);
	assert_false(closed);
}

/* Friend n offers an avatar of size with file id sha (its filenum 0). */
static void
friend_offers(unsigned n, uint64_t size, const uint8_t sha[32])
{
	struct file_req	q;
	uint8_t		pkt[FILE_REQ_HEAD + FILE_NAME_MAX];
	int		len;

	memset(&q, 0, sizeof(q));
	q.filenum = 0;
	q.kind = FILE_KIND_AVATAR;
	q.size = size;
	memcpy(q.id, sha, sizeof(q.id));
	q.name_len = 10;
	memcpy(q.name, "avatar.png", 10);
	assert_true((len = file_build_req(&q, pkt, sizeof(pkt))) > 0);
	assert_int_equal(files_packet(n, pkt, (size_t)len), 0);
}

/* The friend removed through the frontend, keyd agreeing. */
static void
remove_friend(unsigned n)
{
	struct ipc_friend_remove	rm = { .by_pk = 0 };
	uint8_t				buf[IPC_FRIEND_REMOVE_LEN];
	struct wr			w;

	rm.number = (uint16_t)n;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_remove(&w, &rm);
	send_wr(ffd, IPC_FRIEND_REMOVE, 70, &w, -1);
	assert_int_equal(next_not_net(kfd), IPC_FRIEND_DEL);
	assert_int_equal(ipc_send(kfd, IPC_OK, got.hdr.id, NULL, 0, -1), 0);
	assert_int_equal(next_from(ffd), IPC_OK);
	assert_int_equal(got.hdr.id, 70);
	assert_null(friends_get(friend_ops_friends(), n));
}

/* The next to keyd is AVATAR_FRIEND_OPEN for friend `who`. */
static void
assert_open_asked(int who)
{
	uint8_t		pk[TOX_PK_LEN], asked[TOX_PK_LEN];
	struct rd	r;

	assert_int_equal(next_not_net(kfd), IPC_AVATAR_FRIEND_OPEN);
	rd_init(&r, got.data, got.hdr.len);
	assert_int_equal(ipc_unpack_avatar_pk(&r, asked), 0);
	key(pk, who);
	assert_memory_equal(asked, pk, TOX_PK_LEN);
}

/* b */
static void
freed_number_forgets_the_hash(void **state)
{
	uint8_t	sha[32], other[32];

	memset(sha, 0x37, sizeof(sha));
	memset(other, 0x38, sizeof(other));
	load(1, 0xa, 0);
	keyd_friend_has(0xa, 0, sha);
	assert_int_equal(avatar_friend_hash(0, other), 1);
	assert_memory_equal(other, sha, sizeof(sha));
	/* online: the same hash again is declined, keyd is not asked */
	files_up(0);
	friend_offers(0, 600, sha);
	assert_true(keyd_quiet());

	remove_friend(0);
	assert_int_equal(avatar_friend_hash(0, other), 0);
	assert_null(files_ftx(0));

	/* B takes number 0 and sends the same picture: asked of keyd */
	load(0, 0xb, 0);
	assert_int_equal(avatar_friend_hash(0, other), 0);
	files_up(0);
	friend_offers(0, 600, sha);
	assert_open_asked(0xb);
	files_down(0);

	/* the list loaded anew: C at number 0 holds nothing of B's */
	keyd_friend_has(0xb, 0, sha);
	assert_int_equal(avatar_friend_hash(0, other), 1);
	load(1, 0xc, 0);
	assert_int_equal(avatar_friend_hash(0, other), 0);
	files_up(0);
	friend_offers(0, 600, sha);
	assert_open_asked(0xc);
	files_down(0);
	assert_false(closed);
}

/* c */
static void
friends_bytes_go_to_keyd(void **state)
{
	static struct ipc_avatar_data	d;
	static uint8_t			pic[AVATAR_DATA_MAX + 3000];
	uint8_t				sha[32], pk[TOX_PK_LEN];
	struct rd			r;
	size_t				i;

	for (i = 0; i < sizeof(pic); i++)
		pic[i] = (uint8_t)(i * 7);
	memset(sha, 0x41, sizeof(sha));
	load(1, 0xd, 0);
	files_up(0);
	friend_offers(0, sizeof(pic), sha);
	assert_open_asked(0xd);
	/* nothing is written before keyd has room */
	assert_int_equal(avatar_write(0, 0, 0, pic, 10), -1);
	key(pk, 0xd);
	assert_int_equal(ipc_send(kfd, IPC_AVATAR_FRIEND_READY, got.hdr.id, pk,
	    sizeof(pk), -1), 0);
	assert_true(keyd_quiet());

	/* in pieces keyd takes, at their offsets, for that key */
	assert_int_equal(avatar_write(0, 0, 0, pic, sizeof(pic)), 0);
	assert_int_equal(next_not_net(kfd), IPC_AVATAR_FRIEND_DATA);
	rd_init(&r, got.data, got.hdr.len);
	assert_int_equal(ipc_unpack_avatar_data(&r, &d), 0);
	assert_memory_equal(d.pk, pk, sizeof(pk));
	assert_int_equal(d.off, 0);
	assert_int_equal(d.len, AVATAR_DATA_MAX);
	assert_memory_equal(d.data, pic, AVATAR_DATA_MAX);
	assert_int_equal(next_not_net(kfd), IPC_AVATAR_FRIEND_DATA);
	rd_init(&r, got.data, got.hdr.len);
	assert_int_equal(ipc_unpack_avatar_data(&r, &d), 0);
	assert_int_equal(d.off, AVATAR_DATA_MAX);
	assert_int_equal(d.len, 3000);
	assert_memory_equal(d.data, pic + AVATAR_DATA_MAX, 3000);
	/* never past an avatar's size */
	assert_int_equal(avatar_write(0, 0, AVATAR_MAX - 5, pic, 10), -1);
	assert_true(keyd_quiet());
	files_down(0);
	assert_false(closed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    online_friend_offered_ours_or_none, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    freed_number_forgets_the_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    friends_bytes_go_to_keyd, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
