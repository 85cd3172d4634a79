/*
 * The frontend's conversations (frontend/cmd_chat.c, chat_text.c,
 * chat_view.c) against a fake chatd on a real channel: what send, me and
 * typing put on the wire and make of chatd's answers; what the user may
 * not send (no request leaves); chatd's message, receipt and friend
 * events in JSON mode and in the CLI, with hostile text neutralised, lines
 * kept, and a name never shown for another key under the same number.
 */
#include <sys/mman.h>
#include <sys/socket.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/hex.h"
#include "common/log.h"
#include "common/loop.h"
#include "frontend/chat_text.h"
#include "frontend/cmd.h"
#include "frontend/cmd_chat.h"
#include "frontend/cmd_friends.h"
#include "frontend/frontend.h"
#include "frontend/ui.h"
#include "ipc/msg_chat.h"
#include "ipc/msg_core.h"

/* What frontend.c, the role's main, provides. */
static struct chan	ch_chatd;

struct chan *
frontend_chan(enum role r)
{
	assert_int_equal(r, ROLE_CHATD);
	return &ch_chatd;
}

void
frontend_quit(int code)
{
	fail();
}

void
frontend_exit(int code)
{
	fail_msg("frontend_exit(%d)", code);
	abort();
}

static int		 out_fd = -1, peer = -1, closed;
static char		 closed_why[256];
static struct ipc_msg	 m;
static const struct chan_tables	from_chatd = { { &cmd_friends_from_chatd,
    &cmd_chat_from_chatd } };

static void
on_close(struct chan *c, const char *why)
{
	closed = 1;
	snprintf(closed_why, sizeof(closed_why), "%s", why);
}

