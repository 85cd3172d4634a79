/* chatd's friends over its channels: see friend_ops.h. */
#include <stdio.h>
#include <string.h>

#include "chatd/avatar.h"
#include "chatd/dhtpk_in.h"
#include "chatd/fconn.h"
#include "chatd/file_ops.h"
#include "chatd/friend_ops.h"
#include "chatd/messenger.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/mono.h"
#include "ipc/msg_core.h"
#include "ipc/msg_friend.h"

static struct friends	fs;
static struct inbox	ib;
static struct chan	*to_keyd, *to_frontend;
static struct timer	resend_timer;

/* List requests that came before keyd's whole list: answered when its
 * last page does (a request unanswered for long fails at the caller). */
#define LIST_PARKED_MAX	4
struct parked_list {
	struct chan	*c;
	uint32_t	 id;
	uint16_t	 start;
};
static struct parked_list	parked[LIST_PARKED_MAX];
static unsigned			nparked;
static int			list_whole;	/* keyd's last page came */
unsigned long		friend_ops_requests_sent;

/*
 * A frontend request waiting for keyd: at most one per friend slot (the
 * slot is pending, or a removal is under way), so FRIEND_NUM_MAX of them.
 */
enum op_kind { OP_ADD = 1, OP_ACCEPT, OP_REMOVE };
struct op {
	int		kind;		/* 0: free */
	unsigned	number;
	uint8_t		pk[TOX_PK_LEN];
	uint32_t	reply_id;	/* the frontend's request */
};
static struct op	ops[FRIEND_NUM_MAX];

static struct op *
op_new(int kind, unsigned number, const uint8_t *pk, uint32_t reply_id)
{
	size_t	i;

	for (i = 0; i < FRIEND_NUM_MAX; i++)
		if (ops[i].kind == 0) {
			ops[i].kind = kind;
			ops[i].number = number;
			memcpy(ops[i].pk, pk, TOX_PK_LEN);
			ops[i].reply_id = reply_id;
			return &ops[i];
		}
	return NULL;
}

struct friends *
friend_ops_friends(void)
{
	return &fs;
}

struct inbox *
friend_ops_inbox(void)
{
	return &ib;
}

static void
rearm(void)
{
	uint64_t	due = friends_next_due(&fs);

	if (due == 0)
		timer_cancel(&resend_timer);
	else
		timer_at(&resend_timer, due);
}

/* keyd answered a FRIEND_REQUEST_SEND: the schedule goes on either way. */
static void
request_sent(void *arg, struct ipc_msg *m, struct rd *r)
{
	struct ipc_error	e;

	if (m->hdr.type == IPC_ERROR && ipc_unpack_error(r, &e) == 0)
		log_debug("friend %u: request not sent (%s); trying later",
		    (unsigned)(uintptr_t)arg, e.text);
}

