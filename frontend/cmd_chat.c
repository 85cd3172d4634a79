/*
 * Conversation commands: send, me (an action), typing; and chatd's
 * events about friends: their messages, the receipts of ours, their
 * connection, name, status message, status and typing.
 *
 * chatd keeps the conversation (it stores each message in keyd's outbox
 * before it answers, splits it for the wire, resends, and reports the
 * receipt when the friend has acknowledged every part); the frontend
 * checks what the user typed and shows what friends sent.  A friend's
 * text is neutralised before it is shown, in JSON mode too: each line as
 * textsafe() does, the lines kept (chat_text.h).  Plain text of a
 * conversation is wiped from our buffers once it is passed on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/log.h"
#include "common/toxid.h"
#include "frontend/chat_text.h"
#include "frontend/chat_view.h"
#include "frontend/cmd.h"
#include "frontend/cmd_chat.h"
#include "frontend/cmd_friends.h"
#include "frontend/frontend.h"
#include "frontend/sanitize.h"
#include "ipc/msg_chat.h"
#include "ipc/msg_core.h"

static const char *const status_names[] = { "none", "away", "busy" };
static const char *const conn_names[FRIEND_CONN_MAX] = {
	[FRIEND_CONN_NONE] = "none",
	[FRIEND_CONN_TCP] = "tcp",
	[FRIEND_CONN_UDP] = "udp",
};

/* {"friend": n, "public_key": hex}, the head of every reply and event. */
static json_t *
friend_json(uint16_t number, const uint8_t *pk)
{
	char	hex[TOX_PK_HEX_LEN + 1];

	hex_encode(pk, TOX_PK_LEN, hex);
	return json_pack("{s:i, s:s}", "friend", (int)number, "public_key",
	    hex);
}

static void
sent_answer(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	struct ipc_chat_id	 id;
	struct rd		 r;
	json_t			*o;

	if (m->hdr.type != IPC_CHAT_SENT) {
		ui_reply_from_ok(ctx, m);
		return;
	}
	rd_init(&r, m->data, m->hdr.len);
	if (ipc_unpack_chat_id(&r, &id) == -1) {
		ui_reply_err(ctx, "bad answer from chatd");
		return;
	}
	o = friend_json(id.number, id.pk);
	json_object_set_new(o, "message_id",
	    json_integer((json_int_t)id.message_id));
	ui_reply_ok(ctx, o);
}

/* send and me: the text goes whole; chatd splits it for the wire. */
static void
chat_send(struct cmd_ctx *ctx, json_t *args, uint8_t action)
{
	static struct ipc_chat_send	 rq;
	static uint8_t			 buf[IPC_CHAT_SEND_MAX];
	json_t				*t = json_object_get(args, "text");
	const char			*bad;
	char				 why[96];
	struct wr			 w;
	size_t				 len;

	memset(&rq, 0, sizeof(rq));
	if (friend_ref_arg(ctx, args, &rq.ref) == -1)
		return;
	if (!json_is_string(t) || (len = json_string_length(t)) == 0) {
		ui_reply_err(ctx, "\"text\" is required: 1 to %d bytes",
		    CHAT_TEXT_MAX);
		return;
	}
	if (len > CHAT_TEXT_MAX) {
		ui_reply_err(ctx, "text is %zu bytes; at most %d", len,
		    CHAT_TEXT_MAX);
		return;
	}
	if ((bad = chat_text_check(json_string_value(t), len, why,
	    sizeof(why))) != NULL) {
		ui_reply_err(ctx, "text has %s", bad);
		return;
	}
	rq.action = action;
	rq.len = (uint16_t)len;
	memcpy(rq.text, json_string_value(t), len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_send(&w, &rq);
	/* the channel copied it (or failed and replied) */
	(void)ui_request(ctx, frontend_chan(ROLE_CHATD), IPC_CHAT_SEND, buf,
	    w.len, -1, sent_answer);
	explicit_bzero(&rq, sizeof(rq));
	explicit_bzero(buf, sizeof(buf));
}

/* "action": false (or absent) for a message, true for an action. */
static void
send_run(struct cmd_ctx *ctx, json_t *args)
{
	json_t	*a = json_object_get(args, "action");

	if (a != NULL && !json_is_boolean(a)) {
		ui_reply_err(ctx, "\"action\" is true or false");
		return;
	}
	chat_send(ctx, args, a != NULL && json_is_true(a));
}

static void
cmd_send(struct cmd_ctx *ctx, json_t *args)
{
	friend_find(ctx, args, send_run);
}

static void
me_run(struct cmd_ctx *ctx, json_t *args)
{
	chat_send(ctx, args, 1);
}

static void
cmd_me(struct cmd_ctx *ctx, json_t *args)
{
	friend_find(ctx, args, me_run);
}

/* {"typing": true/false, 1/0, or a word: on, off, yes, no, true, false}. */
static int
typing_arg(json_t *v)
{
	static const char *const on[] = { "on", "yes", "true", "1" };
	static const char *const off[] = { "off", "no", "false", "0" };
	const char	*s;
	size_t		 i;

	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_integer(v) && (json_integer_value(v) == 0 ||
	    json_integer_value(v) == 1))
		return (int)json_integer_value(v);
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	for (i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		if (strcmp(s, on[i]) == 0)
			return 1;
		if (strcmp(s, off[i]) == 0)
			return 0;
	}
	return -1;
}

