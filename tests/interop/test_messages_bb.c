/*
 * Issue 10 between two bulkhead sessions (separate profiles and ports),
 * joined through one tox-bootstrapd in the test's private namespace,
 * driven in JSON-lines mode as a script drives them.
 *
 * A adds B, B accepts; each says friend_connection "udp" for the other.
 * Then, one test each, on that friendship: messages and actions both
 * ways with exact texts (multibyte UTF-8 among them) and receipts for
 * the message_ids the sends gave; the longest packet text (1372 bytes);
 * 3000 bytes, which the sender splits and the receiver gets as message
 * events in order that join to the original; names, status messages,
 * status and typing crossing both ways; and a stream of 1000 messages
 * from A that B gets in order, each exactly once, with a receipt for
 * every one on A.  The same stream while netd is killed -9 50 times (A's
 * and B's in turn): still each exactly once, in order, as a netd restart
 * is invisible to friends (same DHT key and socket, sessions kept by
 * keyd); and while chatd is killed 20 times: nothing lost, order kept,
 * and the count of messages that arrived twice printed (the Tox protocol
 * has no message ids: one received but not yet acknowledged when chatd
 * died is sent again).
 *
 * Deadlines, never measurements.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>

#include "common/mono.h"
#include "tests/lib/bh.h"
#include "tests/lib/bh_chat.h"
#include "tests/lib/bh_watch.h"
#include "tests/lib/bootstrapd.h"
#include "tests/lib/netns.h"
#include "tests/lib/toxpeer.h"

#define ADDR		"198.18.0.1"
#define PORT_BSD	33445
#define PORT_BH		33500
#define T_REPLY		15000
#define T_ANNOUNCE	180000	/* deadlines, not benchmarks */
#define T_DELIVER	240000
#define T_CONNECT	180000
#define T_MESSAGE	60000
#define T_STREAM	600000	/* the whole stream */
#define TEXT_MAX	1372	/* one packet's text */
#define SPLIT_LEN	3000
#define STREAM_N	1000
#define NETD_KILLS	50
#define CHATD_KILLS	20

static struct bootstrapd	bsd;

/* The two sessions; the friendship the tests share. */
struct side {
	struct bh	 b;
	char		 address[77];
	char		 pk[65];
	int		 number;	/* the other on this side's list */
};

static struct side	sa, sb;
static struct bh	*both[2] = { &sa.b, &sb.b };
static int		 up, connected;

static int
setup(void **state)
{
	if (netns_private(ADDR) == -1)
		return -1;
	return bootstrapd_start(&bsd, PORT_BSD);
}

static int
teardown(void **state)
{
	if (up) {
		bh_stop(&sa.b);
		bh_stop(&sb.b);
	}
	up = 0;
	bootstrapd_stop(&bsd);
	return 0;
}

static json_t *
cmd(struct side *s, json_t *req)
{
	json_t	*r = bh_call(&s->b, req, T_REPLY);

	if (r == NULL)
		bh_dump_log(&s->b);
	assert_non_null(r);
	if (!json_is_true(json_object_get(r, "ok")))
		fail_msg("%s: %s", json_string_value(json_object_get(r,
		    "reply")), json_string_value(json_object_get(r,
		    "error")));
	return r;
}

static void
cmd_ok(struct side *s, json_t *req)
{
	json_decref(cmd(s, req));
}

static void
dump_both(void)
{
	bh_dump_log(&sa.b);
	bh_dump_log(&sb.b);
}

static int
announced(void *arg)
{
	return bh_all_announced(both, 2);
}

/*
 * Runs both until s has an event like want (taken); fails with why,
 * showing the events of that name that did come.
 */
static json_t *
await_event(struct side *s, json_t *want, int ms, const char *why)
{
	struct bh_want	 bw = { &s->b, want, 1 };
	json_t		*e;
	char		*line;
	size_t		 i;

	if (!toxpeer_run(NULL, 0, both, 2, ms, bh_has, &bw)) {
		dump_both();
		json_array_foreach(s->b.events, i, e) {
			if (!json_equal(json_object_get(e, "event"),
			    json_object_get(want, "event")))
				continue;
			line = json_dumps(e, JSON_COMPACT);
			fprintf(stderr, "had instead: %s\n", line);
			free(line);
		}
		json_decref(want);
		fail_msg("%s", why);
	}
	e = bh_find(&s->b, 0, want);
	json_decref(want);
	return e;
}