/* A fresh channel to a fake chatd (peer), HELLO exchanged. */
static int
setup(void **state)
{
	struct ipc_hello	h;
	uint8_t			buf[IPC_HELLO_LEN];
	struct wr		w;
	int			sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	closed = 0;
	chan_open(&ch_chatd, sv[0], ROLE_FRONTEND, ROLE_CHATD, &from_chatd,
	    on_close, NULL);
	peer = sv[1];
	h.role = ROLE_CHATD;
	memcpy(h.build_id, ipc_build_id, sizeof(h.build_id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &h);
	if (ipc_send(peer, IPC_HELLO, 0, buf, w.len, -1) == -1)
		return -1;
	loop_once(0);
	if (ipc_recv(peer, &m) != 1 || m.hdr.type != IPC_HELLO)
		return -1;
	if (ftruncate(out_fd, 0) == -1 || lseek(out_fd, 0, SEEK_SET) == -1)
		return -1;
	ui_mode = UI_JSON;
	return 0;
}

static int
teardown(void **state)
{
	if (ch_chatd.open)
		chan_close(&ch_chatd, "test over");
	close(peer);
	return 0;
}

/* What the frontend printed since the last call, NUL-terminated. */
static char *
output(void)
{
	static char	out[65536];
	ssize_t		n;

	fflush(stdout);
	n = pread(out_fd, out, sizeof(out) - 1, 0);
	assert_true(n >= 0);
	out[n] = '\0';
	assert_int_equal(ftruncate(out_fd, 0), 0);
	assert_int_equal(lseek(out_fd, 0, SEEK_SET), 0);
	return out;
}

/* The one JSON line printed since the last call. */
static json_t *
one_line(void)
{
	char	*s = output();
	size_t	 n = strlen(s);
	json_t	*j;

	assert_true(n > 1);
	assert_int_equal(s[n - 1], '\n');
	assert_null(memchr(s, '\n', n - 1));
	assert_non_null(j = json_loadb(s, n, 0, NULL));
	return j;
}

static void
run(const char *line)
{
	json_t	*args;

	/* the CLI and JSON_ALLOW_NUL-free JSON mode never give a NUL; a
	 * test may, to see it refused all the same */
	assert_non_null(args = json_loads(line, JSON_ALLOW_NUL, NULL));
	cmd_run(cmd_find(json_string_value(json_object_get(args, "cmd"))),
	    args);
	json_decref(args);
	loop_once(0);
}

/* The request the fake chatd got, or -1 if none. */
static int
request(uint16_t type)
{
	if (ipc_recv(peer, &m) != 1)
		return -1;
	assert_int_equal(m.hdr.type, type);
	return (int)m.hdr.id;
}

static void
answer(int id, uint16_t type, const void *p, size_t len)
{
	assert_int_equal(ipc_send(peer, type, (uint32_t)id, p, len, -1), 0);
	loop_once(0);
}

static void
notice(uint16_t type, const void *p, size_t len)
{
	assert_int_equal(ipc_send(peer, type, 0, p, len, -1), 0);
	loop_once(0);
}

static const uint8_t	pk1[TOX_PK_LEN] = { 0x1a, 0x2b, 0x3c, 0x4d, 5, 6 };
static const uint8_t	pk2[TOX_PK_LEN] = { 0xaa, 0xbb, 0xcc, 0xdd, 7, 8 };

static void
send_and_sent(void **state)
{
	struct ipc_chat_send	 rq;
	struct ipc_chat_id	 id = { .number = 3, .message_id = 77 };
	uint8_t			 buf[IPC_CHAT_ID_LEN];
	char			 hex[TOX_PK_HEX_LEN + 1];
	struct wr		 w;
	struct rd		 r;
	json_t			*j;
	int			 rid;

	run("{\"cmd\": \"send\", \"id\": 9, \"friend\": \"3\", "
	    "\"text\": \"caf\\u00e9\\nline two\\ttab\"}");
	assert_true((rid = request(IPC_CHAT_SEND)) > 0);
	rd_init(&r, m.data, m.hdr.len);
	assert_int_equal(ipc_unpack_chat_send(&r, &rq), 0);
	assert_int_equal(rq.ref.by_pk, 0);
	assert_int_equal(rq.ref.number, 3);
	assert_int_equal(rq.action, 0);
	assert_int_equal(rq.len, strlen("caf\xc3\xa9\nline two\ttab"));
	assert_memory_equal(rq.text, "caf\xc3\xa9\nline two\ttab", rq.len);
	assert_string_equal(output(), "");	/* no reply before chatd's */

	memcpy(id.pk, pk1, TOX_PK_LEN);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_id(&w, &id);
	answer(rid, IPC_CHAT_SENT, buf, w.len);
	j = one_line();
	assert_string_equal(json_string_value(json_object_get(j, "reply")),
	    "send");
	assert_true(json_is_true(json_object_get(j, "ok")));
	assert_int_equal(json_integer_value(json_object_get(j, "id")), 9);
	assert_int_equal(json_integer_value(json_object_get(j, "friend")), 3);
	assert_int_equal(json_integer_value(json_object_get(j,
	    "message_id")), 77);
	hex_encode(pk1, TOX_PK_LEN, hex);
	assert_string_equal(json_string_value(json_object_get(j,
	    "public_key")), hex);
	json_decref(j);
}

/* me by public key: an action; chatd's ERROR is the reply's error. */
static void
me_by_key_and_error(void **state)
{
	struct ipc_chat_send	 rq;
	struct ipc_error	 e = { .code = IPC_ERR_STATE };
	uint8_t			 buf[IPC_ERROR_MAX_LEN];
	char			 line[256], hex[TOX_PK_HEX_LEN + 1];
	struct wr		 w;
	struct rd		 r;
	json_t			*j;
	int			 rid;

	hex_encode(pk2, TOX_PK_LEN, hex);
	snprintf(line, sizeof(line), "{\"cmd\": \"me\", \"friend\": \"%s\", "
	    "\"text\": \"waves\"}", hex);
	run(line);
	assert_true((rid = request(IPC_CHAT_SEND)) > 0);
	rd_init(&r, m.data, m.hdr.len);
	assert_int_equal(ipc_unpack_chat_send(&r, &rq), 0);
	assert_int_equal(rq.ref.by_pk, 1);
	assert_memory_equal(rq.ref.pk, pk2, TOX_PK_LEN);
	assert_int_equal(rq.action, 1);
	assert_memory_equal(rq.text, "waves", 5);

	snprintf(e.text, sizeof(e.text), "outbox full");
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_error(&w, &e);
	answer(rid, IPC_ERROR, buf, w.len);
	j = one_line();
	assert_true(json_is_false(json_object_get(j, "ok")));
	assert_string_equal(json_string_value(json_object_get(j, "error")),
	    "outbox full");
	json_decref(j);
}

/* The channel closes with the request out: the command fails, once. */
static void
send_chatd_gone(void **state)
{
	json_t	*j;

	run("{\"cmd\": \"send\", \"friend\": 0, \"text\": \"hello\"}");
	assert_true(request(IPC_CHAT_SEND) > 0);
	close(peer);
	peer = -1;
	loop_once(0);
	j = one_line();
	assert_string_equal(json_string_value(json_object_get(j, "reply")),
	    "send");
	assert_true(json_is_false(json_object_get(j, "ok")));
	json_decref(j);
	assert_int_equal(closed, 1);
	assert_int_equal(ui_busy(), 0);
}

/* What the user may not send: an error, and nothing reaches chatd. */
static void
send_refused(void **state)
{
	static const char *const bad[] = {
		"{\"cmd\": \"send\", \"friend\": 0}",
		"{\"cmd\": \"send\", \"friend\": 0, \"text\": \"\"}",
		"{\"cmd\": \"send\", \"friend\": 0, \"text\": 5}",
		"{\"cmd\": \"send\", \"friend\": 0, "
		    "\"text\": \"a\\u001b[2Jb\"}",
		"{\"cmd\": \"send\", \"friend\": 0, \"text\": \"a\\rb\"}",
		"{\"cmd\": \"send\", \"friend\": 0, \"text\": \"a\\u0000b\"}",
		"{\"cmd\": \"send\", \"friend\": 0, \"text\": \"a\\u0085b\"}",
		"{\"cmd\": \"send\", \"friend\": 0, \"text\": \"\\u007f\"}",
		"{\"cmd\": \"send\", \"friend\": 256, \"text\": \"hi\"}",
		"{\"cmd\": \"send\", \"friend\": -1, \"text\": \"hi\"}",
		"{\"cmd\": \"send\", \"friend\": \"3x\", \"text\": \"hi\"}",
		"{\"cmd\": \"send\", \"text\": \"hi\"}",
		"{\"cmd\": \"me\", \"friend\": 1}",
		"{\"cmd\": \"typing\", \"friend\": 1}",
		"{\"cmd\": \"typing\", \"friend\": 1, \"typing\": \"maybe\"}",
		"{\"cmd\": \"typing\", \"friend\": 1, \"typing\": 2}",
		"{\"cmd\": \"typing\", \"friend\": 999, \"typing\": true}",
	};
	static char	 big[CHAT_TEXT_MAX + 64];
	json_t		*j, *args;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		run(bad[i]);
		j = one_line();
		assert_true(json_is_false(json_object_get(j, "ok")));
		json_decref(j);
		assert_int_equal(request(0), -1);
	}
	/* one byte too many is refused; exactly CHAT_TEXT_MAX goes */
	memset(big, 'x', CHAT_TEXT_MAX + 1);
	args = json_pack("{s:s, s:i, s:s#}", "cmd", "send", "friend", 0,
	    "text", big, (size_t)CHAT_TEXT_MAX + 1);
	cmd_run(cmd_find("send"), args);
	json_decref(args);
	loop_once(0);
	j = one_line();
	assert_true(json_is_false(json_object_get(j, "ok")));
	json_decref(j);
	assert_int_equal(request(0), -1);
	args = json_pack("{s:s, s:i, s:s#}", "cmd", "send", "friend", 0,
	    "text", big, (size_t)CHAT_TEXT_MAX);
	cmd_run(cmd_find("send"), args);
	json_decref(args);
	loop_once(0);
	assert_true(request(IPC_CHAT_SEND) > 0);
	assert_int_equal(m.hdr.len, IPC_CHAT_SEND_MAX);
	assert_string_equal(output(), "");
}

