/* chatd's messenger: see messenger.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "chatd/fconn.h"
#include "chatd/files.h"
#include "chatd/friend_ops.h"
#include "chatd/history_note.h"
#include "chatd/messenger.h"
#include "chatd/msgr_wire.h"
#include "common/log.h"
#include "ipc/msg_chat.h"
#include "ipc/msg_core.h"
#include "ipc/msg_nc.h"

struct entry {
	uint64_t	id;
	uint8_t		pk[TOX_PK_LEN];
	uint8_t		action;
	uint16_t	len;
	uint8_t		*text;
	uint16_t	sent;		/* bytes gone in this session */
	int		all_sent;
	uint32_t	last_num;	/* the number of its last packet */
};

/* A CHAT_SEND waiting for keyd to store it. */
struct put {
	uint32_t	reply_id;
	uint16_t	number;
	uint8_t		pk[TOX_PK_LEN];
	uint8_t		action;
	uint16_t	len;
	uint8_t		text[];
};

struct peer {
	int	online;		/* its ONLINE came in this session */
	int	typing;		/* ours, to it */
	uint8_t	path;		/* NC_PATH_*, 0: not told (UDP) */
};

static struct entry		 ob[OUTBOX_CHATD_MAX];	/* in id order */
static size_t			 nob;
static struct peer		 peers[FRIEND_NUM_MAX];
static struct ipc_self_info	 self;
static uint64_t			 next_in_id = 1;	/* incoming messages */
static struct chan		*to_keyd, *to_frontend;

static struct friend *
friend_n(unsigned n)
{
	return friends_get(friend_ops_friends(), n);
}

unsigned
chatd_outbox_count(unsigned number)
{
	struct friend	*f = friend_n(number);
	unsigned	 c = 0;
	size_t		 i;

	for (i = 0; f != NULL && i < nob; i++)
		if (memcmp(ob[i].pk, f->pk, TOX_PK_LEN) == 0)
			c++;
	return c;
}

int
messenger_online(unsigned number)
{
	return number < FRIEND_NUM_MAX && peers[number].online;
}

/* Events to the frontend. */