static void
need_friends(void)
{
	if (!connected)
		fail_msg("no connection: friends_connect failed");
}


static void
start_side(struct side *s, int port)
{
	assert_int_equal(bh_start_joined(&s->b, NULL, port, ADDR, PORT_BSD,
	    bsd.key), 0);
}

/* A's and B's friend_connection events for each other say udp. */
static int
both_udp(void *arg)
{
	json_t	**want = arg;

	return bh_count_like(&sa.b, want[0]) > 0 &&
	    bh_count_like(&sb.b, want[1]) > 0;
}

/* side s's event (want) has s's number for the other; friends says udp */
static void
udp_entry(struct side *s, struct side *other, json_t *want)
{
	json_t	*e = bh_find(&s->b, 0, want);

	assert_int_equal(json_integer_value(json_object_get(e, "friend")),
	    s->number);
	e = bh_friend_entry(&s->b, other->pk, T_REPLY);
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e,
	    "connection")), "udp");
	json_decref(e);
}

/* Both say friend_connection udp; a failure says which did not. */
static void
both_connected(void)
{
	json_t	*want[2];
	int	 a, b;

	want[0] = json_pack("{s:s, s:s, s:s}", "event", "friend_connection",
	    "public_key", sb.pk, "connection", "udp");
	want[1] = json_pack("{s:s, s:s, s:s}", "event", "friend_connection",
	    "public_key", sa.pk, "connection", "udp");
	if (!toxpeer_run(NULL, 0, both, 2, T_CONNECT, both_udp, want)) {
		a = bh_count_like(&sa.b, want[0]) > 0;
		b = bh_count_like(&sb.b, want[1]) > 0;
		json_decref(want[0]);
		json_decref(want[1]);
		dump_both();
		fail_msg("not connected: A %s friend_connection udp for B, "
		    "B %s it for A", a ? "said" : "never said", b ? "said" :
		    "never said");
	}
	udp_entry(&sa, &sb, want[0]);
	udp_entry(&sb, &sa, want[1]);
	json_decref(want[0]);
	json_decref(want[1]);
}

static void
friends_connect(void **state)
{
	json_t	*r;

	start_side(&sa, PORT_BH);
	start_side(&sb, PORT_BH + 1);
	up = 1;
	if (!toxpeer_run(NULL, 0, both, 2, T_ANNOUNCE, announced, NULL)) {
		dump_both();
		fail_msg("a session never said it was announced");
	}
	assert_int_equal(bh_address(&sa.b, sa.address, T_REPLY), 0);
	assert_int_equal(bh_address(&sb.b, sb.address, T_REPLY), 0);
	memcpy(sa.pk, sa.address, 64);
	memcpy(sb.pk, sb.address, 64);
	/* A's name before the friendship: sent when they connect */
	cmd_ok(&sa, json_pack("{s:s, s:s}", "cmd", "set_name", "name",
	    "Alpha ✓"));

	r = cmd(&sa, json_pack("{s:s, s:s, s:s}", "cmd", "add", "address",
	    sb.address, "message", "from A"));
	sa.number = (int)json_integer_value(json_object_get(r, "friend"));
	json_decref(r);
	(void)await_event(&sb, json_pack("{s:s, s:s}", "event",
	    "friend_request", "public_key", sa.pk), T_DELIVER,
	    "B never had A's request");
	r = cmd(&sb, json_pack("{s:s, s:s}", "cmd", "accept", "public_key",
	    sa.pk));
	sb.number = (int)json_integer_value(json_object_get(r, "friend"));
	json_decref(r);
	/* friends on both lists, before any connection */
	assert_non_null(r = bh_friend_entry(&sa.b, sb.pk, T_REPLY));
	json_decref(r);
	assert_non_null(r = bh_friend_entry(&sb.b, sa.pk, T_REPLY));
	json_decref(r);
	both_connected();
	connected = 1;
}