static void
send_request(unsigned n)
{
	static struct ipc_friend_request_send	rq;
	static uint8_t				buf[IPC_FRIEND_REQUEST_SEND_MAX];
	struct friend				*f = friends_get(&fs, n);
	struct wr				w;

	if (f == NULL || f->request_len == 0)
		return;
	memcpy(rq.pk, f->pk, sizeof(rq.pk));
	memcpy(rq.nospam, f->nospam, sizeof(rq.nospam));
	rq.len = f->request_len;
	memcpy(rq.msg, f->request, f->request_len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_request_send(&w, &rq);
	if (chan_call_wr(to_keyd, IPC_FRIEND_REQUEST_SEND, &w, 10000,
	    request_sent, (void *)(uintptr_t)n) == 0)
		friend_ops_requests_sent++;
}

static void
resend_cb(struct timer *t)
{
	uint64_t	now = mono_ms();
	int		n;

	while ((n = friends_take_due(&fs, now)) != -1) {
		/* a friend without text (from a profile) has nothing to send */
		if (fs.f[n].request_len == 0)
			fs.f[n].resend_due = 0;
		else
			send_request((unsigned)n);
	}
	rearm();
}

/* keyd's ERROR (or the channel's GONE) on to the frontend. */
static void
forward_error(uint32_t reply_id, struct rd *r, const char *what)
{
	struct ipc_error	e;

	if (ipc_unpack_error(r, &e) == -1) {
		e.code = IPC_ERR_INTERNAL;
		snprintf(e.text, sizeof(e.text), "bad answer from keyd");
	}
	(void)chan_reply_error(to_frontend, reply_id, e.code,
	    e.code == IPC_ERR_GONE ? "keyd did not answer" : e.text);
	log_debug("%s refused: %s", what, e.text);
}

static void
reply_friend(uint32_t reply_id, unsigned number, const uint8_t *pk)
{
	struct ipc_friend_ans	a;
	uint8_t			buf[IPC_FRIEND_ANS_LEN];
	struct wr		w;

	a.number = (uint16_t)number;
	memcpy(a.pk, pk, sizeof(a.pk));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_ans(&w, &a);
	(void)chan_send_wr(to_frontend, IPC_FRIEND_ANS, reply_id, &w);
}

/* The friend of an op, if the slot still holds it (a FRIENDS_LOAD may
 * have reset the table since). */
static struct friend *
op_friend(const struct op *op)
{
	struct friend	*f = friends_get(&fs, op->number);

	if (f == NULL || memcmp(f->pk, op->pk, TOX_PK_LEN) != 0)
		return NULL;
	return f;
}

/* keyd answered a FRIEND_ADD, for add or accept. */
static void
stored(void *arg, struct ipc_msg *m, struct rd *r)
{
	struct op	*op = arg;
	struct friend	*f = op_friend(op);

	if (m->hdr.type != IPC_OK) {
		if (f != NULL && f->pending)
			friends_del(&fs, op->number);
		forward_error(op->reply_id, r, "friend add");
		op->kind = 0;
		return;
	}
	if (f == NULL) {
		(void)chan_reply_error(to_frontend, op->reply_id,
		    IPC_ERR_STATE, "the friend list was reloaded meanwhile");
		op->kind = 0;
		return;
	}
	f->pending = 0;
	(void)inbox_del(&ib, f->pk);
	dhtpk_in_tell(f->pk, FRIEND_NET_OFFLINE);
	if (friend_request_pending(f)) {
		friends_resend_start(f, mono_ms());
		rearm();
	}
	reply_friend(op->reply_id, op->number, f->pk);
	op->kind = 0;
}

static void
removed(void *arg, struct ipc_msg *m, struct rd *r)
{
	struct op	*op = arg;
	int		 forget = 0;

	if (m->hdr.type != IPC_OK)
		forward_error(op->reply_id, r, "friend removal");
	else {
		if (op_friend(op) != NULL) {
			friends_del(&fs, op->number);
			/* after messenger_forget: its engine is gone */
			forget = 1;
		}
		/* keyd ended the session and dropped its outbox copy; the
		 * number's state only if a reload did not give it to
		 * another friend meanwhile */
		messenger_forget(forget ? (int)op->number : -1, op->pk);
		if (forget)
			avatar_forget(op->number);
		/* the user's files with it: closed, the frontend told */
		file_ops_prune();
		dhtpk_in_tell(op->pk, FRIEND_NET_GONE);
		rearm();
		(void)chan_reply_ok(to_frontend, op->reply_id);
	}
	op->kind = 0;
}

/* Asks keyd to store f (just taken, pending); answers later. */
static void
store(struct friend *f, unsigned n, int kind, uint32_t reply_id)
{
	static struct ipc_friend_add	add;
	static uint8_t			buf[IPC_FRIEND_ADD_MAX];
	struct op			*op;
	struct wr			w;

	f->pending = 1;
	if ((op = op_new(kind, n, f->pk, reply_id)) == NULL) {
		friends_del(&fs, n);
		(void)chan_reply_error(to_frontend, reply_id, IPC_ERR_STATE,
		    "too many changes under way; try again");
		return;
	}
	memset(&add, 0, sizeof(add));
	add.number = (uint16_t)n;
	memcpy(add.pk, f->pk, sizeof(add.pk));
	memcpy(add.nospam, f->nospam, sizeof(add.nospam));
	add.status = f->status;
	add.request_len = f->request_len;
	memcpy(add.request, f->request, f->request_len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_add(&w, &add);
	if (chan_call_wr(to_keyd, IPC_FRIEND_ADD, &w, 0, stored, op) == -1) {
		op->kind = 0;
		friends_del(&fs, n);
		(void)chan_reply_error(to_frontend, reply_id, IPC_ERR_STATE,
		    "keyd is not reachable");
	}
}

/* Why pk cannot become a friend now, or NULL. */
static const char *
cannot_add(const uint8_t *pk, uint16_t *code, char *why, size_t whysz)
{
	int	n;

	*code = IPC_ERR_INVALID;
	if (!fs.have_self) {
		*code = IPC_ERR_STATE;
		return "the profile is not loaded yet";
	}
	if (memcmp(pk, fs.self_pk, TOX_PK_LEN) == 0)
		return "that is your own Tox ID";
	if ((n = friends_find(&fs, pk)) != -1) {
		snprintf(why, whysz, "already a friend (number %d)%s", n,
		    fs.f[n].pending ? ", being added" : "");
		return why;
	}
	if (friends_free_slot(&fs) == -1) {
		*code = IPC_ERR_STATE;
		snprintf(why, whysz, "the friend list is full (%d)",
		    FRIEND_NUM_MAX);
		return why;
	}
	return NULL;
}

/* Handlers from the frontend. */

static int
on_add(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_friend_add_req	rq;
	struct friend				*f;
	const char				*why;
	char					 buf[80];
	uint16_t				 code;
	int					 n;

	if (ipc_unpack_friend_add_req(r, &rq) == -1)
		return -1;
	if (!toxid_check(rq.address)) {
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_INVALID,
		    "the Tox ID's checksum is wrong");
		return 0;
	}
	if ((why = cannot_add(rq.address, &code, buf, sizeof(buf))) != NULL) {
		(void)chan_reply_error(c, m->hdr.id, code, why);
		return 0;
	}
	n = friends_free_slot(&fs);
	f = friends_take(&fs, (unsigned)n, rq.address);
	f->status = 1;
	memcpy(f->nospam, rq.address + TOX_PK_LEN, TOX_NOSPAM_LEN);
	f->request_len = rq.len;
	memcpy(f->request, rq.msg, rq.len);
	store(f, (unsigned)n, OP_ADD, m->hdr.id);
	return 0;
}

static int
on_accept(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	uint8_t		 pk[TOX_PK_LEN];
	struct friend	*f;
	const char	*why;
	char		 buf[80];
	uint16_t	 code;
	int		 n;

	if (ipc_unpack_friend_pk(r, pk) == -1)
		return -1;
	if (inbox_find(&ib, pk) == -1) {
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_NOTFOUND,
		    "no friend request from that key");
		return 0;
	}
	if ((n = friends_find(&fs, pk)) != -1 && !fs.f[n].pending) {
		/* added meanwhile: the request is answered already */
		(void)inbox_del(&ib, pk);
		reply_friend(m->hdr.id, (unsigned)n, pk);
		return 0;
	}
	if ((why = cannot_add(pk, &code, buf, sizeof(buf))) != NULL) {
		(void)chan_reply_error(c, m->hdr.id, code, why);
		return 0;
	}
	n = friends_free_slot(&fs);
	f = friends_take(&fs, (unsigned)n, pk);
	f->status = 3;		/* confirmed: they asked, we said yes */
	store(f, (unsigned)n, OP_ACCEPT, m->hdr.id);
	return 0;
}