static void
event_friend(unsigned n, uint8_t what, const uint8_t *v, size_t len)
{
	static struct ipc_chat_friend	 e;
	static uint8_t			 buf[IPC_CHAT_FRIEND_MAX];
	struct friend			*f = friend_n(n);
	struct wr			 w;

	if (f == NULL || to_frontend == NULL || !to_frontend->open)
		return;
	e.number = (uint16_t)n;
	memcpy(e.pk, f->pk, sizeof(e.pk));
	e.what = what;
	e.len = (uint16_t)len;
	memcpy(e.value, v, len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_friend(&w, &e);
	if (wr_ok(&w))
		(void)chan_send_wr(to_frontend, IPC_CHAT_FRIEND, 0, &w);
}

static void
event_connection(unsigned n, uint8_t conn)
{
	struct friend	*f = friend_n(n);

	if (f != NULL)
		f->connection = conn;
	event_friend(n, CHAT_FRIEND_CONNECTION, &conn, 1);
}

static void
event_receipt(unsigned n, const struct entry *e)
{
	struct ipc_chat_id	r;
	uint8_t			buf[IPC_CHAT_ID_LEN];
	struct wr		w;

	if (to_frontend == NULL || !to_frontend->open)
		return;
	r.number = (uint16_t)n;
	memcpy(r.pk, e->pk, sizeof(r.pk));
	r.message_id = e->id;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_id(&w, &r);
	(void)chan_send_wr(to_frontend, IPC_CHAT_RECEIPT, 0, &w);
}

/* Packets to a friend. */

static int
send_pkt(unsigned n, const uint8_t *p, int len)
{
	if (len <= 0)
		return -1;
	return fconn_send(n, p, (size_t)len) < 0 ? -1 : 0;
}

static void
send_self(unsigned n)
{
	uint8_t	p[NC_DATA_MAX];

	(void)send_pkt(n, p, msgr_build_nickname(self.name, self.name_len, p,
	    sizeof(p)));
	(void)send_pkt(n, p, msgr_build_statusmessage(self.status_msg,
	    self.status_msg_len, p, sizeof(p)));
	(void)send_pkt(n, p, msgr_build_userstatus(self.userstatus, p,
	    sizeof(p)));
	if (peers[n].typing)
		(void)send_pkt(n, p, msgr_build_typing(1, p, sizeof(p)));
}

/* Sends what the window takes of friend n's outbox, in order. */
static void
flush(unsigned n)
{
	struct friend	*f = friend_n(n);
	uint8_t		 p[NC_DATA_MAX];
	size_t		 i, chunk;
	int64_t		 num;
	int		 len;

	if (f == NULL || !peers[n].online)
		return;
	for (i = 0; i < nob; i++) {
		struct entry	*e = &ob[i];

		if (memcmp(e->pk, f->pk, TOX_PK_LEN) != 0 || e->all_sent)
			continue;
		while (e->sent < e->len) {
			chunk = msgr_split(e->text + e->sent,
			    (size_t)(e->len - e->sent), MSGR_TEXT_MAX);
			len = e->action ?
			    msgr_build_action(e->text + e->sent, chunk, p,
			    sizeof(p)) :
			    msgr_build_message(e->text + e->sent, chunk, p,
			    sizeof(p));
			if (len <= 0) {		/* cannot happen: chunk fits */
				e->sent = e->len;
				break;
			}
			if ((num = fconn_send(n, p, (size_t)len)) < 0) {
				explicit_bzero(p, sizeof(p));
				return;		/* window full: after an ack */
			}
			e->sent = (uint16_t)(e->sent + chunk);
			e->last_num = (uint32_t)num;
		}
		e->all_sent = 1;
	}
	explicit_bzero(p, sizeof(p));
}

static void
entry_free(size_t i)
{
	explicit_bzero(ob[i].text, ob[i].len);
	free(ob[i].text);
	memmove(&ob[i], &ob[i + 1], (nob - i - 1) * sizeof(ob[0]));
	nob--;
}

static void
outbox_del(uint64_t id)
{
	uint8_t		buf[IPC_OUTBOX_ID_LEN];
	struct wr	w;

	if (to_keyd == NULL || !to_keyd->open)
		return;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_outbox_id(&w, id);
	(void)chan_send_wr(to_keyd, IPC_OUTBOX_DEL, 0, &w);
}

/* Takes an entry (text moved in); 0, or -1 if the outbox is full. */
static int
entry_add(uint64_t id, const uint8_t *pk, uint8_t action, uint8_t *text,
    uint16_t len)
{
	size_t	i;

	for (i = 0; i < nob; i++)
		if (ob[i].id == id)
			return -1;		/* loaded twice */
	if (nob == OUTBOX_CHATD_MAX)
		return -1;
	/* keyd's ids grow: keep the array in id order */
	for (i = nob; i > 0 && ob[i - 1].id > id; i--)
		;
	memmove(&ob[i + 1], &ob[i], (nob - i) * sizeof(ob[0]));
	memset(&ob[i], 0, sizeof(ob[i]));
	ob[i].id = id;
	memcpy(ob[i].pk, pk, TOX_PK_LEN);
	ob[i].action = action;
	ob[i].len = len;
	ob[i].text = text;
	nob++;
	return 0;
}

/* fconn's hooks. */

static void
conn_up(unsigned n)
{
	uint8_t	p[8];

	peers[n].online = 0;
	files_down(n);		/* a new session: nothing carries over */
	(void)send_pkt(n, p, msgr_build_online(p, sizeof(p)));
}

static void
conn_down(unsigned n)
{
	struct friend	*f = friend_n(n);
	size_t		 i;

	/* what was not acknowledged goes again, whole, next time */
	for (i = 0; f != NULL && i < nob; i++)
		if (memcmp(ob[i].pk, f->pk, TOX_PK_LEN) == 0) {
			ob[i].sent = 0;
			ob[i].all_sent = 0;
		}
	peers[n].path = 0;
	/* c-toxcore's break_files: every transfer ends with the session */
	files_down(n);
	if (peers[n].online) {
		peers[n].online = 0;
		event_connection(n, FRIEND_CONN_NONE);
	}
}

/* What the user sees of an online friend's session: udp or tcp. */
static uint8_t
conn_kind(unsigned n)
{
	return peers[n].path == NC_PATH_TCP ? FRIEND_CONN_TCP :
	    FRIEND_CONN_UDP;
}

static void
went_online(unsigned n)
{
	struct friend	*f = friend_n(n);

	if (peers[n].online)
		return;
	peers[n].online = 1;
	/* a friend we asked is now connected: no more requests */
	if (f != NULL && f->status == 2) {
		f->status = 3;
		f->resend_due = 0;
	}
	send_self(n);
	files_up(n);
	event_connection(n, conn_kind(n));
	flush(n);
}

static void
message_in(unsigned n, const struct msgr_pkt *pkt)
{
	static struct ipc_chat_message	 e;
	static uint8_t			 buf[IPC_CHAT_MESSAGE_MAX];
	struct friend			*f = friend_n(n);
	struct wr			 w;

	if (f == NULL || to_frontend == NULL || !to_frontend->open)
		return;
	e.number = (uint16_t)n;
	memcpy(e.pk, f->pk, sizeof(e.pk));
	e.message_id = next_in_id++;
	e.action = pkt->kind == MSGR_ACTION;
	e.len = pkt->len;
	memcpy(e.text, pkt->text, pkt->len);
	history_note(HISTORY_IN, f->pk, e.message_id, e.action, e.text, e.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_message(&w, &e);
	(void)chan_send_wr(to_frontend, IPC_CHAT_MESSAGE, 0, &w);
	explicit_bzero(e.text, e.len);
	explicit_bzero(buf, w.len);
}

static void
conn_packet(unsigned n, const uint8_t *p, size_t len)
{
	static struct msgr_pkt	 pkt;
	struct friend		*f = friend_n(n);
	int			 kind;

	if (f == NULL)
		return;
	kind = msgr_parse(p, len, &pkt);
	if (kind == MSGR_ONLINE) {
		went_online(n);
		return;
	}
	/* as c-toxcore: nothing counts before the friend's ONLINE */
	if (!peers[n].online)
		return;
	if (files_packet(n, p, len) == 0)
		return;
	switch (kind) {
	case MSGR_OFFLINE:
		/* as a lost connection: its messenger drops what follows,
		 * though the transport still acknowledges it (c-toxcore
		 * clears its receipts here), so it all goes again */
		conn_down(n);
		break;
	case MSGR_NICKNAME:
		f->name_len = pkt.len;
		memcpy(f->name, pkt.text, pkt.len);
		event_friend(n, CHAT_FRIEND_NAME, pkt.text, pkt.len);
		break;
	case MSGR_STATUSMESSAGE:
		f->status_msg_len = pkt.len;
		memcpy(f->status_msg, pkt.text, pkt.len);
		event_friend(n, CHAT_FRIEND_STATUS_MSG, pkt.text, pkt.len);
		break;
	case MSGR_USERSTATUS:
		f->userstatus = pkt.value;
		event_friend(n, CHAT_FRIEND_STATUS, &pkt.value, 1);
		break;
	case MSGR_TYPING:
		event_friend(n, CHAT_FRIEND_TYPING, &pkt.value, 1);
		break;
	case MSGR_MESSAGE:
	case MSGR_ACTION:
		message_in(n, &pkt);
		break;
	default:	/* requests over a connection, files, calls: later */
		break;
	}
	explicit_bzero(pkt.text, pkt.len);
}

static void
conn_acked(unsigned n, uint32_t number)
{
	struct friend	*f = friend_n(n);
	size_t		 i;

	for (i = 0; f != NULL && i < nob; i++) {
		if (memcmp(ob[i].pk, f->pk, TOX_PK_LEN) != 0 ||
		    !ob[i].all_sent || ob[i].last_num != number)
			continue;
		event_receipt(n, &ob[i]);
		outbox_del(ob[i].id);
		entry_free(i);
		break;
	}
	flush(n);
	files_acked(n, number);
}

void
messenger_forget(int number, const uint8_t *pk)
{
	size_t	i;

	for (i = 0; i < nob;)
		if (memcmp(ob[i].pk, pk, TOX_PK_LEN) == 0)
			entry_free(i);
		else
			i++;
	if (number < 0)
		return;
	files_down((unsigned)number);
	if (number < FRIEND_NUM_MAX)
		memset(&peers[number], 0, sizeof(peers[number]));
}

/* The frontend's rows. */

int
messenger_resolve(const struct ipc_friend_remove *ref)
{
	struct friend	*f;
	int		 n;

	n = ref->by_pk ? friends_find(friend_ops_friends(), ref->pk) :
	    ref->number;
	if (n < 0 || (f = friend_n((unsigned)n)) == NULL || f->pending)
		return -1;
	return n;
}

static void
stored(void *arg, struct ipc_msg *m, struct rd *r)
{
	struct put		*pu = arg;
	struct ipc_chat_id	 a;
	struct ipc_error	 e;
	uint8_t			 buf[IPC_CHAT_ID_LEN], *text;
	struct wr		 w;
	uint64_t		 id;
	int			 n;

	if (m->hdr.type != IPC_OUTBOX_STORED ||
	    ipc_unpack_outbox_id(r, &id) == -1) {
		if (m->hdr.type != IPC_ERROR || ipc_unpack_error(r, &e) == -1)
			snprintf(e.text, sizeof(e.text), "keyd did not store it");
		(void)chan_reply_error(to_frontend, pu->reply_id,
		    IPC_ERR_STATE, e.text);
		goto out;
	}
	if ((text = malloc(pu->len)) == NULL ||
	    (memcpy(text, pu->text, pu->len),
	    entry_add(id, pu->pk, pu->action, text, pu->len)) == -1) {
		/* keyd has it and sends it again at our next start */
		free(text);
		log_warnx("outbox entry %llu kept only by keyd",
		    (unsigned long long)id);
	}
	history_note(HISTORY_OUT, pu->pk, id, pu->action, pu->text, pu->len);
	a.number = pu->number;
	memcpy(a.pk, pu->pk, sizeof(a.pk));
	a.message_id = id;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_id(&w, &a);
	(void)chan_send_wr(to_frontend, IPC_CHAT_SENT, pu->reply_id, &w);
	if ((n = friends_find(friend_ops_friends(), pu->pk)) >= 0)
		flush((unsigned)n);
out:
	explicit_bzero(pu->text, pu->len);
	free(pu);
}

static int
on_send(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_chat_send	 s;
	static struct ipc_outbox_put	 op;
	static uint8_t			 buf[IPC_OUTBOX_PUT_MAX];
	struct put			*pu;
	struct friend			*f;
	struct wr			 w;
	int				 n;

	if (ipc_unpack_chat_send(r, &s) == -1)
		return -1;
	if ((n = messenger_resolve(&s.ref)) == -1) {
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_NOTFOUND,
		    "no such friend");
		goto out;
	}
	f = friend_n((unsigned)n);
	if ((pu = malloc(sizeof(*pu) + s.len)) == NULL) {
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_INTERNAL,
		    "out of memory");
		goto out;
	}
	pu->reply_id = m->hdr.id;
	pu->number = (uint16_t)n;
	memcpy(pu->pk, f->pk, sizeof(pu->pk));
	pu->action = s.action;
	pu->len = s.len;
	memcpy(pu->text, s.text, s.len);
	memcpy(op.pk, f->pk, sizeof(op.pk));
	op.action = s.action;
	op.len = s.len;
	memcpy(op.text, s.text, s.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_outbox_put(&w, &op);
	if (chan_call_wr(to_keyd, IPC_OUTBOX_PUT, &w, 0, stored, pu) == -1) {
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_STATE,
		    "keyd is not reachable");
		explicit_bzero(pu->text, pu->len);
		free(pu);
	}
	explicit_bzero(buf, w.len);
	explicit_bzero(op.text, op.len);
out:
	explicit_bzero(s.text, s.len);
	return 0;
}