/* e is a message event from pk. */
static int
is_message_from(json_t *e, const char *pk)
{
	const char	*s;

	s = json_string_value(json_object_get(e, "event"));
	if (s == NULL || strcmp(s, "message") != 0)
		return 0;
	s = json_string_value(json_object_get(e, "public_key"));
	return s != NULL && strcmp(s, pk) == 0;
}

/*
 * from sends text to to (by key or by number); to's message events from
 * from, from the first new one, are of the right kind, carry to's number
 * for from and message_ids, and join to text; then from's receipt event
 * names the message_id the send gave.
 */
static long long
says(struct side *from, struct side *to, int by_number, int action,
    const char *text)
{
	static char	 got[SPLIT_LEN + 1];
	struct bh_want	 bw;
	json_t		*want, *e;
	long long	 id;
	long		 first, n, c;
	size_t		 len = 0, i, seen;
	char		 why[160];

	assert_true(strlen(text) <= SPLIT_LEN);
	first = bh_messages_from(&to->b, from->pk, 0, NULL, 0, NULL);
	id = bh_send(&from->b, by_number ? json_integer(from->number) :
	    json_string(to->pk), action, text, T_REPLY);
	if (id < 0)
		fail_msg("send of %zu bytes had no message_id", strlen(text));
	/* message events until they are as long as the text */
	for (n = 1; len < strlen(text); n++) {
		want = json_pack("{s:s, s:s}", "event", "message",
		    "public_key", from->pk);
		bw.b = &to->b;
		bw.want = want;
		bw.n = (size_t)(first + n);
		snprintf(why, sizeof(why), "the receiver had %zu of the "
		    "sender's %zu bytes", len, strlen(text));
		if (!toxpeer_run(NULL, 0, both, 2, T_MESSAGE, bh_has, &bw)) {
			json_decref(want);
			dump_both();
			fail_msg("%s", why);
		}
		json_decref(want);
		/* parts may come together: count what is there */
		c = bh_messages_from(&to->b, from->pk, (size_t)first, got,
		    sizeof(got), &len);
		assert_true(c >= n);
		n = c;
		if (len > strlen(text) || memcmp(got, text, len) != 0)
			fail_msg("the receiver's %ld parts (%zu bytes) are not "
			    "the start of the text", n, len);
	}
	assert_int_equal(len, strlen(text));
	/* each part: the right kind, to's number for from, an id */
	seen = 0;
	json_array_foreach(to->b.events, i, e) {
		if (!is_message_from(e, from->pk) || seen++ < (size_t)first)
			continue;
		assert_true(json_is_boolean(json_object_get(e, "action")));
		assert_int_equal(json_is_true(json_object_get(e, "action")),
		    action);
		assert_int_equal(json_integer_value(json_object_get(e,
		    "friend")), to->number);
		assert_true(json_is_integer(json_object_get(e,
		    "message_id")));
	}
	(void)await_event(from, json_pack("{s:s, s:s, s:I}", "event",
	    "receipt", "public_key", to->pk, "message_id", (json_int_t)id),
	    T_MESSAGE, "no receipt event for the message_id send gave");
	return id;
}

/* A text of exactly n bytes, multibyte UTF-8 in it, no two neighbours
 * alike, so a cut or shift shows. */
static void
fill_text(char *s, size_t n, unsigned seed)
{
	static const char	*pieces[] = { "é", "✓", "日本", "🚀", "abc",
				    "xyz ", "0123", "Ωmega" };
	size_t			 i = 0, l;
	unsigned		 k = seed;

	while (i < n) {
		l = strlen(pieces[k % 8]);
		if (i + l > n) {
			s[i++] = (char)('a' + k % 26);
		} else {
			memcpy(s + i, pieces[k % 8], l);
			i += l;
		}
		k = k * 1103515245u + 12345u;
	}
	s[n] = '\0';
}

