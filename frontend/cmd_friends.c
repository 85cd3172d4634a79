/*
 * Friend commands: add, friends, requests, accept, decline, remove, and
 * the friend_request event.  chatd keeps the list and the inbox (keyd
 * stores the list); the frontend checks what the user typed, asks chatd
 * and shows the answers.  Whatever a friend chose (name, status message,
 * request text) is sanitized before it is shown, in JSON mode too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/log.h"
#include "common/toxid.h"
#include "frontend/chat_view.h"
#include "frontend/cmd.h"
#include "frontend/cmd_avatar.h"
#include "frontend/cmd_friends.h"
#include "frontend/friend_match.h"
#include "frontend/frontend.h"
#include "frontend/sanitize.h"
#include "ipc/msg_core.h"
#include "ipc/msg_friend.h"

static const char *const userstatus_names[] = { "none", "away", "busy" };
static const char *const conn_names[FRIEND_CONN_MAX] = {
	[FRIEND_CONN_NONE] = "none",
	[FRIEND_CONN_TCP] = "tcp",
	[FRIEND_CONN_UDP] = "udp",
};

/* Friend-controlled bytes as a terminal-safe JSON string. */
static json_t *
safe_json(const uint8_t *p, size_t n)
{
	static char	safe[2 * FRIEND_REQ_MSG_MAX + 8];

	return json_string(sanitize_text((const char *)p, n, safe,
	    sizeof(safe)));
}

static json_t *
pk_json(const uint8_t *pk)
{
	char	hex[TOX_PK_HEX_LEN + 1];

	hex_encode(pk, TOX_PK_LEN, hex);
	return json_string(hex);
}

/* An ERROR (or an unexpected type) as the command's reply; 1 if so. */
static int
reply_if_not(struct cmd_ctx *ctx, struct ipc_msg *m, uint16_t want)
{
	if (m->hdr.type == want)
		return 0;
	ui_reply_from_ok(ctx, m);
	return 1;
}

/* {"public_key": 64 hex}; -1 with a reply if it is not one. */
static int
pk_arg(struct cmd_ctx *ctx, json_t *args, uint8_t pk[TOX_PK_LEN])
{
	json_t	*v = json_object_get(args, "public_key");

	if (!json_is_string(v) || json_string_length(v) != TOX_PK_HEX_LEN ||
	    hex_decode(json_string_value(v), TOX_PK_HEX_LEN, pk,
	    TOX_PK_LEN) == -1) {
		ui_reply_err(ctx, "\"public_key\" is 64 hexadecimal digits");
		return -1;
	}
	return 0;
}

static void
friend_answer(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	struct ipc_friend_ans	a;
	struct rd		r;

	if (reply_if_not(ctx, m, IPC_FRIEND_ANS))
		return;
	rd_init(&r, m->data, m->hdr.len);
	if (ipc_unpack_friend_ans(&r, &a) == -1) {
		ui_reply_err(ctx, "bad answer from chatd");
		return;
	}
	ui_reply_ok(ctx, json_pack("{s:i, s:o}", "friend", (int)a.number,
	    "public_key", pk_json(a.pk)));
}

static void
cmd_add(struct cmd_ctx *ctx, json_t *args)
{
	static struct ipc_friend_add_req	 rq;
	static uint8_t				 buf[IPC_FRIEND_ADD_REQ_MAX];
	json_t					*a, *msg;
	struct toxid_perr			 pe;
	char					 why[160];
	struct wr				 w;
	size_t					 len;

	a = json_object_get(args, "address");
	msg = json_object_get(args, "message");
	if (!json_is_string(a)) {
		ui_reply_err(ctx, "\"address\" (a 76-digit Tox ID) is "
		    "required");
		return;
	}
	memset(&rq, 0, sizeof(rq));
	if (toxid_parse(json_string_value(a), json_string_length(a),
	    rq.address, &pe) == -1) {
		toxid_strerror(&pe, why, sizeof(why));
		ui_reply_err(ctx, "%s", why);
		return;
	}
	if (!json_is_string(msg) || (len = json_string_length(msg)) == 0) {
		ui_reply_err(ctx, "\"message\" is required: a friend request "
		    "carries 1 to %d bytes of text", FRIEND_REQ_SEND_MAX);
		return;
	}
	if (len > FRIEND_REQ_SEND_MAX) {
		ui_reply_err(ctx, "message is %zu bytes; at most %d", len,
		    FRIEND_REQ_SEND_MAX);
		return;
	}
	rq.len = (uint16_t)len;
	memcpy(rq.msg, json_string_value(msg), len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_add_req(&w, &rq);
	ui_request(ctx, frontend_chan(ROLE_CHATD), IPC_FRIEND_ADD_REQ, buf,
	    w.len, -1, friend_answer);
}

/* The transport to the friend, or null when there is none. */
static json_t *
link_json(const struct ipc_friend_link *l)
{
	if (!l->up)
		return json_null();
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}",
	    "rtt_ms", (json_int_t)l->rtt_ms,
	    "bulk_rate", (json_int_t)l->bulk_rate,
	    "sent", (json_int_t)(l->sent > INT64_MAX ? INT64_MAX : l->sent),
	    "resent", (json_int_t)(l->resent > INT64_MAX ? INT64_MAX :
	    l->resent),
	    "received", (json_int_t)(l->received > INT64_MAX ? INT64_MAX :
	    l->received),
	    "congestion", (json_int_t)l->congestion);
}