static int
on_typing(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_chat_typing	t;
	uint8_t			p[8];
	int			n;

	if (ipc_unpack_chat_typing(r, &t) == -1)
		return -1;
	if ((n = messenger_resolve(&t.ref)) == -1)
		return chan_reply_error(c, m->hdr.id, IPC_ERR_NOTFOUND,
		    "no such friend"), 0;
	if (peers[n].typing != t.typing) {
		peers[n].typing = t.typing;
		if (peers[n].online)
			(void)send_pkt((unsigned)n, p,
			    msgr_build_typing(t.typing, p, sizeof(p)));
	}
	(void)chan_reply_ok(c, m->hdr.id);
	return 0;
}

/* keyd's rows. */

static int
on_outbox_load(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_outbox_load	 ld;
	uint8_t				*text;
	int				 n;

	if (ipc_unpack_outbox_load(r, &ld) == -1)
		return -1;
	if ((text = malloc(ld.m.len)) == NULL) {
		log_warnx("outbox entry %llu: no memory; it waits in keyd",
		    (unsigned long long)ld.id);
		goto out;
	}
	memcpy(text, ld.m.text, ld.m.len);
	if (entry_add(ld.id, ld.m.pk, ld.m.action, text, ld.m.len) == -1) {
		explicit_bzero(text, ld.m.len);
		free(text);
		goto out;
	}
	if ((n = friends_find(friend_ops_friends(), ld.m.pk)) >= 0)
		flush((unsigned)n);
out:
	explicit_bzero(ld.m.text, ld.m.len);
	return 0;
}