static void
messages_both_ways(void **state)
{
	long long	id[4];

	need_friends();
	id[0] = says(&sa, &sb, 0, 0, "hello B");
	id[1] = says(&sb, &sa, 1, 0, "héllo A ✓ 日本語 🚀");
	id[2] = says(&sa, &sb, 1, 1, "waves 👋");
	id[3] = says(&sb, &sa, 0, 1, "waves back 🙌");
	assert_true(id[0] != id[2] && id[1] != id[3]);
}

static void
longest_and_split(void **state)
{
	static char	text[SPLIT_LEN + 1];

	need_friends();
	fill_text(text, TEXT_MAX, 1);
	(void)says(&sa, &sb, 0, 0, text);
	fill_text(text, TEXT_MAX, 2);
	(void)says(&sb, &sa, 0, 0, text);
	fill_text(text, SPLIT_LEN, 3);
	(void)says(&sa, &sb, 0, 0, text);
	fill_text(text, SPLIT_LEN, 4);
	(void)says(&sb, &sa, 1, 1, text);
}

/* to hears from's change: event with from's key, to's number, value. */
static void
hears(struct side *to, struct side *from, const char *event,
    const char *member, json_t *value, const char *why)
{
	json_t	*e;

	e = await_event(to, json_pack("{s:s, s:s, s:o}", "event", event,
	    "public_key", from->pk, member, value), T_MESSAGE, why);
	assert_int_equal(json_integer_value(json_object_get(e, "friend")),
	    to->number);
}

static void
names_cross(void **state)
{
	need_friends();
	hears(&sb, &sa, "friend_name", "name", json_string("Alpha ✓"),
	    "B never had the name A set before they were friends");
	cmd_ok(&sb, json_pack("{s:s, s:s}", "cmd", "set_name", "name",
	    "Bravo 🚢"));
	hears(&sa, &sb, "friend_name", "name", json_string("Bravo 🚢"),
	    "A never had B's name");
	cmd_ok(&sa, json_pack("{s:s, s:s}", "cmd", "set_name", "name",
	    "Alpha, renamed"));
	hears(&sb, &sa, "friend_name", "name", json_string("Alpha, renamed"),
	    "B never had A's new name");
}

static void
status_messages_cross(void **state)
{
	need_friends();
	cmd_ok(&sa, json_pack("{s:s, s:s}", "cmd", "set_status_message",
	    "status_message", "at sea ⚓"));
	hears(&sb, &sa, "friend_status_message", "status_message",
	    json_string("at sea ⚓"), "B never had A's status message");
	cmd_ok(&sb, json_pack("{s:s, s:s}", "cmd", "set_status_message",
	    "status_message", "on shore 🏖"));
	hears(&sa, &sb, "friend_status_message", "status_message",
	    json_string("on shore 🏖"), "A never had B's status message");
}

static void
status_cross(void **state)
{
	need_friends();
	cmd_ok(&sa, json_pack("{s:s, s:s}", "cmd", "set_status", "status",
	    "away"));
	hears(&sb, &sa, "friend_status", "status", json_string("away"),
	    "B never saw A away");
	cmd_ok(&sb, json_pack("{s:s, s:s}", "cmd", "set_status", "status",
	    "busy"));
	hears(&sa, &sb, "friend_status", "status", json_string("busy"),
	    "A never saw B busy");
}

static void
typing_cross(void **state)
{
	need_friends();
	cmd_ok(&sa, json_pack("{s:s, s:s, s:b}", "cmd", "typing", "friend",
	    sb.pk, "typing", 1));
	hears(&sb, &sa, "friend_typing", "typing", json_true(),
	    "B never saw A typing");
	cmd_ok(&sa, json_pack("{s:s, s:i, s:b}", "cmd", "typing", "friend",
	    sa.number, "typing", 0));
	hears(&sb, &sa, "friend_typing", "typing", json_false(),
	    "B never saw A stop typing");
	cmd_ok(&sb, json_pack("{s:s, s:s, s:b}", "cmd", "typing", "friend",
	    sa.pk, "typing", 1));
	hears(&sa, &sb, "friend_typing", "typing", json_true(),
	    "A never saw B typing");
}

/* What a stream does between two sends: nothing, or kill a role. */
typedef void	between_fn(size_t i);

/* Where a stream stands in B's events: what, and from which event on. */
struct stream_view {
	const char	*what;
	size_t		 first;
};