static int
on_decline(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	uint8_t	pk[TOX_PK_LEN];

	if (ipc_unpack_friend_pk(r, pk) == -1)
		return -1;
	if (inbox_del(&ib, pk) == -1)
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_NOTFOUND,
		    "no friend request from that key");
	else
		(void)chan_reply_ok(c, m->hdr.id);
	return 0;
}

static int
on_remove(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_friend_remove	 rm;
	struct friend			*f;
	struct op			*op;
	uint8_t				 buf[IPC_FRIEND_PK_LEN];
	struct wr			 w;
	int				 n;

	if (ipc_unpack_friend_remove(r, &rm) == -1)
		return -1;
	n = rm.by_pk ? friends_find(&fs, rm.pk) : rm.number;
	if (n == -1 || (f = friends_get(&fs, (unsigned)n)) == NULL) {
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_NOTFOUND,
		    "no such friend");
		return 0;
	}
	if (f->pending) {
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_STATE,
		    "that friend is being added; try again");
		return 0;
	}
	if ((op = op_new(OP_REMOVE, (unsigned)n, f->pk, m->hdr.id)) == NULL) {
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_STATE,
		    "too many changes under way; try again");
		return 0;
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_pk(&w, f->pk);
	if (chan_call_wr(to_keyd, IPC_FRIEND_DEL, &w, 0, removed, op) == -1) {
		op->kind = 0;
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_STATE,
		    "keyd is not reachable");
	}
	return 0;
}

