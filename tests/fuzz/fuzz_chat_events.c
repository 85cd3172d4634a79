/*
 * The frontend's side of conversations (frontend/cmd_chat.c, chat_text.c,
 * chat_view.c): everything chatd sends about friends is friend-controlled
 * or, if chatd is compromised, hostile.  Each input reaches the frontend
 * over a real channel, in the CLI or in JSON mode, with stdout captured in
 * a memfd; the output is checked as fuzz_render.c checks it: the CLI
 * prints no control byte but '\n' and only UTF-8 without C0/C1 controls;
 * JSON mode prints only ASCII without C0 controls, one JSON object a
 * line.  Nothing may crash or exit.
 *
 * Input: [sel u8] then bytes.  sel & 1: JSON mode.  (sel >> 1) & 7:
 *   0  CHAT_MESSAGE from chatd (bytes)
 *   1  CHAT_RECEIPT (bytes)
 *   2  CHAT_FRIEND (bytes)
 *   3  `send` answered by CHAT_SENT (bytes)
 *   4  chat_text_safe on the bytes: never longer, lines kept
 *   5  chat_text_check on the bytes, then `send` with them as the text
 *   6, 7  [event u8] then a JSON value, rendered as a conversation event
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
#include "frontend/chat_text.h"
#include "frontend/cmd.h"
#include "frontend/cmd_chat.h"
#include "frontend/frontend.h"
#include "frontend/ui.h"
#include "ipc/msg_chat.h"
#include "ipc/msg_core.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* What frontend.c (the role's main, not in the library) provides. */
static struct chan	ch_chatd;

struct chan *
frontend_chan(enum role r)
{
	if (r != ROLE_CHATD)
		abort();	/* conversations go to chatd only */
	return &ch_chatd;
}

void
frontend_quit(int code)
{
	abort();
}

void
frontend_exit(int code)
{
	abort();
}

static int		out_fd = -1;
static struct ipc_msg	m;
static const struct chan_tables	from_chatd = { { &cmd_chat_from_chatd } };

static void
on_close(struct chan *c, const char *why)
{
}

/* A channel to a fake chatd; returns chatd's end. */
static int
open_chatd(void)
{
	struct ipc_hello	h;
	uint8_t			buf[IPC_HELLO_LEN];
	struct wr		w;
	int			sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		abort();
	chan_open(&ch_chatd, sv[0], ROLE_FRONTEND, ROLE_CHATD, &from_chatd,
	    on_close, NULL);
	h.role = ROLE_CHATD;
	memcpy(h.build_id, ipc_build_id, sizeof(h.build_id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &h);
	if (ipc_send(sv[1], IPC_HELLO, 0, buf, w.len, -1) == -1)
		abort();
	return sv[1];
}

static void
close_chatd(int peer)
{
	loop_once(0);
	/* a request left open fails now, once */
	if (ch_chatd.open)
		chan_close(&ch_chatd, "fuzz over");
	close(peer);
}

static void
notice(uint16_t type, const uint8_t *p, size_t n)
{
	int	peer = open_chatd();

	(void)ipc_send(peer, type, 0, p, n, -1);	/* too long: nothing */
	close_chatd(peer);
}

/* `send` with text, answered (if it sent a request) by type and bytes. */
static void
send_answered(json_t *text, uint16_t type, const uint8_t *p, size_t n)
{
	json_t	*args;
	int	 peer = open_chatd(), id = -1;

	args = json_pack("{s:s, s:i, s:O}", "cmd", "send", "friend", 1,
	    "text", text);
	cmd_run(cmd_find("send"), args);
	json_decref(args);
	loop_once(0);
	while (ipc_recv(peer, &m) == 1)
		if (m.hdr.type == IPC_CHAT_SEND)
			id = (int)m.hdr.id;
	if (id != -1)
		(void)ipc_send(peer, type, (uint32_t)id, p, n, -1);
	close_chatd(peer);
}

static void
text_safe(const uint8_t *p, size_t n)
{
	static char	dst[70000];
	size_t		i, lines_in = 0, lines_out = 0, o;

	if (n >= sizeof(dst))
		n = sizeof(dst) - 1;
	o = chat_text_safe((const char *)p, n, dst, n + 1);
	if (o > n || dst[o] != '\0' || strlen(dst) != o)
		abort();
	for (i = 0; i < n; i++)
		lines_in += p[i] == '\n';
	for (i = 0; i < o; i++)
		lines_out += dst[i] == '\n';
	if (lines_in != lines_out)
		abort();
	/* and shown: checked with the rest of the output */
	printf("%s\n", dst);
}

static void
text_check(const uint8_t *p, size_t n)
{
	char	 why[96];
	json_t	*t;

	if (chat_text_check((const char *)p, n, why, sizeof(why)) != NULL) {
		if (strlen(why) == 0)
			abort();
		return;
	}
	/* valid UTF-8 by the check: jansson must agree */
	if ((t = json_stringn((const char *)p, n)) == NULL)
		abort();
	send_answered(t, IPC_ERROR, (const uint8_t *)"\0\1\0\0", 4);
	json_decref(t);
}

/* 1 if every key of o is printable ASCII. */
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
render_event(const uint8_t *p, size_t n)
{
	static const char *const events[] = { "message", "receipt",
	    "friend_connection", "friend_name", "friend_status_message",
	    "friend_status", "friend_typing", "other" };
	json_t	*v, *o;

	if (n < 1)
		return;
	if ((v = json_loadb((const char *)p + 1, n - 1, JSON_DECODE_ANY,
	    NULL)) == NULL)
		return;
	/* an event's keys are ours (ui.c prints them as they are, see
	 * fuzz_render.c): friend-controlled text comes only as values */
	if (json_is_object(v) && plain_keys(v))
		o = v;
	else {
		o = json_pack("{s:i, s:s, s:o}", "friend", 3, "public_key",
		    "1A2B3C4D1A2B3C4D1A2B3C4D1A2B3C4D1A2B3C4D1A2B3C4D1A2B3C4D"
		    "1A2B3C4D", "text", v);
	}
	ui_event(events[p[0] & 7], o);
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
check_output(int json_lines)
{
	static uint8_t	out[1 << 20];
	json_t		*line;
	ssize_t		 n;
	size_t		 i, k, start;

	fflush(stdout);
	if ((n = pread(out_fd, out, sizeof(out), 0)) < 0)
		abort();
	if (getenv("FUZZ_RENDER_SHOW") != NULL)
		(void)write(STDERR_FILENO, out, (size_t)n);
	for (i = 0, start = 0; i < (size_t)n; i += k) {
		if (out[i] == '\n') {
			if (json_lines) {
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
		if (json_lines)
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
	json_t		*t;
	unsigned	 what;

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
		notice(IPC_CHAT_MESSAGE, data, size);
		break;
	case 1:
		notice(IPC_CHAT_RECEIPT, data, size);
		break;
	case 2:
		notice(IPC_CHAT_FRIEND, data, size);
		break;
	case 3:
		t = json_string("hello");
		send_answered(t, IPC_CHAT_SENT, data, size);
		json_decref(t);
		break;
	case 4:
		text_safe(data, size);
		break;
	case 5:
		text_check(data, size);
		break;
	default:
		render_event(data, size);
		break;
	}
	/* chat_text_safe's own lines are raw by design: CLI rules only */
	check_output(ui_mode == UI_JSON && what != 4);
	return 0;
}
