/* Replies, events and pending requests of the frontend: see ui.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/rd.h"
#include "frontend/chat_view.h"
#include "frontend/file_view.h"
#include "frontend/sanitize.h"
#include "frontend/ui.h"
#include "ipc/msg_core.h"

enum ui_mode	ui_mode = UI_CLI;
int		ui_errors;
unsigned long	ui_printed;

/* A request of a command, in flight on a channel (ipc/chan.c keeps the
 * id and the deadline, and ends it exactly once). */
struct ui_call {
	struct cmd_ctx	*ctx;
	void		(*cb)(struct cmd_ctx *, struct ipc_msg *);
};

static void
emit_json(json_t *obj)
{
	char	*s;

	/* ENSURE_ASCII: whatever a friend sent, stdout stays plain ASCII. */
	if ((s = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII)) == NULL)
		fatalx("%s: json_dumps", __func__);
	printf("%s\n", s);
	fflush(stdout);
	free(s);
}

/* Renders a JSON value as text for the terminal, sanitized. */
static void
render_value(const char *key, json_t *v, int depth)
{
	char		 buf[2048];
	const char	*k;
	json_t		*e;
	size_t		 i;

	printf("%*s", depth * 2, "");
	if (key != NULL)
		printf("%s: ", sanitize_text(key, strlen(key), buf,
		    sizeof(buf)));
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		printf("\n");
		json_object_foreach(v, k, e)
			render_value(k, e, depth + 1);
		return;
	case JSON_ARRAY:
		printf("\n");
		json_array_foreach(v, i, e)
			render_value(NULL, e, depth + 1);
		return;
	case JSON_STRING:
		printf("%s\n", sanitize_text(json_string_value(v),
		    json_string_length(v), buf, sizeof(buf)));
		return;
	case JSON_INTEGER:
		printf("%lld\n", (long long)json_integer_value(v));
		return;
	case JSON_REAL:
		printf("%g\n", json_real_value(v));
		return;
	case JSON_TRUE:
		printf("yes\n");
		return;
	case JSON_FALSE:
		printf("no\n");
		return;
	case JSON_NULL:
		printf("-\n");
		return;
	}
}

/* An event on one line: "* dht: state none, good_nodes 0, ...". */
static void
render_event(const char *name, json_t *obj)
{
	char		 buf[1024];
	const char	*k, *sep = ": ";
	json_t		*v;

	/* a transfer's progress redraws its own line */
	if (file_view_render(name, obj))
		return;
	ui_printed++;
	/* a conversation reads as one, not as a list of members */
	if (chat_view_render(name, obj))
		return;
	printf("* %s", name);
	json_object_foreach(obj, k, v) {
		printf("%s%s ", sep, k);
		sep = ", ";
		if (json_is_string(v))
			printf("%s", sanitize_text(json_string_value(v),
			    json_string_length(v), buf, sizeof(buf)));
		else if (json_is_integer(v))
			printf("%lld", (long long)json_integer_value(v));
		else if (json_is_boolean(v))
			printf("%s", json_is_true(v) ? "yes" : "no");
		else
			printf("-");
	}
	printf("\n");
	fflush(stdout);
}

void
ui_say(const char *fmt, ...)
{
	va_list	ap;

	if (ui_mode != UI_CLI)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	ui_printed++;
}

static int	 live;		/* contexts not yet released */
static int	 holding;	/* CLI events wait: a prompt is up */
static int	 quiet;		/* events are dropped */
static json_t	*held;		/* CLI events while holding */
static void	(*on_idle)(void);
static void	(*screen_hide)(void), (*screen_show)(void);

void
ui_set_screen(void (*hide)(void), void (*show)(void))
{
	screen_hide = hide;
	screen_show = show;
}

void
ui_set_idle(void (*idle)(void))
{
	on_idle = idle;
}

int
ui_busy(void)
{
	return live;
}

void
ui_quiet(void)
{
	quiet = 1;
}

void
ui_hold(int on)
{
	json_t	*e;
	size_t	 i;

	holding = on;
	if (on || held == NULL)
		return;
	json_array_foreach(held, i, e)
		ui_event(json_string_value(json_object_get(e, "event")),
		    json_incref(json_object_get(e, "data")));
	json_decref(held);
	held = NULL;
}

struct cmd_ctx *
ui_ctx(const char *name, json_t *tag)
{
	struct cmd_ctx	*ctx;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		fatal("%s: calloc", __func__);
	ctx->name = name;
	if (tag != NULL)
		ctx->tag = json_incref(tag);
	live++;
	return ctx;
}

static void
release(struct cmd_ctx *ctx)
{
	if (ctx->tag != NULL)
		json_decref(ctx->tag);
	if (ctx->data != NULL && ctx->data_free != NULL)
		ctx->data_free(ctx->data);
	free(ctx);
	if (--live == 0 && on_idle != NULL)
		on_idle();
}

static void
finish(struct cmd_ctx *ctx)
{
	ctx->done = 1;
	/* else the answer that is running, or the last one, frees it */
	if (!ctx->in_cb && ctx->waiting == 0)
		release(ctx);
}