/*
 * The number of distinct stream messages B has; each seen[] counts the
 * arrivals of one.  A text not of the stream fails the test.
 */
static size_t
stream_distinct(const struct stream_view *v, unsigned *seen)
{
	json_t		*e;
	const char	*s;
	size_t		 i, n = 0, got, distinct = 0;

	memset(seen, 0, STREAM_N * sizeof(*seen));
	json_array_foreach(sb.b.events, i, e) {
		if (!is_message_from(e, sa.pk) || n++ < v->first)
			continue;
		s = json_string_value(json_object_get(e, "text"));
		/* an earlier test's stream may still be arriving */
		if (s != NULL && strncmp(s, v->what, strlen(v->what)) != 0)
			continue;
		if (s == NULL || sscanf(s + strlen(v->what), " %zu",
		    &got) != 1 || got >= STREAM_N)
			fail_msg("B's message \"%s\" is not of the stream",
			    s != NULL ? s : "(none)");
		if (seen[got]++ == 0)
			distinct++;
	}
	return distinct;
}

/* A condition for toxpeer_run: B has every stream message. */
static int
stream_complete(void *arg)
{
	static unsigned	seen[STREAM_N];

	return stream_distinct(arg, seen) == STREAM_N;
}

/*
 * STREAM_N messages from A, sent as fast as A answers, B read between
 * sends so neither pipe fills, between(i) after send i: B has every one;
 * without dups_ok each exactly once and in order, with it (a chatd
 * restart, see the man page's "Delivery") the first time each arrives is
 * in order, nothing is lost, and the repeats are counted and printed.  A
 * has a receipt for every message_id its sends gave, each once.  The wait
 * is for every distinct message: repeats must not end it early.
 */
static void
stream(const char *what, between_fn *between, int dups_ok)
{
	static long long	 ids[STREAM_N];
	static unsigned		 seen[STREAM_N];
	struct stream_view	 view;
	struct bh_want		 bw;
	json_t			*want, *e;
	char			 text[64];
	const char		*s;
	size_t			 i, k, n, dups = 0, got, distinct;

	need_friends();
	view.what = what;
	view.first = (size_t)bh_messages_from(&sb.b, sa.pk, 0, NULL, 0,
	    NULL);
	for (i = 0; i < STREAM_N; i++) {
		snprintf(text, sizeof(text), "%s %04zu of %d", what, i,
		    STREAM_N);
		ids[i] = bh_send(&sa.b, json_string(sb.pk), 0, text,
		    T_REPLY);
		if (ids[i] < 0)
			fail_msg("send %zu of the stream failed", i);
		for (k = 0; k < i; k++)
			if (ids[k] == ids[i])
				fail_msg("sends %zu and %zu both got "
				    "message_id %lld", k, i, ids[i]);
		bh_pump(both, 2, 0);
		if (between != NULL)
			between(i);
	}
	if (!toxpeer_run(NULL, 0, both, 2, T_STREAM, stream_complete,
	    &view)) {
		distinct = stream_distinct(&view, seen);
		dump_both();
		for (i = 0; i < STREAM_N && seen[i] > 0; i++)
			;
		fail_msg("B had %zu distinct stream messages of %d; the "
		    "first missing is %zu", distinct, STREAM_N, i);
	}
	/* the k-th new distinct one is message k; repeats only if allowed */
	memset(seen, 0, sizeof(seen));
	k = 0;
	n = 0;
	json_array_foreach(sb.b.events, i, e) {
		if (!is_message_from(e, sa.pk) || n++ < view.first)
			continue;
		s = json_string_value(json_object_get(e, "text"));
		if (s == NULL || strncmp(s, what, strlen(what)) != 0)
			continue;
		sscanf(s + strlen(what), " %zu", &got);
		if (seen[got]++ > 0) {
			if (!dups_ok)
				fail_msg("B had stream message %zu twice", got);
			dups++;
			continue;
		}
		if (got != k)
			fail_msg("B's new message %zu is stream message %zu",
			    k, got);
		k++;
	}
	if (dups_ok)
		printf("# %s: %zu of %d messages arrived twice\n", what, dups,
		    STREAM_N);
	/* a receipt for every id, and no more */
	for (i = 0; i < STREAM_N; i++) {
		want = json_pack("{s:s, s:s, s:I}", "event", "receipt",
		    "public_key", sb.pk, "message_id", (json_int_t)ids[i]);
		bw.b = &sa.b;
		bw.want = want;
		bw.n = 1;
		if (!toxpeer_run(NULL, 0, both, 2, T_MESSAGE, bh_has, &bw)) {
			json_decref(want);
			dump_both();
			fail_msg("no receipt for stream message %zu", i);
		}
		n = bh_count_like(&sa.b, want);
		json_decref(want);
		if (n != 1)
			fail_msg("%zu receipts for stream message %zu", n, i);
	}
}