static void
typing_words(void **state)
{
	static const struct {
		const char	*arg;
		int		 on;
	} t[] = {
		{ "\"on\"", 1 }, { "\"off\"", 0 }, { "true", 1 },
		{ "false", 0 }, { "1", 1 }, { "\"0\"", 0 }, { "\"yes\"", 1 },
	};
	struct ipc_chat_typing	 rq;
	char			 line[128];
	struct rd		 r;
	json_t			*j;
	size_t			 i;
	int			 rid;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(line, sizeof(line), "{\"cmd\": \"typing\", "
		    "\"friend\": 2, \"typing\": %s}", t[i].arg);
		run(line);
		assert_true((rid = request(IPC_CHAT_TYPING)) > 0);
		rd_init(&r, m.data, m.hdr.len);
		assert_int_equal(ipc_unpack_chat_typing(&r, &rq), 0);
		assert_int_equal(rq.ref.number, 2);
		assert_int_equal(rq.typing, t[i].on);
		answer(rid, IPC_OK, NULL, 0);
		j = one_line();
		assert_true(json_is_true(json_object_get(j, "ok")));
		json_decref(j);
	}
}

static void
message(uint16_t number, const uint8_t *pk, uint64_t mid, int action,
    const char *text)
{
	struct ipc_chat_message	 cm;
	uint8_t			 buf[IPC_CHAT_MESSAGE_MAX];
	struct wr		 w;

	memset(&cm, 0, sizeof(cm));
	cm.number = number;
	memcpy(cm.pk, pk, TOX_PK_LEN);
	cm.message_id = mid;
	cm.action = (uint8_t)action;
	cm.len = (uint16_t)strlen(text);
	memcpy(cm.text, text, cm.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_message(&w, &cm);
	assert_true(wr_ok(&w));
	notice(IPC_CHAT_MESSAGE, buf, w.len);
}

static void
friend_change(uint16_t number, const uint8_t *pk, uint8_t what,
    const void *v, size_t len)
{
	struct ipc_chat_friend	 f;
	uint8_t			 buf[IPC_CHAT_FRIEND_MAX];
	struct wr		 w;

	memset(&f, 0, sizeof(f));
	f.number = number;
	memcpy(f.pk, pk, TOX_PK_LEN);
	f.what = what;
	f.len = (uint16_t)len;
	memcpy(f.value, v, len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_friend(&w, &f);
	assert_true(wr_ok(&w));
	notice(IPC_CHAT_FRIEND, buf, w.len);
}

/* JSON: the text neutralised, its lines kept, a CR before LF dropped. */
static void
message_event_json(void **state)
{
	json_t	*j;

	message(4, pk1, 12, 0, "hi \x1b[31mred\r\nsecond \xe2\x80\xae"
	    "evil\n\xff");
	j = one_line();
	assert_string_equal(json_string_value(json_object_get(j, "event")),
	    "message");
	assert_int_equal(json_integer_value(json_object_get(j, "friend")), 4);
	assert_int_equal(json_integer_value(json_object_get(j,
	    "message_id")), 12);
	assert_true(json_is_false(json_object_get(j, "action")));
	assert_string_equal(json_string_value(json_object_get(j, "text")),
	    "hi ?[31mred\nsecond ?evil\n?");
	json_decref(j);
	message(4, pk1, 13, 1, "dances");
	j = one_line();
	assert_true(json_is_true(json_object_get(j, "action")));
	assert_string_equal(json_string_value(json_object_get(j, "text")),
	    "dances");
	json_decref(j);
	assert_int_equal(closed, 0);
}

static void
receipt_and_friend_events_json(void **state)
{
	static const struct {
		uint8_t		 what;
		const char	*value;
		size_t		 len;
		const char	*event, *key, *want;
	} t[] = {
		{ CHAT_FRIEND_CONNECTION, "\x02", 1, "friend_connection",
		    "connection", "udp" },
		{ CHAT_FRIEND_CONNECTION, "\x00", 1, "friend_connection",
		    "connection", "none" },
		{ CHAT_FRIEND_NAME, "Al\x07ice", 6, "friend_name", "name",
		    "Al?ice" },
		{ CHAT_FRIEND_NAME, "", 0, "friend_name", "name", "" },
		{ CHAT_FRIEND_STATUS_MSG, "out\nnow", 7,
		    "friend_status_message", "status_message", "out?now" },
		{ CHAT_FRIEND_STATUS, "\x01", 1, "friend_status", "status",
		    "away" },
		{ CHAT_FRIEND_TYPING, "\x01", 1, "friend_typing", NULL, NULL },
	};
	struct ipc_chat_id	 id = { .number = 5, .message_id = 1 << 20 };
	uint8_t			 buf[IPC_CHAT_ID_LEN];
	struct wr		 w;
	json_t			*j;
	size_t			 i;

	memcpy(id.pk, pk2, TOX_PK_LEN);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_id(&w, &id);
	notice(IPC_CHAT_RECEIPT, buf, w.len);
	j = one_line();
	assert_string_equal(json_string_value(json_object_get(j, "event")),
	    "receipt");
	assert_int_equal(json_integer_value(json_object_get(j, "friend")), 5);
	assert_int_equal(json_integer_value(json_object_get(j,
	    "message_id")), 1 << 20);
	json_decref(j);

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		friend_change(5, pk2, t[i].what, t[i].value, t[i].len);
		j = one_line();
		assert_string_equal(json_string_value(json_object_get(j,
		    "event")), t[i].event);
		assert_int_equal(json_integer_value(json_object_get(j,
		    "friend")), 5);
		if (t[i].key != NULL)
			assert_string_equal(json_string_value(
			    json_object_get(j, t[i].key)), t[i].want);
		else
			assert_true(json_is_true(json_object_get(j,
			    "typing")));
		json_decref(j);
	}
	assert_int_equal(closed, 0);
}

/* A CHAT_FRIEND of no known kind is a protocol violation: closed. */
static void
friend_event_malformed(void **state)
{
	uint8_t	buf[IPC_CHAT_FRIEND_MIN + 1];

	memset(buf, 0, sizeof(buf));
	buf[IPC_CHAT_FRIEND_MIN - 1] = 9;	/* what */
	notice(IPC_CHAT_FRIEND, buf, sizeof(buf));
	assert_int_equal(closed, 1);
	assert_string_equal(output(), "");
}

/* The CLI: conversation lines; a name only for the key it came with. */
static void
cli_lines(void **state)
{
	ui_mode = UI_CLI;
	message(3, pk1, 1, 0, "hello");
	assert_string_equal(output(), "[3 1A2B3C4D] hello\n");
	friend_change(3, pk1, CHAT_FRIEND_NAME, "Alice\x1b]0;x", 10);
	assert_string_equal(output(), "[3 Alice?]0;x] is now called "
	    "\"Alice?]0;x\"\n");
	message(3, pk1, 2, 0, "two\nlines\x1b");
	assert_string_equal(output(), "[3 Alice?]0;x] two\n    lines?\n");
	message(3, pk1, 3, 1, "waves");
	assert_string_equal(output(), "[3 Alice?]0;x] * waves\n");
	/* number 3 now names someone else: not Alice */
	message(3, pk2, 4, 0, "I am Alice");
	assert_string_equal(output(), "[3 AABBCCDD] I am Alice\n");
	friend_change(3, pk2, CHAT_FRIEND_CONNECTION, "\x01", 1);
	assert_string_equal(output(), "[3 AABBCCDD] is online (tcp)\n");
	friend_change(3, pk2, CHAT_FRIEND_TYPING, "\x00", 1);
	assert_string_equal(output(), "[3 AABBCCDD] stopped typing\n");
	friend_change(3, pk2, CHAT_FRIEND_STATUS, "\x02", 1);
	assert_string_equal(output(), "[3 AABBCCDD] status: busy\n");
	/* a long name is cut in the head, on a character boundary */
	friend_change(3, pk2, CHAT_FRIEND_NAME, "\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 34);
	(void)output();
	message(3, pk2, 5, 0, "x");
	/* 32 bytes: 16 of the 17 */
	assert_string_equal(output(), "[3 \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9] x\n");
}

/* Events that are ours in name but not in shape: printed generically,
 * never dropped, never raw. */
static void
cli_odd_objects(void **state)
{
	ui_mode = UI_CLI;
	ui_event("message", json_pack("{s:s}", "text", "no friend\x1b"));
	assert_string_equal(output(), "* message: text no friend?\n");
	ui_event("receipt", json_pack("{s:i, s:s}", "friend", 1,
	    "public_key", "zz"));
	assert_string_equal(output(), "* receipt: friend 1, public_key zz\n");
}

static void
text_safe_and_check(void **state)
{
	char		 dst[64], why[96];
	size_t		 n;

	n = chat_text_safe("a\r\nb\rc\n\n", 8, dst, sizeof(dst));
	assert_string_equal(dst, "a\nb?c\n\n");
	assert_int_equal(n, 7);
	/* cut: never half a character, never past dstsz */
	n = chat_text_safe("ab\n\xc3\xa9", 5, dst, 5);
	assert_string_equal(dst, "ab\n");
	assert_int_equal(n, 3);
	n = chat_text_safe("ab\ncd", 5, dst, 3);
	assert_string_equal(dst, "ab");
	n = chat_text_safe("x", 1, dst, 0);
	assert_int_equal(n, 0);

	assert_null(chat_text_check("line\n\ttab \xe2\x80\x8d ok", 15, why,
	    sizeof(why)));
	assert_non_null(chat_text_check("ab\x1b", 3, why, sizeof(why)));
	assert_string_equal(why, "a control character (U+001B) at byte 2");
	assert_non_null(chat_text_check("\xc2\x9b", 2, why, sizeof(why)));
	assert_non_null(chat_text_check("\xc3", 1, why, sizeof(why)));
	assert_string_equal(why, "invalid UTF-8 at byte 0");
	assert_non_null(chat_text_check("\xed\xa0\x80", 3, why, sizeof(why)));
	assert_non_null(chat_text_check("\xc0\xaf", 2, why, sizeof(why)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(send_and_sent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(me_by_key_and_error, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(send_chatd_gone, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(send_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(typing_words, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(message_event_json, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(receipt_and_friend_events_json,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(friend_event_malformed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(cli_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(cli_odd_objects, setup,
		    teardown),
		cmocka_unit_test(text_safe_and_check),
	};

	log_init("test", LOG_LVL_ERROR);
	loop_init();
	if ((out_fd = memfd_create("stdout", MFD_CLOEXEC)) == -1 ||
	    dup2(out_fd, STDOUT_FILENO) == -1)
		return 1;
	ui_hold(0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