/* {"reply": name, "ok": ok, "id": tag}: the id right after, if any. */
static json_t *
reply_head(const char *name, json_t *tag, int ok)
{
	json_t	*out;

	out = json_pack("{s:o, s:b}", "reply", name != NULL ?
	    json_string(name) : json_null(), "ok", ok);
	if (tag != NULL)
		json_object_set(out, "id", tag);
	return out;
}

void
ui_reply_ok(struct cmd_ctx *ctx, json_t *obj)
{
	const char	*k;
	json_t		*v, *out;

	if (obj == NULL)
		obj = json_object();
	if (ui_mode == UI_JSON) {
		out = reply_head(ctx->name, ctx->tag, 1);
		json_object_update_missing(out, obj);
		emit_json(out);
		json_decref(out);
	} else {
		json_object_foreach(obj, k, v)
			render_value(k, v, 0);
		if (json_object_size(obj) == 0)
			printf("ok\n");
		fflush(stdout);
		ui_printed++;
	}
	json_decref(obj);
	finish(ctx);
}

void
ui_reply_err(struct cmd_ctx *ctx, const char *fmt, ...)
{
	char	 msg[512], safe[512];
	va_list	 ap;
	json_t	*out;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* it may quote what the user sent: valid UTF-8, no controls */
	(void)sanitize_text(msg, strlen(msg), safe, sizeof(safe));
	if (ui_mode == UI_JSON) {
		out = reply_head(ctx->name, ctx->tag, 0);
		json_object_set_new(out, "error", json_string(safe));
		emit_json(out);
		json_decref(out);
	} else {
		printf("error: %s\n", safe);
		fflush(stdout);
		ui_printed++;
	}
	ui_errors++;
	finish(ctx);
}

void
ui_event(const char *name, json_t *obj)
{
	json_t	*out;

	if (obj == NULL)
		obj = json_object();
	if (quiet) {
		json_decref(obj);
		return;
	}
	if (ui_mode == UI_CLI && holding) {
		/* not in the middle of a passphrase prompt: after it */
		if (held == NULL)
			held = json_array();
		json_array_append_new(held, json_pack("{s:s, s:o}", "event",
		    name, "data", obj));
		return;
	}
	if (ui_mode == UI_JSON) {
		out = json_pack("{s:s}", "event", name);
		json_object_update(out, obj);
		emit_json(out);
		json_decref(out);
	} else {
		if (screen_hide != NULL)
			screen_hide();
		render_event(name, obj);
		if (screen_show != NULL)
			screen_show();
	}
	json_decref(obj);
}

static void
ui_answered(void *arg, struct ipc_msg *m, struct rd *r)
{
	struct ui_call		*u = arg;
	struct cmd_ctx		*ctx = u->ctx;
	struct ipc_error	 e;

	ctx->waiting--;
	if (!ctx->done) {
		ctx->in_cb = 1;
		/* the peer went away or took too long: the channel says so */
		if (m->hdr.type == IPC_ERROR && ipc_unpack_error(r, &e) == 0 &&
		    e.code == IPC_ERR_GONE)
			ui_reply_err(ctx, "%s", e.text);
		else
			u->cb(ctx, m);
		ctx->in_cb = 0;
		if (!ctx->done && ctx->waiting == 0)
			ui_reply_err(ctx, "internal: no reply produced");
	}
	free(u);
	/* one reply per command, however many requests it had out */
	if (ctx->done && ctx->waiting == 0)
		release(ctx);
}

int
ui_request(struct cmd_ctx *ctx, struct chan *c, uint16_t type,
    const void *p, size_t len, int fd,
    void (*cb)(struct cmd_ctx *, struct ipc_msg *))
{
	struct ui_call	*u;

	if ((u = calloc(1, sizeof(*u))) == NULL)
		fatal("%s: calloc", __func__);
	u->ctx = ctx;
	u->cb = cb;
	if (chan_call(c, type, p, len, fd, 0, ui_answered, u) == -1) {
		free(u);
		if (c->open && c->ncalls >= CHAN_MAX_CALLS)
			ui_reply_err(ctx, "%d requests to %s are unanswered; "
			    "try again when some are", CHAN_MAX_CALLS,
			    role_name(c->peer));
		else
			ui_reply_err(ctx, "%s is not available",
			    role_name(c->peer));
		return -1;
	}
	ctx->waiting++;
	return 0;
}

void
ui_reply_from_ok(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	struct ipc_error	e;
	struct rd		r;

	if (m->hdr.type == IPC_OK) {
		ui_reply_ok(ctx, NULL);
		return;
	}
	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type == IPC_ERROR && ipc_unpack_error(&r, &e) == 0)
		ui_reply_err(ctx, "%s", e.text);
	else
		ui_reply_err(ctx, "unexpected answer %s",
		    ipc_type_name(m->hdr.type));
}

void
ui_reply_unparsed(json_t *tag, const char *msg)
{
	json_t	*out;

	out = reply_head(NULL, tag, 0);
	json_object_set_new(out, "error", json_string(msg));
	if (ui_mode == UI_JSON)
		emit_json(out);
	else {
		printf("error: %s\n", msg);
		ui_printed++;
	}
	fflush(stdout);
	json_decref(out);
	ui_errors++;
}