static json_t *
entry_json(const struct ipc_friend_entry *e)
{
	/* the CLI's conversation lines show it (chat_view.h) */
	chat_view_name(e->number, e->pk, (const char *)e->name, e->name_len);
	return json_pack("{s:i, s:o, s:o, s:o, s:s, s:s, s:b, s:i, s:o, s:o}",
	    "friend", (int)e->number, "public_key", pk_json(e->pk),
	    "name", safe_json(e->name, e->name_len),
	    "status_message", safe_json(e->status_msg, e->status_msg_len),
	    "status", e->userstatus < 3 ? userstatus_names[e->userstatus] :
	    "none", "connection", conn_names[e->connection],
	    "request_pending", e->status == 1 || e->status == 2,
	    "outbox", (int)e->outbox, "avatar", cmd_avatar_json(e->pk),
	    "link", link_json(&e->link));
}

static void	list_page(struct cmd_ctx *, uint16_t start, uint16_t type,
		    void (*)(struct cmd_ctx *, struct ipc_msg *));

/* A page of friends; the next is asked for until chatd says "no more". */
static void
list_answer(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	static struct ipc_friend_list	 l;
	json_t				*arr = ctx->data;
	struct rd			 r;
	uint8_t				 i;

	if (reply_if_not(ctx, m, IPC_FRIEND_LIST_ANS)) {
		json_decref(arr);
		return;
	}
	rd_init(&r, m->data, m->hdr.len);
	if (ipc_unpack_friend_list(&r, &l) == -1) {
		json_decref(arr);
		ui_reply_err(ctx, "bad answer from chatd");
		return;
	}
	for (i = 0; i < l.count; i++)
		json_array_append_new(arr, entry_json(&l.e[i]));
	if (l.next != FRIEND_NUM_NONE && l.count > 0) {
		list_page(ctx, l.next, IPC_FRIEND_LIST_REQ, list_answer);
		return;
	}
	ctx->data = NULL;
	ui_reply_ok(ctx, json_pack("{s:o}", "friends", arr));
}

static void
inbox_answer(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	static struct ipc_friend_inbox	 l;
	json_t				*arr = ctx->data;
	struct rd			 r;
	uint8_t				 i;

	if (reply_if_not(ctx, m, IPC_FRIEND_INBOX_ANS)) {
		json_decref(arr);
		return;
	}
	rd_init(&r, m->data, m->hdr.len);
	if (ipc_unpack_friend_inbox(&r, &l) == -1) {
		json_decref(arr);
		ui_reply_err(ctx, "bad answer from chatd");
		return;
	}
	for (i = 0; i < l.count; i++)
		json_array_append_new(arr, json_pack("{s:o, s:o}",
		    "public_key", pk_json(l.e[i].pk), "message",
		    safe_json(l.e[i].msg, l.e[i].len)));
	if (l.next != FRIEND_NUM_NONE && l.count > 0) {
		list_page(ctx, l.next, IPC_FRIEND_INBOX_REQ, inbox_answer);
		return;
	}
	ctx->data = NULL;
	ui_reply_ok(ctx, json_pack("{s:o}", "requests", arr));
}