/* One page of the list, from start, as the answer to request id. */
static void
list_answer(struct chan *c, uint32_t id, uint16_t start)
{
	static struct ipc_friend_list	 l;
	static uint8_t			 buf[IPC_FRIEND_LIST_MAX];
	struct ipc_friend_entry		*e;
	struct friend			*f;
	struct wr			 w;
	unsigned			 n;

	memset(&l, 0, sizeof(l));
	l.next = FRIEND_NUM_NONE;
	for (n = start; n < FRIEND_NUM_MAX; n++) {
		if ((f = friends_get(&fs, n)) == NULL || f->pending)
			continue;
		if (l.count == FRIEND_LIST_PAGE) {
			l.next = (uint16_t)n;
			break;
		}
		e = &l.e[l.count++];
		e->number = (uint16_t)n;
		memcpy(e->pk, f->pk, sizeof(e->pk));
		e->status = f->status;
		e->connection = f->connection;
		e->userstatus = f->userstatus;
		e->outbox = (uint16_t)chatd_outbox_count((unsigned)n);
		e->name_len = f->name_len;
		memcpy(e->name, f->name, f->name_len);
		e->status_msg_len = f->status_msg_len;
		memcpy(e->status_msg, f->status_msg, f->status_msg_len);
		fconn_link(n, &e->link);
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_list(&w, &l);
	(void)chan_send_wr(c, IPC_FRIEND_LIST_ANS, id, &w);
}

/* Answers the requests that waited for keyd's whole list. */
static void
list_unpark(void)
{
	unsigned	i;

	for (i = 0; i < nparked; i++)
		list_answer(parked[i].c, parked[i].id, parked[i].start);
	nparked = 0;
}

static int
on_list(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	uint16_t	start;

	if (ipc_unpack_friend_page_req(r, &start) == -1)
		return -1;
	/* an empty or partial list would be a lie before keyd's has all
	 * arrived: the request waits for it (a command typed just after
	 * start names friends the list is about to hold) */
	if (!list_whole) {
		if (nparked == LIST_PARKED_MAX) {
			(void)chan_reply_error(c, m->hdr.id, IPC_ERR_STATE,
			    "the friend list is not loaded yet");
			return 0;
		}
		parked[nparked++] = (struct parked_list){ c, m->hdr.id,
		    start };
		return 0;
	}
	list_answer(c, m->hdr.id, start);
	return 0;
}

static int
on_inbox(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_friend_inbox	l;
	static uint8_t			buf[IPC_FRIEND_INBOX_MAX];
	struct wr			w;
	uint16_t			start;
	size_t				i;

	if (ipc_unpack_friend_page_req(r, &start) == -1)
		return -1;
	memset(&l, 0, sizeof(l));
	l.next = FRIEND_NUM_NONE;
	for (i = start; i < ib.n; i++) {
		if (l.count == FRIEND_INBOX_PAGE) {
			l.next = (uint16_t)i;
			break;
		}
		l.e[l.count++] = ib.r[i];
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_inbox(&w, &l);
	(void)chan_send_wr(c, IPC_FRIEND_INBOX_ANS, m->hdr.id, &w);
	return 0;
}

/* Handlers from keyd. */

static int
on_load(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_friends_load	 ld;
	const struct ipc_friend_rec	*rec;
	struct friend			*f;
	uint64_t			 now = mono_ms();
	uint8_t				 i;
	unsigned			 j;

	if (ipc_unpack_friends_load(r, &ld) == -1)
		return -1;
	if (ld.flags & FRIENDS_LOAD_FIRST) {
		/* a profile loaded anew: netd forgets the old list's */
		for (j = 0; j < FRIEND_NUM_MAX; j++)
			if ((f = friends_get(&fs, j)) != NULL && !f->pending)
				dhtpk_in_tell(f->pk, FRIEND_NET_GONE);
		friends_reset(&fs);
		/* keyd's AVATAR_FRIEND recap follows the list */
		for (j = 0; j < FRIEND_NUM_MAX; j++)
			avatar_forget(j);
		list_whole = 0;
	}
	memcpy(fs.self_pk, ld.self_pk, sizeof(fs.self_pk));
	fs.have_self = 1;
	for (i = 0; i < ld.count; i++) {
		rec = &ld.recs[i];
		if (friends_find(&fs, rec->pk) != -1 ||
		    (f = friends_take(&fs, rec->number, rec->pk)) == NULL) {
			log_warnx("keyd sent friend %u twice", rec->number);
			continue;
		}
		/* c-toxcore saves "online" as confirmed; so do we */
		f->status = rec->status > 3 ? 3 : rec->status;
		memcpy(f->nospam, rec->nospam, sizeof(f->nospam));
		f->userstatus = rec->userstatus;
		f->name_len = rec->name_len;
		memcpy(f->name, rec->name, rec->name_len);
		f->status_msg_len = rec->status_msg_len;
		memcpy(f->status_msg, rec->status_msg, rec->status_msg_len);
		/* we send at most 943 bytes (msg_friend.h): a longer text
		 * from another client is cut there */
		f->request_len = rec->request_len > FRIEND_REQ_SEND_MAX ?
		    FRIEND_REQ_SEND_MAX : rec->request_len;
		memcpy(f->request, rec->request, f->request_len);
		if (friend_request_pending(f) && f->request_len > 0)
			friends_resend_start(f, now);
		dhtpk_in_tell(f->pk, FRIEND_NET_OFFLINE);
	}
	if (ld.flags & FRIENDS_LOAD_LAST) {
		log_debug("%zu friends loaded", friends_count(&fs));
		/* files of a friend the new list does not have end */
		file_ops_prune();
		list_whole = 1;
		list_unpark();
	}
	rearm();
	return 0;
}

static int
on_request_in(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_friend_request_in	rq;
	static uint8_t				buf[IPC_FRIEND_REQUEST_IN_MAX];
	struct wr				w;
	int					rv;

	if (ipc_unpack_friend_request_in(r, &rq) == -1)
		return -1;
	/* keyd has checked; a friend or ourselves is still no request */
	if (friends_find(&fs, rq.pk) != -1 || (fs.have_self &&
	    memcmp(rq.pk, fs.self_pk, TOX_PK_LEN) == 0))
		return 0;
	if ((rv = inbox_put(&ib, rq.pk, rq.msg, rq.len)) == INBOX_SAME)
		return 0;
	if (rv == INBOX_EVICTED)
		log_info("friend request inbox full: the oldest dropped");
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_request_in(&w, &rq);
	(void)chan_send_wr(to_frontend, IPC_FRIEND_REQUEST_EVENT, 0, &w);
	return 0;
}

static const struct chan_handler from_keyd_rows[] = {
	{ IPC_FRIENDS_LOAD,		0,	on_load },
	{ IPC_FRIEND_REQUEST_IN,	0,	on_request_in },
};
const struct chan_table friend_ops_from_keyd = {
	CHAN_ROWS(from_keyd_rows), NULL
};

static const struct chan_handler from_frontend_rows[] = {
	{ IPC_FRIEND_ADD_REQ,	0,	on_add },
	{ IPC_FRIEND_LIST_REQ,	0,	on_list },
	{ IPC_FRIEND_INBOX_REQ,	0,	on_inbox },
	{ IPC_FRIEND_ACCEPT,	0,	on_accept },
	{ IPC_FRIEND_DECLINE,	0,	on_decline },
	{ IPC_FRIEND_REMOVE,	0,	on_remove },
};
const struct chan_table friend_ops_from_frontend = {
	CHAN_ROWS(from_frontend_rows), NULL
};

void
friend_ops_init(struct chan *keyd, struct chan *frontend)
{
	to_keyd = keyd;
	to_frontend = frontend;
	dhtpk_in_init(keyd);
	memset(&fs, 0, sizeof(fs));
	memset(ops, 0, sizeof(ops));
	nparked = 0;
	list_whole = 0;
	inbox_init(&ib);
	timer_init(&resend_timer, resend_cb, NULL);
}
