/*
 * The history command: a friend's past messages, from keyd's opt-in
 * history (keyd/history_ops.h).  keyd answers pages, newest first, of
 * bytes it kept as they were; every text is neutralised here (as a live
 * message is, chat_text.h) before JSON or the terminal sees it.  With
 * history off keyd says how to turn it on, and that is the reply.
 *
 * keyd keeps the history by key and knows chatd's numbers: a friend is
 * named either way, and a removed friend's messages by key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/hex.h"
#include "common/toxid.h"
#include "frontend/chat_text.h"
#include "frontend/cmd.h"
#include "frontend/cmd_friends.h"
#include "frontend/frontend.h"
#include "ipc/msg_core.h"
#include "ipc/msg_history.h"

#define HISTORY_COUNT_DEFAULT	20

struct hq {
	struct ipc_friend_remove ref;
	unsigned	 left;		/* still wanted */
	json_t		*msgs;		/* oldest first */
};

static void
hq_free(struct cmd_ctx *ctx)
{
	struct hq	*q = ctx->data;

	if (q == NULL)
		return;
	json_decref(q->msgs);
	free(q);
	ctx->data = NULL;
}

/* "count": 1..HISTORY_REQ_COUNT_MAX, a number or (CLI) a word; absent:
 * the default.  -1 if it is neither. */
static long
count_arg(json_t *v)
{
	const char	*s;
	char		*end;
	long		 n;

	if (v == NULL)
		return HISTORY_COUNT_DEFAULT;
	if (json_is_integer(v))
		n = json_integer_value(v) > HISTORY_REQ_COUNT_MAX ? -1 :
		    (long)json_integer_value(v);
	else if (json_is_string(v) && (s = json_string_value(v))[0] >= '0' &&
	    s[0] <= '9' && strlen(s) <= 6) {
		n = strtol(s, &end, 10);
		if (*end != '\0')
			n = -1;
	} else
		n = -1;
	return n >= 1 && n <= HISTORY_REQ_COUNT_MAX ? n : -1;
}

/* The CLI's lines: "2026-01-02 03:04:05Z -> text" ("<-" a friend's);
 * an action as "* text"; a text's later lines indented. */
static void
print_lines(json_t *msgs)
{
	char		 when[32];
	const char	*t, *nl;
	json_t		*o;
	time_t		 tt;
	struct tm	 tm;
	size_t		 i;
	int		 first;

	json_array_foreach(msgs, i, o) {
		/* UTC: gmtime_r reads no time zone file (no path calls) */
		tt = (time_t)json_integer_value(json_object_get(o, "time"));
		if (gmtime_r(&tt, &tm) == NULL ||
		    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%SZ",
		    &tm) == 0)
			snprintf(when, sizeof(when), "?");
		t = json_string_value(json_object_get(o, "text"));
		for (first = 1; t != NULL; first = 0) {
			nl = strchr(t, '\n');
			ui_say("%s%s %s%.*s", first ? when : "",
			    first ? (strcmp(json_string_value(json_object_get(
			    o, "direction")), "out") == 0 ? " ->" : " <-") :
			    "                        ",
			    first && json_is_true(json_object_get(o, "action")) ?
			    "* " : "", nl != NULL ? (int)(nl - t) : (int)strlen(t),
			    t);
			t = nl != NULL ? nl + 1 : NULL;
		}
	}
}

static void	ask_page(struct cmd_ctx *, uint64_t before);

static void
finish(struct cmd_ctx *ctx)
{
	struct hq	*q = ctx->data;
	char		 hex[TOX_PK_HEX_LEN + 1];
	json_t		*o;

	if (ui_mode == UI_CLI) {
		print_lines(q->msgs);
		o = json_pack("{s:i}", "messages",
		    (int)json_array_size(q->msgs));
	} else {
		o = json_pack("{s:O}", "messages", q->msgs);
		if (q->ref.by_pk) {
			hex_encode(q->ref.pk, TOX_PK_LEN, hex);
			json_object_set_new(o, "public_key", json_string(hex));
		} else
			json_object_set_new(o, "friend",
			    json_integer(q->ref.number));
	}
	hq_free(ctx);
	ui_reply_ok(ctx, o);
}

static void
page_answer(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	static struct ipc_history_ans	 a;
	static char			 safe[HISTORY_MSG_MAX + 1];
	struct hq			*q = ctx->data;
	struct rd			 r;
	json_t				*o;
	uint8_t				 i;

	if (m->hdr.type != IPC_HISTORY_ANS) {
		hq_free(ctx);
		ui_reply_from_ok(ctx, m);
		return;
	}
	rd_init(&r, m->data, m->hdr.len);
	if (ipc_unpack_history_ans(&r, &a) == -1 || a.n > q->left) {
		hq_free(ctx);
		ui_reply_err(ctx, "bad answer from keyd");
		return;
	}
	for (i = 0; i < a.n; i++) {
		(void)chat_text_safe((const char *)a.text + a.e[i].off,
		    a.e[i].len, safe, sizeof(safe));
		o = json_pack("{s:I, s:s, s:b, s:s, s:I}",
		    "time", (json_int_t)a.e[i].time,
		    "direction", a.e[i].dir == HISTORY_OUT ? "out" : "in",
		    "action", (int)a.e[i].action,
		    "text", safe,
		    "message_id", (json_int_t)a.e[i].message_id);
		/* pages come newest first: each goes in front */
		json_array_insert_new(q->msgs, 0, o);
	}
	explicit_bzero(safe, sizeof(safe));
	explicit_bzero(a.text, a.text_len);
	q->left -= a.n;
	if (a.next != 0 && a.n > 0 && q->left > 0) {
		ask_page(ctx, a.next);
		return;
	}
	finish(ctx);
}

static void
ask_page(struct cmd_ctx *ctx, uint64_t before)
{
	struct hq		*q = ctx->data;
	struct ipc_history_req	 rq;
	uint8_t			 buf[IPC_HISTORY_REQ_LEN];
	struct wr		 w;

	rq.ref = q->ref;
	rq.count = (uint16_t)q->left;
	rq.before = before;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_history_req(&w, &rq);
	if (ui_request(ctx, frontend_chan(ROLE_KEYD), IPC_HISTORY_REQ, buf,
	    w.len, -1, page_answer) == -1)
		hq_free(ctx);
}

static void
cmd_history(struct cmd_ctx *ctx, json_t *args)
{
	struct ipc_friend_remove	 ref;
	struct hq			*q;
	long				 count;

	if (friend_ref_arg(ctx, args, &ref) == -1)
		return;
	if ((count = count_arg(json_object_get(args, "count"))) == -1) {
		ui_reply_err(ctx, "\"count\" is how many messages: 1 to %d",
		    HISTORY_REQ_COUNT_MAX);
		return;
	}
	if ((q = calloc(1, sizeof(*q))) == NULL ||
	    (q->msgs = json_array()) == NULL) {
		free(q);
		ui_reply_err(ctx, "out of memory");
		return;
	}
	q->left = (unsigned)count;
	q->ref = ref;
	ctx->data = q;
	ask_page(ctx, 0);
}

const struct cmd cmds_history[] = {
	{ "history", cmd_history, "friend count",
	    "a friend's last messages (20, or count), oldest first; needs "
	    "--history, which is off by default (see bulkhead(1))",
	    CMD_SESSION },
	{ NULL, NULL, NULL, NULL, 0 }
};