static int
on_self_info(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_self_info	old = self;
	uint8_t			p[NC_DATA_MAX];
	unsigned		n;

	if (ipc_unpack_self_info(r, &self) == -1)
		return -1;
	for (n = 0; n < FRIEND_NUM_MAX; n++) {
		if (!peers[n].online)
			continue;
		if (old.name_len != self.name_len ||
		    memcmp(old.name, self.name, self.name_len) != 0)
			(void)send_pkt(n, p, msgr_build_nickname(self.name,
			    self.name_len, p, sizeof(p)));
		if (old.status_msg_len != self.status_msg_len ||
		    memcmp(old.status_msg, self.status_msg,
		    self.status_msg_len) != 0)
			(void)send_pkt(n, p, msgr_build_statusmessage(
			    self.status_msg, self.status_msg_len, p,
			    sizeof(p)));
		if (old.userstatus != self.userstatus)
			(void)send_pkt(n, p, msgr_build_userstatus(
			    self.userstatus, p, sizeof(p)));
	}
	return 0;
}

/* netd's word, through keyd, on how a session goes. */
static int
on_path(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_nc_path	p;
	int			n;

	if (ipc_unpack_nc_path(r, &p) == -1)
		return -1;
	if ((n = friends_find(friend_ops_friends(), p.pk)) < 0 ||
	    (unsigned)n >= FRIEND_NUM_MAX || peers[n].path == p.path)
		return 0;
	peers[n].path = p.path;
	if (peers[n].online)
		event_connection((unsigned)n, conn_kind((unsigned)n));
	return 0;
}

static const struct chan_handler from_keyd_rows[] = {
	{ IPC_NC_PATH,		0,	on_path },
	{ IPC_OUTBOX_LOAD,	0,	on_outbox_load },
	{ IPC_SELF_INFO,	0,	on_self_info },
};
const struct chan_table messenger_from_keyd = {
	CHAN_ROWS(from_keyd_rows), NULL
};

static const struct chan_handler from_frontend_rows[] = {
	{ IPC_CHAT_SEND,	0,	on_send },
	{ IPC_CHAT_TYPING,	0,	on_typing },
};
const struct chan_table messenger_from_frontend = {
	CHAN_ROWS(from_frontend_rows), NULL
};

void
messenger_init(struct chan *keyd, struct chan *frontend)
{
	static const struct fconn_hooks	h = {
		conn_up, conn_down, conn_packet, conn_acked, files_room
	};

	to_keyd = keyd;
	to_frontend = frontend;
	fconn_init(keyd, &h);
}