static void
typing_run(struct cmd_ctx *ctx, json_t *args)
{
	struct ipc_chat_typing	 rq;
	uint8_t			 buf[IPC_CHAT_TYPING_LEN];
	struct wr		 w;
	int			 on;

	if (friend_ref_arg(ctx, args, &rq.ref) == -1)
		return;
	if ((on = typing_arg(json_object_get(args, "typing"))) == -1) {
		ui_reply_err(ctx, "\"typing\" is on or off");
		return;
	}
	rq.typing = (uint8_t)on;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_typing(&w, &rq);
	ui_request(ctx, frontend_chan(ROLE_CHATD), IPC_CHAT_TYPING, buf,
	    w.len, -1, ui_reply_from_ok);
}

static void
cmd_typing(struct cmd_ctx *ctx, json_t *args)
{
	friend_find(ctx, args, typing_run);
}

/* A friend's message or action, in order, once. */
static int
on_message(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_chat_message	 cm;
	static char			 safe[MSG_TEXT_MAX + 1];
	json_t				*o;

	if (ipc_unpack_chat_message(r, &cm) == -1) {
		explicit_bzero(&cm, sizeof(cm));
		return -1;
	}
	(void)chat_text_safe((const char *)cm.text, cm.len, safe,
	    sizeof(safe));
	o = friend_json(cm.number, cm.pk);
	json_object_set_new(o, "message_id",
	    json_integer((json_int_t)cm.message_id));
	json_object_set_new(o, "action", json_boolean(cm.action));
	json_object_set_new(o, "text", json_string(safe));
	explicit_bzero(&cm, sizeof(cm));
	explicit_bzero(safe, sizeof(safe));
	ui_event("message", o);
	return 0;
}

/* Every part of a message of ours was acknowledged by the friend. */
static int
on_receipt(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_chat_id	 id;
	json_t			*o;

	if (ipc_unpack_chat_id(r, &id) == -1)
		return -1;
	o = friend_json(id.number, id.pk);
	json_object_set_new(o, "message_id",
	    json_integer((json_int_t)id.message_id));
	ui_event("receipt", o);
	return 0;
}

/* A friend changed: one event per kind of change. */
static int
on_friend(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_chat_friend	 f;
	static char			 safe[FRIEND_STATUSMSG_MAX + 1];
	const char			*ev;
	json_t				*o;

	if (ipc_unpack_chat_friend(r, &f) == -1)
		return -1;
	o = friend_json(f.number, f.pk);
	switch (f.what) {
	case CHAT_FRIEND_CONNECTION:
		ev = "friend_connection";
		json_object_set_new(o, "connection",
		    json_string(conn_names[f.value[0]]));
		break;
	case CHAT_FRIEND_NAME:
		ev = "friend_name";
		chat_view_name(f.number, f.pk, (const char *)f.value, f.len);
		json_object_set_new(o, "name", json_string(sanitize_text(
		    (const char *)f.value, f.len, safe, sizeof(safe))));
		break;
	case CHAT_FRIEND_STATUS_MSG:
		ev = "friend_status_message";
		json_object_set_new(o, "status_message", json_string(
		    sanitize_text((const char *)f.value, f.len, safe,
		    sizeof(safe))));
		break;
	case CHAT_FRIEND_STATUS:
		ev = "friend_status";
		json_object_set_new(o, "status",
		    json_string(status_names[f.value[0]]));
		break;
	case CHAT_FRIEND_TYPING:
		ev = "friend_typing";
		json_object_set_new(o, "typing", json_boolean(f.value[0]));
		break;
	default:
		/* ipc_unpack_chat_friend refuses other kinds */
		json_decref(o);
		return -1;
	}
	ui_event(ev, o);
	return 0;
}

static const struct chan_handler from_chatd_rows[] = {
	{ IPC_CHAT_MESSAGE,	0,	on_message },
	{ IPC_CHAT_RECEIPT,	0,	on_receipt },
	{ IPC_CHAT_FRIEND,	0,	on_friend },
};
const struct chan_table cmd_chat_from_chatd = {
	CHAN_ROWS(from_chatd_rows), NULL
};

const struct cmd cmds_chat[] = {
	{ "send", cmd_send, "friend [action] text*",
	    "send a message to a friend, by number, name or key (or 4+ "
	    "digits of it; JSON: number or key only); it is "
	    "stored at once and goes when the friend is online (JSON: "
	    "\"action\": true sends an action)", CMD_SESSION },
	{ "me", cmd_me, "friend text*",
	    "send an action (\"/me waves\") to a friend", CMD_SESSION },
	{ "typing", cmd_typing, "friend typing",
	    "tell a friend you are typing (on) or not (off)", CMD_SESSION },
	{ NULL, NULL, NULL, NULL, 0 }
};
