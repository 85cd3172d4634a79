/*
 * The frontend's rendering of replies and events (frontend/ui.c,
 * frontend/sanitize.c): what keyd relays is friend-controlled or, if keyd
 * or netd is compromised, hostile.  Each input is rendered in the
 * interactive CLI or in JSON mode, with stdout captured in a memfd, and the
 * output is checked: the CLI prints no control byte but '\n' and only
 * UTF-8 without C0/C1 controls; JSON mode prints only ASCII without C0
 * controls, one JSON object a line.  Nothing may crash or exit.
 *
 * Input: [sel u8] then bytes.  sel & 1: JSON mode.  (sel >> 1) & 7:
 *   0, 1  the bytes are a JSON value, rendered as a reply and as an event
 *   2, 3  `self` answered over a real channel by SELF_ANS / ERROR (bytes)
 *   4, 5  `id` answered by ID_ANS / ERROR (bytes)
 *   6     NET_STATUS from keyd (bytes)
 *   7     an error reply whose text is the bytes (up to a NUL)
 */
#include <sys/mman.h>
#include <sys/socket.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "common/rd.h"
#include "frontend/cmd.h"
#include "frontend/cmd_net.h"
#include "frontend/frontend.h"
#include "frontend/ui.h"
#include "ipc/msg_core.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* What frontend.c (the role's main, not in the library) provides. */
static struct chan	ch_keyd, sup;

struct chan *
frontend_chan(enum role r)
{
	return r == ROLE_KEYD ? &ch_keyd : &sup;
}

void
frontend_quit(int code)
{
	abort();	/* no quit here: never reached */
}

void
frontend_exit(int code)
{
	abort();	/* no one-shot, no quit: never reached */
}
static int		out_fd = -1;
static struct ipc_msg	m;

/* Real callers nest three deep at most (status: processes, sandbox). */
static int
depth(json_t *v)
{
	const char	*k;
	json_t		*e;
	size_t		 i;
	int		 d = 0, x;

	if (json_is_object(v)) {
		json_object_foreach(v, k, e)
			if ((x = depth(e)) > d)
				d = x;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			if ((x = depth(e)) > d)
				d = x;
	} else
		return 0;
	return d + 1;
}

static int
plain_keys(json_t *o)
{
	const char	*k, *c;
	json_t		*e;

	json_object_foreach(o, k, e)
		for (c = k; *c != '\0'; c++)
			if (*c < 0x20 || *c >= 0x7f)
				return 0;
	return 1;
}

static void
render_json(const uint8_t *p, size_t n)
{
	struct cmd_ctx	*ctx;
	json_t		*v, *o;

	if ((v = json_loadb((const char *)p, n, JSON_DECODE_ANY |
	    JSON_ALLOW_NUL, NULL)) == NULL)
		return;
	if (depth(v) > 16) {
		json_decref(v);
		return;
	}
	if (json_is_object(v))
		o = v;
	else {
		o = json_object();
		json_object_set_new(o, "value", v);
	}
	ctx = ui_ctx("fuzz", NULL);
	ui_reply_ok(ctx, json_incref(o));
	/* An event's keys are ours (render_event prints them as they are):
	 * friend-controlled text comes only as values. */
	if (!plain_keys(o)) {
		v = o;
		o = json_object();
		json_object_set_new(o, "value", v);
	}
	ui_event("fuzz", o);
}

static void
on_close(struct chan *c, const char *why)
{
}

static const struct chan_tables	none = { { NULL } };