static void
list_page(struct cmd_ctx *ctx, uint16_t start, uint16_t type,
    void (*cb)(struct cmd_ctx *, struct ipc_msg *))
{
	uint8_t		buf[IPC_FRIEND_PAGE_REQ_LEN];
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_page_req(&w, start);
	if (ui_request(ctx, frontend_chan(ROLE_CHATD), type, buf, w.len, -1,
	    cb) == -1) {
		json_decref(ctx->data);
		ctx->data = NULL;
	}
}

static void
cmd_friends(struct cmd_ctx *ctx, json_t *args)
{
	ctx->data = json_array();
	list_page(ctx, 0, IPC_FRIEND_LIST_REQ, list_answer);
}

static void
cmd_requests(struct cmd_ctx *ctx, json_t *args)
{
	ctx->data = json_array();
	list_page(ctx, 0, IPC_FRIEND_INBOX_REQ, inbox_answer);
}

static void
pk_request(struct cmd_ctx *ctx, json_t *args, uint16_t type,
    void (*cb)(struct cmd_ctx *, struct ipc_msg *))
{
	uint8_t		pk[TOX_PK_LEN], buf[IPC_FRIEND_PK_LEN];
	struct wr	w;

	if (pk_arg(ctx, args, pk) == -1)
		return;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_pk(&w, pk);
	ui_request(ctx, frontend_chan(ROLE_CHATD), type, buf, w.len, -1, cb);
}

static void
cmd_accept(struct cmd_ctx *ctx, json_t *args)
{
	pk_request(ctx, args, IPC_FRIEND_ACCEPT, friend_answer);
}

static void
cmd_decline(struct cmd_ctx *ctx, json_t *args)
{
	pk_request(ctx, args, IPC_FRIEND_DECLINE, ui_reply_from_ok);
}

int
friend_ref_arg(struct cmd_ctx *ctx, json_t *args, struct ipc_friend_remove *ref)
{
	json_t		*v = json_object_get(args, "friend");
	const char	*s;
	char		*end;
	long long	 n = -1;

	memset(ref, 0, sizeof(*ref));
	if (json_is_integer(v))
		n = json_integer_value(v);
	else if (json_is_string(v) && (s = json_string_value(v)) != NULL) {
		if (json_string_length(v) == TOX_PK_HEX_LEN &&
		    hex_decode(s, TOX_PK_HEX_LEN, ref->pk, TOX_PK_LEN) == 0)
			ref->by_pk = 1;
		else if (*s >= '0' && *s <= '9' && strlen(s) <= 5) {
			n = strtoll(s, &end, 10);
			if (*end != '\0')
				n = -1;
		}
	}
	if (!ref->by_pk && (n < 0 || n >= FRIEND_NUM_MAX)) {
		if (ui_mode == UI_CLI)
			ui_reply_err(ctx, "give a friend: a number (0 to %d), "
			    "a name, or %d or more digits of a key",
			    FRIEND_NUM_MAX - 1, FRIEND_PREFIX_MIN);
		else
			ui_reply_err(ctx, "\"friend\" is a friend's number "
			    "(0 to %d) or 64-digit public key",
			    FRIEND_NUM_MAX - 1);
		return -1;
	}
	if (!ref->by_pk)
		ref->number = (uint16_t)n;
	return 0;
}

/*
 * The one lookup in flight: the CLI runs a line once the one before has
 * its reply, and JSON mode never looks up.  Fixed, one slot per friend
 * chatd may have; a lookup that ends early (chatd gone) leaves it to be
 * reset by the next.
 */
static struct {
	json_t			*args;
	void			(*then)(struct cmd_ctx *, json_t *);
	size_t			 n;
	struct friend_cand	 c[FRIEND_NUM_MAX];
} look;

static void
look_end(void)
{
	json_decref(look.args);
	look.args = NULL;
	look.then = NULL;
	look.n = 0;
}