static void
stream_in_order(void **state)
{
	stream("stream", NULL, 0);
}

/* The pid of s's role, from status; -1 while it is not running. */
static pid_t
role_pid(struct side *s, const char *role)
{
	json_t	*st = cmd(s, json_pack("{s:s}", "cmd", "status"));
	pid_t	 pid = bh_role_pid(st, role);

	json_decref(st);
	return pid;
}

/*
 * kill -9 of s's role; then the supervisor's new one runs for a moment
 * (a role killed sooner than RESTART_QUICK_MS after its start counts as
 * a crash loop and backs off): pacing, not a measurement.
 */
static void
kill_role(struct side *s, const char *role)
{
	uint64_t	until = mono_ms() + T_REPLY;
	pid_t		pid = role_pid(s, role), now;

	if (pid <= 0 || kill(pid, SIGKILL) == -1)
		fail_msg("no %s to kill (pid %d)", role, (int)pid);
	for (;;) {
		bh_pump(both, 2, 100);
		now = role_pid(s, role);
		if (now > 0 && now != pid && kill(now, 0) == 0)
			break;
		if (mono_ms() > until) {
			dump_both();
			fail_msg("%s did not come back after kill -9", role);
		}
	}
	/* bh_pump returns with the first output: pump until the moment */
	until = mono_ms() + 1700;
	while (mono_ms() < until)
		bh_pump(both, 2, (int)(until - mono_ms()));
}

/* 50 kills of netd, A's and B's in turn, across the stream. */
static void
netd_between(size_t i)
{
	if (i % (STREAM_N / NETD_KILLS) == STREAM_N / NETD_KILLS / 2)
		kill_role((i / (STREAM_N / NETD_KILLS)) % 2 ? &sb : &sa,
		    "netd");
}

static void
stream_survives_netd_kills(void **state)
{
	stream("netd kills", netd_between, 0);
}

/* 20 kills of chatd, A's and B's in turn. */
static void
chatd_between(size_t i)
{
	if (i % (STREAM_N / CHATD_KILLS) == STREAM_N / CHATD_KILLS / 2)
		kill_role((i / (STREAM_N / CHATD_KILLS)) % 2 ? &sb : &sa,
		    "chatd");
}

static void
stream_survives_chatd_kills(void **state)
{
	stream("chatd kills", chatd_between, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(friends_connect),
		cmocka_unit_test(messages_both_ways),
		cmocka_unit_test(longest_and_split),
		cmocka_unit_test(names_cross),
		cmocka_unit_test(status_messages_cross),
		cmocka_unit_test(status_cross),
		cmocka_unit_test(typing_cross),
		cmocka_unit_test(stream_in_order),
		cmocka_unit_test(stream_survives_netd_kills),
		cmocka_unit_test(stream_survives_chatd_kills),
	};

	/* BH_TEST_ONLY=name: friends_connect, then that test alone */
	const char	*only = getenv("BH_TEST_ONLY");
	struct CMUnitTest pick[2];
	size_t		 i;

	if (only != NULL) {
		pick[0] = tests[0];
		for (i = 1; i < sizeof(tests) / sizeof(tests[0]); i++)
			if (strcmp(tests[i].name, only) == 0)
				pick[1] = tests[i];
		return _cmocka_run_group_tests("test_messages_bb", pick, 2,
		    setup, teardown);
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