/* A command whose request to keyd is answered with type and the bytes. */
static void
answer(const char *cmd, uint16_t type, const uint8_t *p, size_t n)
{
	struct ipc_hello	 h;
	uint8_t			 buf[IPC_HELLO_LEN];
	struct wr		 w;
	json_t			*args;
	int			 sv[2], id = -1;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		abort();
	chan_open(&ch_keyd, sv[0], ROLE_FRONTEND, ROLE_KEYD, &none, on_close,
	    NULL);
	h.role = ROLE_KEYD;
	memcpy(h.build_id, ipc_build_id, sizeof(h.build_id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &h);
	if (ipc_send(sv[1], IPC_HELLO, 0, buf, w.len, -1) == -1)
		abort();
	args = json_object();
	cmd_run(cmd_find(cmd), args);
	json_decref(args);
	while (ipc_recv(sv[1], &m) == 1)
		if (m.hdr.type != IPC_HELLO)
			id = (int)m.hdr.id;
	if (id == -1)
		abort();		/* the command sent no request */
	if (ipc_send(sv[1], type, (uint32_t)id, p, n, -1) == -1)
		abort();
	loop_once(0);
	/* unanswered (a bad answer closed it): the command fails, once */
	chan_close(&ch_keyd, "fuzz over");
	close(sv[1]);
}

static void
error_reply(const uint8_t *p, size_t n)
{
	struct cmd_ctx	*ctx;
	char		 text[IPC_ERROR_TEXT_MAX + 1];

	if (n > IPC_ERROR_TEXT_MAX)
		n = IPC_ERROR_TEXT_MAX;
	memcpy(text, p, n);
	text[n] = '\0';
	ctx = ui_ctx("fuzz", NULL);
	ui_reply_err(ctx, "%s", text);
}

/* Length of valid UTF-8 at p with no C0, DEL or C1; 0 if not. */
static size_t
safe_char(const uint8_t *p, size_t left)
{
	uint32_t	cp;
	size_t		n, i;

	if (p[0] < 0x80)
		return p[0] < 0x20 || p[0] == 0x7f ? 0 : 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
	    (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return n;
}

static void
check_output(void)
{
	static uint8_t	out[1 << 20];
	json_t		*line;
	ssize_t		 n;
	size_t		 i, k, start;

	fflush(stdout);
	if ((n = pread(out_fd, out, sizeof(out), 0)) < 0)
		abort();
	if (getenv("FUZZ_RENDER_SHOW") != NULL)	/* to see what is checked */
		(void)write(STDERR_FILENO, out, (size_t)n);
	for (i = 0, start = 0; i < (size_t)n; i += k) {
		if (out[i] == '\n') {
			if (ui_mode == UI_JSON) {
				/* every line one object, as a script reads */
				if ((line = json_loadb((char *)out + start,
				    i - start, JSON_ALLOW_NUL, NULL)) == NULL ||
				    !json_is_object(line))
					abort();
				json_decref(line);
			}
			start = i + 1;
			k = 1;
			continue;
		}
		/* JSON escapes C0 and, with ENSURE_ASCII, all beyond ASCII;
		 * DEL stays as is, valid in a JSON string */
		if (ui_mode == UI_JSON)
			k = out[i] >= 0x20 && out[i] <= 0x7f ? 1 : 0;
		else
			k = safe_char(out + i, (size_t)n - i);
		if (k == 0)
			abort();
	}
	if (ftruncate(out_fd, 0) == -1 || lseek(out_fd, 0, SEEK_SET) == -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const cmds[] = { "self", "id" };
	static const uint16_t answers[] = { IPC_SELF_ANS, IPC_ID_ANS };
	struct rd	r;
	unsigned	what;

	if (out_fd == -1) {
		log_init("fuzz", LOG_LVL_ERROR);
		loop_init();
		if ((out_fd = memfd_create("stdout", MFD_CLOEXEC)) == -1 ||
		    dup2(out_fd, STDOUT_FILENO) == -1)
			abort();
		ui_hold(0);
	}
	if (size < 1)
		return 0;
	ui_mode = data[0] & 1 ? UI_JSON : UI_CLI;
	what = (data[0] >> 1) & 7;
	data++;
	size--;
	switch (what) {
	case 0:
	case 1:
		render_json(data, size);
		break;
	case 2:
	case 3:
	case 4:
	case 5:
		answer(cmds[(what - 2) / 2], what & 1 ? IPC_ERROR :
		    answers[(what - 2) / 2], data, size);
		break;
	case 6:
		rd_init(&r, data, size);
		m.hdr.type = IPC_NET_STATUS;
		m.hdr.len = (uint32_t)(size < sizeof(m.data) ? size :
		    sizeof(m.data));
		(void)net_status_msg(&ch_keyd, &m, &r);
		break;
	case 7:
		error_reply(data, size);
		break;
	}
	check_output();
	return 0;
}