static void
look_answer(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	static struct ipc_friend_list	 l;
	const struct ipc_friend_entry	*e;
	void				(*then)(struct cmd_ctx *, json_t *);
	json_t				*v;
	char				 why[512];
	struct rd			 r;
	uint8_t				 i;
	int				 k;

	if (reply_if_not(ctx, m, IPC_FRIEND_LIST_ANS)) {
		look_end();
		return;
	}
	rd_init(&r, m->data, m->hdr.len);
	if (ipc_unpack_friend_list(&r, &l) == -1) {
		look_end();
		ui_reply_err(ctx, "bad answer from chatd");
		return;
	}
	for (i = 0; i < l.count && look.n < FRIEND_NUM_MAX; i++) {
		e = &l.e[i];
		/* the conversation lines show the names seen here too */
		chat_view_name(e->number, e->pk, (const char *)e->name,
		    e->name_len);
		friend_cand_set(&look.c[look.n++], e->number, e->pk, e->name,
		    e->name_len);
	}
	if (l.next != FRIEND_NUM_NONE && l.count > 0 &&
	    look.n < FRIEND_NUM_MAX) {
		list_page(ctx, l.next, IPC_FRIEND_LIST_REQ, look_answer);
		return;
	}
	v = json_object_get(look.args, "friend");
	if ((k = friend_match(json_string_value(v), json_string_length(v),
	    look.c, look.n, why, sizeof(why))) == -1) {
		look_end();
		ui_reply_err(ctx, "%s", why);
		return;
	}
	/* by key: exact, whatever numbers chatd gives meanwhile */
	json_object_set_new(look.args, "friend", pk_json(look.c[k].pk));
	/* the slot is free before the command goes on */
	then = look.then;
	v = json_incref(look.args);
	look_end();
	then(ctx, v);
	json_decref(v);
}

void
friend_find(struct cmd_ctx *ctx, json_t *args,
    void (*then)(struct cmd_ctx *, json_t *))
{
	json_t		*v = json_object_get(args, "friend");
	uint8_t		 pk[TOX_PK_LEN];
	uint16_t	 num;

	if (ui_mode != UI_CLI || !json_is_string(v) ||
	    friend_word(json_string_value(v), json_string_length(v), &num,
	    pk) != FRIEND_WORD_LOOKUP) {
		then(ctx, args);
		return;
	}
	look_end();
	look.args = json_incref(args);
	look.then = then;
	/* list_page's failure path frees ctx->data: nothing of ours */
	ctx->data = NULL;
	list_page(ctx, 0, IPC_FRIEND_LIST_REQ, look_answer);
}

static void
remove_run(struct cmd_ctx *ctx, json_t *args)
{
	struct ipc_friend_remove	 rm;
	uint8_t				 buf[IPC_FRIEND_REMOVE_LEN];
	struct wr			 w;

	if (friend_ref_arg(ctx, args, &rm) == -1)
		return;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_remove(&w, &rm);
	ui_request(ctx, frontend_chan(ROLE_CHATD), IPC_FRIEND_REMOVE, buf,
	    w.len, -1, ui_reply_from_ok);
}

static void
cmd_remove(struct cmd_ctx *ctx, json_t *args)
{
	friend_find(ctx, args, remove_run);
}

/* A stranger's request, opened by keyd and kept by chatd. */
static int
on_request_event(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_friend_request_in	rq;

	if (ipc_unpack_friend_request_in(r, &rq) == -1)
		return -1;
	ui_event("friend_request", json_pack("{s:o, s:o}", "public_key",
	    pk_json(rq.pk), "message", safe_json(rq.msg, rq.len)));
	return 0;
}

static const struct chan_handler from_chatd_rows[] = {
	{ IPC_FRIEND_REQUEST_EVENT,	0,	on_request_event },
};
const struct chan_table cmd_friends_from_chatd = {
	CHAN_ROWS(from_chatd_rows), NULL
};

const struct cmd cmds_friends[] = {
	{ "add", cmd_add, "address message*",
	    "add a friend by Tox ID and send a friend request (1 to 943 "
	    "bytes of text)", CMD_SESSION },
	{ "friends", cmd_friends, NULL,
	    "your friends: number, key, name, status, connection, outbox, "
	    "link (rtt, rate, packets sent, lost, received)",
	    CMD_SESSION },
	{ "requests", cmd_requests, NULL,
	    "friend requests waiting for you", CMD_SESSION },
	{ "accept", cmd_accept, "public_key",
	    "accept a friend request: it becomes a friend", CMD_SESSION },
	{ "decline", cmd_decline, "public_key",
	    "drop a friend request", CMD_SESSION },
	{ "remove", cmd_remove, "friend",
	    "remove a friend, by number, name or key (or 4+ digits of it)",
	    CMD_SESSION },
	{ NULL, NULL, NULL, NULL, 0 }
};
