/*
 * Issue 10 end to end: messages between bulkhead and c-toxcore 0.2.18,
 * real processes on both sides, bulkhead driven in JSON-lines mode as a
 * script would, both joined through one tox-bootstrapd in the test's
 * private namespace (non-LAN 198.18.0.1, so c-toxcore reports UDP).
 *
 * a. c-toxcore adds bulkhead, bulkhead accepts; both see the friend
 *    connected (bulkhead's friend_connection "udp", c-toxcore's friend
 *    connection callback).  Then, one test each, on that friendship:
 *    messages and actions both ways with exact texts (multibyte UTF-8
 *    among them) and receipts both ways; the longest text (1372 bytes)
 *    both ways; 3000 bytes from bulkhead, which it must split and
 *    c-toxcore receives as parts in order that join to the original;
 *    names (set before the friendship and changed after), status
 *    messages, status and typing crossing both ways.
 * b. bulkhead adds c-toxcore, c-toxcore accepts; one message each way.
 * c. The outbox: bulkhead sends to a friend that is not running, quits,
 *    starts again on the same profile; c-toxcore comes up; the message
 *    arrives once and its receipt (same message_id) comes.
 * d. No UDP on either side (issue 11): bulkhead with --no-udp and one
 *    --tcp-relay, c-toxcore with UDP disabled and the same relay
 *    (tox-bootstrapd's): the request crosses through the onion over TCP,
 *    both see the friend connected, bulkhead says "tcp", and messages
 *    cross both ways with receipts.
 * e. Tor mode: bulkhead alone in a namespace of its own, joined to the
 *    test's by a veth, with --proxy socks5:// to microsocks on the far
 *    end and the relay as before.  The same exchange as d; nftables
 *    counters on the output of bulkhead's namespace show packets to the
 *    proxy and none to anywhere else (no DNS); then the proxy stops: the
 *    user sees "unreachable" and still nothing goes anywhere else.
 * f. The same through tinyproxy (HTTP CONNECT).
 * g. A bulkhead relay server (--tcp-port): a bulkhead with --no-udp and
 *    c-toxcore with UDP disabled, both with that server as their only
 *    relay, become friends (the onion through the server), connect and
 *    talk both ways; the server's status shows the relay's clients.
 *
 * Every wait is a deadline for a broken build, not a measurement.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

#include "common/hex.h"
#include "common/mono.h"
#include "tests/lib/bh.h"
#include "tests/lib/bh_chat.h"
#include "tests/lib/bh_watch.h"
#include "tests/lib/bootstrapd.h"
#include "tests/lib/http_once.h"
#include "tests/lib/netns.h"
#include "tests/lib/toxpeer.h"

#define ADDR		"198.18.0.1"
#define PORT_BSD	33445
#define PORT_RELAY	33446	/* tox-bootstrapd's TCP relay */
#define TOR_OUTER	"198.18.1.1"	/* the proxy's end of the veth */
#define TOR_INNER	"198.18.1.2"	/* bulkhead's namespace */
#define PORT_SOCKS	1080
#define PORT_BHRELAY	33447	/* a bulkhead relay server's */
#define PORT_HTTP	33448	/* the nodes list, for Tor mode's fetch */
#define PORT_BH		33500	/* the session of each world: + n */
#define PORT_TOX	33600	/* c-toxcore's: + 2 * n */
#define T_REPLY		15000
#define T_ANNOUNCE	180000	/* deadlines, not benchmarks */
#define T_DELIVER	240000	/* a friend request, a restarted friend */
#define T_CONNECT	180000	/* friends connect once both are friends */
#define T_MESSAGE	60000	/* a message, receipt or change, connected */
#define T_SETTLE	10000	/* how long a duplicate has to show */
#define SPLIT_LEN	3000	/* a text bulkhead must split */

static struct bootstrapd	bsd;

struct world {
	int		 up;
	int		 tcp;		/* no UDP: through the relay alone */
	int		 tor;		/* with tcp: --proxy, 1 socks5, 2 http */
	const char	*relay_key;	/* with tcp: not bootstrapd's relay */
	int		 relay_port;
	struct bh	 b;
	struct bh	*bs[1];
	struct toxpeer	 t;
	struct toxpeer	*ts[1];
	char		 address[77];	/* bulkhead's Tox ID */
	char		 pk[65];	/* bulkhead's key, hex */
	uint8_t		 pk_bin[TOX_PUBLIC_KEY_SIZE];
	int		 number;	/* c-toxcore on bulkhead's list */
	uint32_t	 tnum;		/* bulkhead on c-toxcore's */
};

/* a's world, shared by its tests; connected once a_connect passed.
 * b's and c's are here too so that teardown ends what a failure left. */
static struct world	wa, wb, wc, wd, we, wg;
static int		wa_connected;
static char		wc_dir[64];	/* c's profile, kept across restart */

static int	remove_dir(const char *);
static void	tor_down(void);
/* The TCP world through another relay: relay_port, relay_key. */
static void	world_start_via(struct world *, int, int, const char *);
static struct bh	rs;		/* g's relay server */
static int		rs_up;

static void	world_stop(struct world *);

static int
setup(void **state)
{
	if (netns_private(ADDR) == -1)
		return -1;
	return bootstrapd_start_tcp(&bsd, PORT_BSD, PORT_RELAY);
}

static int
teardown(void **state)
{
	world_stop(&wa);
	world_stop(&wb);
	world_stop(&wc);
	world_stop(&wd);
	world_stop(&we);
	world_stop(&wg);
	if (rs_up)
		bh_stop(&rs);
	tor_down();
	if (wc_dir[0] != '\0')
		(void)remove_dir(wc_dir);
	bootstrapd_stop(&bsd);
	return 0;
}

static json_t *
cmd(struct world *w, json_t *req)
{
	json_t	*r = bh_call(&w->b, req, T_REPLY);

	if (r == NULL)
		bh_dump_log(&w->b);
	assert_non_null(r);
	if (!json_is_true(json_object_get(r, "ok")))
		fail_msg("%s: %s", json_string_value(json_object_get(r,
		    "reply")), json_string_value(json_object_get(r,
		    "error")));
	return r;
}

static void
cmd_ok(struct world *w, json_t *req)
{
	json_decref(cmd(w, req));
}

static int
announced(void *arg)
{
	return bh_onion_announced(arg) == 1;
}

static int
status_announced(struct world *w)
{
	json_t	*st, *on;
	int	 yes;

	st = cmd(w, json_pack("{s:s}", "cmd", "status"));
	on = json_object_get(st, "onion");
	yes = json_is_true(json_object_get(on, "announced")) &&
	    json_integer_value(json_object_get(on, "nodes")) >= 1;
	json_decref(st);
	return yes;
}

/* Until bulkhead's onion event and its status agree it is announced. */
static void
wait_announced(struct world *w)
{
	uint64_t	deadline, now;

	deadline = mono_ms() + T_ANNOUNCE;
	for (;;) {
		if ((now = mono_ms()) >= deadline || !toxpeer_run(w->ts,
		    w->t.tox != NULL, w->bs, 1, (int)(deadline - now),
		    announced, &w->b)) {
			bh_dump_log(&w->b);
			fail_msg("bulkhead never said it was announced");
		}
		if (status_announced(w))
			break;
		toxpeer_run(w->ts, w->t.tox != NULL, w->bs, 1, 200, NULL,
		    NULL);
	}
}

/* The session, in dir if not NULL (a profile kept across restarts). */
static void
bulkhead_start(struct world *w, const char *dir, int n)
{
	char		 relay[160], proxy[64], url[96];
	const char	*tcp[] = { "--no-udp", relay, NULL };
	const char	*tor[] = { proxy, relay, url, NULL };

	snprintf(relay, sizeof(relay), "--tcp-relay=%s:%d:%s", ADDR,
	    w->relay_key != NULL ? w->relay_port : PORT_RELAY,
	    w->relay_key != NULL ? w->relay_key : bsd.key);
	snprintf(proxy, sizeof(proxy), "--proxy=%s://%s:%d", w->tor == 2 ?
	    "http" : "socks5", TOR_OUTER, PORT_SOCKS);
	/* the nodes list, fetched through the proxy too */
	snprintf(url, sizeof(url), "--nodes-url=http://%s:%d/json", ADDR,
	    PORT_HTTP);
	w->bs[0] = &w->b;
	if (w->tor) {
		assert_int_equal(bh_start_joined_with(&w->b, dir, PORT_BH + n,
		    ADDR, PORT_BSD, bsd.key, tor), 0);
		w->up |= 1;
		return;
	}
	assert_int_equal(bh_start_joined_with(&w->b, dir, PORT_BH + n, ADDR,
	    PORT_BSD, bsd.key, w->tcp ? tcp : NULL), 0);
	w->up |= 1;
}

static void
bulkhead_stop(struct world *w)
{
	if (w->up & 1)
		bh_stop(&w->b);
	w->up &= ~1;
}

static void
peer_start(struct world *w, int n, const uint8_t *save, size_t len)
{
	w->ts[0] = &w->t;
	if (w->tcp && w->relay_key != NULL)
		assert_int_equal(toxpeer_start_relay(&w->t, "c-toxcore", ADDR,
		    PORT_BSD, bsd.key, ADDR, w->relay_port, w->relay_key), 0);
	else if (w->tcp)
		assert_int_equal(toxpeer_start_tcp(&w->t, "c-toxcore", ADDR,
		    PORT_BSD, PORT_RELAY, bsd.key), 0);
	else
		assert_int_equal(toxpeer_start_saved(&w->t, "c-toxcore",
		    PORT_TOX + 2 * n, ADDR, PORT_BSD, bsd.key, save, len), 0);
	w->up |= 2;
}

static void
peer_stop(struct world *w)
{
	toxpeer_stop(&w->t);
	w->up &= ~2;
}

/*
 * Both sides up and bulkhead announced; its address and key known.  tcp:
 * neither side has UDP, both reach the network through the relay.
 */
static void
world_start_kind(struct world *w, int n, int tcp)
{
	world_start_via(w, n, tcp, NULL);
}

static void
world_start_via(struct world *w, int n, int tcp, const char *relay_key)
{
	memset(w, 0, sizeof(*w));
	w->relay_key = relay_key;
	w->relay_port = PORT_BHRELAY;
	w->number = -1;
	w->tcp = tcp != 0;
	w->tor = tcp >= 2 ? tcp - 1 : 0;
	bulkhead_start(w, NULL, n);
	peer_start(w, n, NULL, 0);
	wait_announced(w);
	assert_int_equal(bh_address(&w->b, w->address, T_REPLY), 0);
	memcpy(w->pk, w->address, 64);
	w->pk[64] = '\0';
	assert_int_equal(hex_decode(w->pk, 64, w->pk_bin, sizeof(w->pk_bin)),
	    0);
}

static void
world_start(struct world *w, int n)
{
	world_start_kind(w, n, 0);
}


static void
world_stop(struct world *w)
{
	peer_stop(w);
	bulkhead_stop(w);
}

/* Runs both sides until cond(arg), or fails with why and the log. */
static void
run_until(struct world *w, int ms, int (*cond)(void *), void *arg,
    const char *why)
{
	if (!toxpeer_run(w->ts, (w->up & 2) != 0, w->bs, 1, ms, cond, arg)) {
		bh_dump_log(&w->b);
		fail_msg("%s", why);
	}
}

/*
 * Runs both sides until bulkhead has an event like want (taken); fails
 * with why, showing the events of that name that did come.
 */
static json_t *
await_event(struct world *w, json_t *want, int ms, const char *why)
{
	struct bh_want	 bw = { &w->b, want, 1 };
	json_t		*e;
	char		*s;
	size_t		 i;

	if (!toxpeer_run(w->ts, (w->up & 2) != 0, w->bs, 1, ms, bh_has,
	    &bw)) {
		bh_dump_log(&w->b);
		json_array_foreach(w->b.events, i, e) {
			if (!json_equal(json_object_get(e, "event"),
			    json_object_get(want, "event")))
				continue;
			s = json_dumps(e, JSON_COMPACT);
			fprintf(stderr, "had instead: %s\n", s);
			free(s);
		}
		json_decref(want);
		fail_msg("%s", why);
	}
	e = bh_find(&w->b, 0, want);
	json_decref(want);
	return e;
}

/* c-toxcore adds bulkhead; its request reaches bulkhead, which accepts. */
static void
libtoxcore_adds(struct world *w, const char *text)
{
	uint8_t	 addr[TOX_ADDRESS_SIZE];

	assert_int_equal(hex_decode(w->address, 76, addr, sizeof(addr)), 0);
	assert_int_equal(toxpeer_add(&w->t, addr, text), 0);
	w->tnum = (uint32_t)toxpeer_friend(&w->t, w->pk_bin);
	assert_true(w->tnum < TOXPEER_FRIENDS);
	(void)await_event(w, json_pack("{s:s, s:s}", "event",
	    "friend_request", "public_key", w->t.pk_hex), T_DELIVER,
	    "no friend_request from c-toxcore's key");
}

static void
bulkhead_accepts(struct world *w)
{
	json_t	*r;

	r = cmd(w, json_pack("{s:s, s:s}", "cmd", "accept", "public_key",
	    w->t.pk_hex));
	assert_true(json_is_integer(json_object_get(r, "friend")));
	w->number = (int)json_integer_value(json_object_get(r, "friend"));
	json_decref(r);
}

struct both_conn {
	struct bh_want		bw;	/* bulkhead's friend_connection udp */
	struct toxpeer_want	tw;	/* c-toxcore's callback */
};

static int
both_conn(void *arg)
{
	struct both_conn	*c = arg;

	return bh_has(&c->bw) && toxpeer_friend_connected(&c->tw);
}

/*
 * Both sides say the friend is connected, bulkhead over UDP; a failure
 * says which side did not.
 */
static void
both_connected(struct world *w)
{
	struct both_conn	 c;
	json_t			*e;
	int			 ours, theirs;

	memset(&c, 0, sizeof(c));
	c.bw.b = &w->b;
	c.bw.want = json_pack("{s:s, s:s, s:s}", "event", "friend_connection",
	    "public_key", w->t.pk_hex, "connection", w->tcp ? "tcp" : "udp");
	c.tw.p = &w->t;
	c.tw.friend = w->tnum;
	if (!toxpeer_run(w->ts, 1, w->bs, 1, T_CONNECT, both_conn, &c)) {
		ours = bh_has(&c.bw);
		theirs = toxpeer_friend_connected(&c.tw);
		json_decref(c.bw.want);
		bh_dump_log(&w->b);
		fail_msg("not connected: bulkhead %s friend_connection %s, "
		    "c-toxcore's callback %s bulkhead connected",
		    ours ? "said" : "never said", w->tcp ? "tcp" : "udp",
		    theirs ? "said" : "never said");
	}
	e = bh_find(&w->b, 0, c.bw.want);
	json_decref(c.bw.want);
	assert_true(json_is_integer(json_object_get(e, "friend")));
	assert_int_equal(json_integer_value(json_object_get(e, "friend")),
	    w->number);
	if (w->t.fr[w->tnum].conn != (w->tcp ? TOX_CONNECTION_TCP :
	    TOX_CONNECTION_UDP))
		fail_msg("c-toxcore has bulkhead over %s, not %s",
		    w->t.fr[w->tnum].conn == TOX_CONNECTION_TCP ? "TCP" :
		    w->t.fr[w->tnum].conn == TOX_CONNECTION_UDP ? "UDP" :
		    "nothing", w->tcp ? "TCP" : "UDP");
	e = bh_friend_entry(&w->b, w->t.pk_hex, T_REPLY);
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e,
	    "connection")), w->tcp ? "tcp" : "udp");
	json_decref(e);
}

/*
 * c-toxcore sends text (an action if asked); bulkhead's message event
 * has it exactly, from c-toxcore's key and number, with a message_id;
 * then c-toxcore gets its read receipt.
 */
static void
libtoxcore_says(struct world *w, int action, const char *text)
{
	struct toxpeer_want	 tw = { &w->t, w->tnum, 0, 0, NULL, 0 };
	json_t			*e;
	long			 id;
	char			 why[128];

	assert_true((id = toxpeer_send(&w->t, w->tnum, action, text)) >= 0);
	snprintf(why, sizeof(why), "bulkhead never had c-toxcore's %zu-byte "
	    "%s", strlen(text), action ? "action" : "message");
	e = await_event(w, json_pack("{s:s, s:s, s:s, s:b}", "event",
	    "message", "public_key", w->t.pk_hex, "text", text, "action",
	    action), T_MESSAGE, why);
	assert_int_equal(json_integer_value(json_object_get(e, "friend")),
	    w->number);
	assert_true(json_is_integer(json_object_get(e, "message_id")));
	tw.id = (uint32_t)id;
	run_until(w, T_MESSAGE, toxpeer_has_receipt, &tw,
	    "c-toxcore never had the read receipt for its message");
}

/*
 * bulkhead sends text to c-toxcore, naming it by key or by number;
 * c-toxcore gets the parts (one if it fits) in order, of the right type,
 * joining to text; then bulkhead's receipt event names the message_id
 * the send reply gave.  Returns that id.
 */
static long long
bulkhead_says(struct world *w, int by_number, int action, const char *text)
{
	struct toxpeer_want		 tw = { &w->t, w->tnum, 0, 0, NULL,
					     0 };
	const struct toxpeer_msg	*m;
	static char			 got[SPLIT_LEN];
	size_t				 first = w->t.nmsg, len = 0, i;
	long long			 id;
	char				 why[128];

	assert_true(strlen(text) <= SPLIT_LEN);
	id = bh_send(&w->b, by_number ? json_integer(w->number) :
	    json_string(w->t.pk_hex), action, text, T_REPLY);
	if (id < 0)
		fail_msg("send of %zu bytes had no message_id",
		    strlen(text));
	/* parts until they are as long as the text, or one is wrong */
	for (i = first; len < strlen(text); i++) {
		tw.n = i + 1;
		snprintf(why, sizeof(why), "c-toxcore had %zu of bulkhead's "
		    "%zu bytes", len, strlen(text));
		run_until(w, T_MESSAGE, toxpeer_has_msgs, &tw, why);
		if ((m = toxpeer_msg(&w->t, i)) == NULL)
			fail_msg("c-toxcore's message %zu left its ring", i);
		assert_int_equal(m->friend, w->tnum);
		assert_int_equal(m->type, action ? TOX_MESSAGE_TYPE_ACTION :
		    TOX_MESSAGE_TYPE_NORMAL);
		assert_true(m->len > 0 && m->len <= TOX_MAX_MESSAGE_LENGTH);
		assert_true(len + m->len <= strlen(text));
		memcpy(got + len, m->text, m->len);
		len += m->len;
	}
	assert_int_equal(len, strlen(text));
	assert_memory_equal(got, text, len);
	(void)await_event(w, json_pack("{s:s, s:s, s:I}", "event", "receipt",
	    "public_key", w->t.pk_hex, "message_id", (json_int_t)id),
	    T_MESSAGE, "no receipt event for the message_id send gave");
	return id;
}

/* A text of exactly n bytes, with multibyte UTF-8 in it and every
 * position telling from its neighbours, so a cut or shift shows. */
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

/* a: the friendship and connection the other a tests use. */
static void
a_connect(void **state)
{
	json_t	*r, *l;

	world_start(&wa, 1);
	/* names set before the friendship: sent when they connect */
	assert_int_equal(toxpeer_set_name(&wa.t, "c-toxcore ✓ peer"), 0);
	cmd_ok(&wa, json_pack("{s:s, s:s}", "cmd", "set_name", "name",
	    "bulkhead Ω side"));
	libtoxcore_adds(&wa, "messages, please");
	bulkhead_accepts(&wa);
	r = cmd(&wa, json_pack("{s:s}", "cmd", "friends"));
	l = json_object_get(r, "friends");
	assert_int_equal(json_array_size(l), 1);
	json_decref(r);
	both_connected(&wa);
	wa_connected = 1;
}

static void
need_a(void)
{
	if (!wa_connected)
		fail_msg("no connection: a_connect failed");
}

static void
a_messages_both_ways(void **state)
{
	long long	id1, id2, id3;

	need_a();
	libtoxcore_says(&wa, 0, "hello bulkhead");
	libtoxcore_says(&wa, 0, "héllo wörld ✓ 日本語 🚀");
	libtoxcore_says(&wa, 1, "waves 👋");
	id1 = bulkhead_says(&wa, 0, 0, "hello c-toxcore");
	id2 = bulkhead_says(&wa, 1, 0, "ünïcödé ✓ 中文 🎉");
	id3 = bulkhead_says(&wa, 0, 1, "waves back 🙌");
	assert_true(id1 != id2 && id2 != id3 && id1 != id3);
	/* each text once on bulkhead's side */
	assert_int_equal(bh_messages_from(&wa.b, wa.t.pk_hex, 0, NULL, 0,
	    NULL), 3);
}

static void
a_longest_and_split(void **state)
{
	static char	text[SPLIT_LEN + 1];

	need_a();
	fill_text(text, TOX_MAX_MESSAGE_LENGTH, 1);
	libtoxcore_says(&wa, 0, text);
	fill_text(text, TOX_MAX_MESSAGE_LENGTH, 2);
	(void)bulkhead_says(&wa, 0, 0, text);
	fill_text(text, SPLIT_LEN, 3);
	(void)bulkhead_says(&wa, 0, 0, text);
	fill_text(text, SPLIT_LEN, 4);
	(void)bulkhead_says(&wa, 1, 1, text);
}

/* c-toxcore's friend_name (etc.) event on bulkhead: key, number, value. */
static void
bulkhead_hears(const char *event, const char *member, json_t *value,
    const char *why)
{
	json_t	*e;

	e = await_event(&wa, json_pack("{s:s, s:s, s:o}", "event", event,
	    "public_key", wa.t.pk_hex, member, value), T_MESSAGE, why);
	assert_int_equal(json_integer_value(json_object_get(e, "friend")),
	    wa.number);
}

static void
a_names_cross(void **state)
{
	struct toxpeer_want	tw = { &wa.t, 0, 0, 0, NULL, 0 };

	need_a();
	tw.friend = wa.tnum;
	/* the names set before they were friends */
	tw.text = "bulkhead Ω side";
	run_until(&wa, T_MESSAGE, toxpeer_friend_named, &tw,
	    "c-toxcore never had the name bulkhead set before");
	bulkhead_hears("friend_name", "name", json_string("c-toxcore ✓ peer"),
	    "bulkhead never had the name c-toxcore set before");
	/* and changed while connected */
	cmd_ok(&wa, json_pack("{s:s, s:s}", "cmd", "set_name", "name",
	    "bulkhead, renamed 🚢"));
	tw.text = "bulkhead, renamed 🚢";
	run_until(&wa, T_MESSAGE, toxpeer_friend_named, &tw,
	    "c-toxcore never had bulkhead's new name");
	assert_int_equal(toxpeer_set_name(&wa.t, "c-toxcore renamed ✓"), 0);
	bulkhead_hears("friend_name", "name", json_string(
	    "c-toxcore renamed ✓"), "bulkhead never had c-toxcore's new name");
}

static void
a_status_messages_cross(void **state)
{
	struct toxpeer_want	tw = { &wa.t, 0, 0, 0, NULL, 0 };

	need_a();
	tw.friend = wa.tnum;
	cmd_ok(&wa, json_pack("{s:s, s:s}", "cmd", "set_status_message",
	    "status_message", "at sea ⚓ until Friday"));
	tw.text = "at sea ⚓ until Friday";
	run_until(&wa, T_MESSAGE, toxpeer_friend_says, &tw,
	    "c-toxcore never had bulkhead's status message");
	assert_int_equal(toxpeer_set_status_message(&wa.t,
	    "on shore 🏖 all week"), 0);
	bulkhead_hears("friend_status_message", "status_message",
	    json_string("on shore 🏖 all week"),
	    "bulkhead never had c-toxcore's status message");
}

static void
a_status_cross(void **state)
{
	struct toxpeer_want	tw = { &wa.t, 0, 0, 0, NULL, 0 };

	need_a();
	tw.friend = wa.tnum;
	cmd_ok(&wa, json_pack("{s:s, s:s}", "cmd", "set_status", "status",
	    "busy"));
	tw.value = TOX_USER_STATUS_BUSY;
	run_until(&wa, T_MESSAGE, toxpeer_friend_status, &tw,
	    "c-toxcore never saw bulkhead busy");
	cmd_ok(&wa, json_pack("{s:s, s:s}", "cmd", "set_status", "status",
	    "away"));
	tw.value = TOX_USER_STATUS_AWAY;
	run_until(&wa, T_MESSAGE, toxpeer_friend_status, &tw,
	    "c-toxcore never saw bulkhead away");
	assert_int_equal(toxpeer_set_status(&wa.t, TOX_USER_STATUS_AWAY), 0);
	bulkhead_hears("friend_status", "status", json_string("away"),
	    "bulkhead never saw c-toxcore away");
	assert_int_equal(toxpeer_set_status(&wa.t, TOX_USER_STATUS_BUSY), 0);
	bulkhead_hears("friend_status", "status", json_string("busy"),
	    "bulkhead never saw c-toxcore busy");
}

static void
a_typing_cross(void **state)
{
	struct toxpeer_want	tw = { &wa.t, 0, 0, 0, NULL, 0 };

	need_a();
	tw.friend = wa.tnum;
	cmd_ok(&wa, json_pack("{s:s, s:s, s:b}", "cmd", "typing", "friend",
	    wa.t.pk_hex, "typing", 1));
	tw.value = 1;
	run_until(&wa, T_MESSAGE, toxpeer_friend_typing, &tw,
	    "c-toxcore never saw bulkhead typing");
	cmd_ok(&wa, json_pack("{s:s, s:i, s:b}", "cmd", "typing", "friend",
	    wa.number, "typing", 0));
	tw.value = 0;
	run_until(&wa, T_MESSAGE, toxpeer_friend_typing, &tw,
	    "c-toxcore never saw bulkhead stop typing");
	assert_int_equal(toxpeer_set_typing(&wa.t, wa.tnum, 1), 0);
	bulkhead_hears("friend_typing", "typing", json_true(),
	    "bulkhead never saw c-toxcore typing");
	assert_int_equal(toxpeer_set_typing(&wa.t, wa.tnum, 0), 0);
	bulkhead_hears("friend_typing", "typing", json_false(),
	    "bulkhead never saw c-toxcore stop typing");
	world_stop(&wa);
	wa_connected = 0;
}

/* b: bulkhead adds c-toxcore; c-toxcore accepts; one message each way. */
static void
b_bulkhead_adds_libtoxcore(void **state)
{
	struct world	*w = &wb;
	json_t		*r;
	long		 f;

	world_stop(&wa);	/* if a failed half way */
	world_start(w, 2);
	r = cmd(w, json_pack("{s:s, s:s, s:s}", "cmd", "add", "address",
	    w->t.address_hex, "message", "be my friend"));
	assert_true(json_is_integer(json_object_get(r, "friend")));
	w->number = (int)json_integer_value(json_object_get(r, "friend"));
	json_decref(r);
	run_until(w, T_DELIVER, toxpeer_has_request, &w->t,
	    "c-toxcore never had bulkhead's request");
	assert_memory_equal(w->t.req[0].pk, w->pk_bin, TOX_PUBLIC_KEY_SIZE);
	assert_true((f = toxpeer_accept(&w->t, w->pk_bin)) >= 0);
	w->tnum = (uint32_t)f;
	assert_true(w->tnum < TOXPEER_FRIENDS);
	both_connected(w);
	(void)bulkhead_says(w, 0, 0, "first words from bulkhead ✓");
	libtoxcore_says(w, 0, "first words from c-toxcore ✓");
	world_stop(w);
}

/*
 * status lists the configured relay: up, configured, carrying one friend
 * (NET_RELAYS is sent at most every 250 ms: asked until it shows).
 */
static void
relay_in_status(struct world *w)
{
	json_t		*st, *rl, *e;
	char		 addr[64];
	uint64_t	 deadline = mono_ms() + T_REPLY;
	size_t		 i;
	int		 seen = 0;

	snprintf(addr, sizeof(addr), "%s:%d", ADDR, PORT_RELAY);
	while (!seen && mono_ms() < deadline) {
		st = cmd(w, json_pack("{s:s}", "cmd", "status"));
		rl = json_object_get(st, "relays");
		assert_true(json_is_array(rl));
		json_array_foreach(rl, i, e)
			if (strcasecmp(json_string_value(json_object_get(e,
			    "public_key")), bsd.key) == 0 &&
			    strcmp(json_string_value(json_object_get(e,
			    "address")), addr) == 0 &&
			    strcmp(json_string_value(json_object_get(e,
			    "state")), "up") == 0 &&
			    json_integer_value(json_object_get(e,
			    "friends")) == 1 &&
			    strcmp(json_string_value(json_array_get(
			    json_object_get(e, "source"), 0)), "configured")
			    == 0)
				seen = 1;
		if (!seen)
			toxpeer_run(w->ts, 1, w->bs, 1, 300, NULL, NULL);
		json_decref(st);
	}
	if (!seen)
		fail_msg("status never listed relay %s up with one friend",
		    addr);
}

/*
 * d: no UDP on either side.  c-toxcore adds bulkhead through the onion
 * over the relay, bulkhead accepts, both connect through the relay (c-
 * toxcore's connection is TCP, bulkhead says "tcp"), messages and
 * actions cross both ways with receipts.
 */
static void
d_through_tcp_relay_only(void **state)
{
	struct world	*w = &wd;

	world_stop(&wa);
	world_start_kind(w, 4, 1);
	libtoxcore_adds(w, "over TCP, please");
	bulkhead_accepts(w);
	both_connected(w);
	relay_in_status(w);
	(void)bulkhead_says(w, 0, 0, "through the relay ✓");
	(void)bulkhead_says(w, 1, 1, "waves through TCP");
	libtoxcore_says(w, 0, "and back through the relay ✓");
	libtoxcore_says(w, 1, "waves back");
	world_stop(w);
}

/* Tor mode's namespace, its holder, microsocks. */
static int	tor_ns = -1;
static pid_t	tor_holder = -1, socks_pid = -1;

static void
tor_down(void)
{
	if (socks_pid > 0)
		kill(socks_pid, SIGKILL), waitpid(socks_pid, NULL, 0);
	socks_pid = -1;
	bh_set_netns(-1);
	if (tor_ns != -1)
		close(tor_ns);
	tor_ns = -1;
	if (tor_holder > 0)
		kill(tor_holder, SIGKILL), waitpid(tor_holder, NULL, 0);
	tor_holder = -1;
	if (system("ip link del bhv0 2>/dev/null") == -1)
		perror("system");
}

/* microsocks (kind 1) or tinyproxy (2) on the proxy's end of the veth. */
static void
proxy_start(int kind)
{
	char	port[16], conf[64];
	FILE	*f;

	snprintf(port, sizeof(port), "%d", PORT_SOCKS);
	snprintf(conf, sizeof(conf), "/tmp/bh-tinyproxy-%d.conf",
	    (int)getpid());
	if (kind == 2) {
		assert_non_null(f = fopen(conf, "w"));
		/* no ConnectPort line: CONNECT to any port */
		fprintf(f, "Port %d\nListen %s\nTimeout 600\nMaxClients 16\n"
		    "LogLevel Critical\nUser nobody\nGroup nogroup\n",
		    PORT_SOCKS, TOR_OUTER);
		fclose(f);
	}
	if ((socks_pid = fork()) == 0) {
		if (kind == 2)
			execlp("tinyproxy", "tinyproxy", "-d", "-c", conf,
			    (char *)NULL);
		else
			execlp("microsocks", "microsocks", "-i", TOR_OUTER,
			    "-p", port, (char *)NULL);
		_exit(127);
	}
	assert_true(socks_pid > 0);
}

/*
 * Counters on everything bulkhead's namespace sends: to the proxy, DNS,
 * anything else.  Only the supervisor has sockets there (netd and fetchd
 * sit in empty namespaces of their own and get theirs from it).
 */
static void
tor_counters(void)
{
	char	path[64];
	FILE	*f;

	snprintf(path, sizeof(path), "/tmp/bh-tor-%d.nft", (int)getpid());
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "table inet bh {\n"
	    " counter proxy {}\n counter dns {}\n counter other {}\n"
	    " chain out {\n  type filter hook output priority 0;\n"
	    "  ip daddr %s tcp dport %d counter name proxy accept\n"
	    "  udp dport 53 counter name dns\n"
	    "  tcp dport 53 counter name dns\n"
	    "  counter name other\n }\n}\n", TOR_OUTER, PORT_SOCKS);
	fclose(f);
	{
		char	cmd[128];

		snprintf(cmd, sizeof(cmd), "nft -f %s", path);
		assert_int_equal(netns_exec(tor_holder, cmd), 0);
	}
	unlink(path);
}

static long
tor_count(const char *name)
{
	char	cmd[160], line[256];
	FILE	*p;
	long	n = -1;
	char	*at;

	snprintf(cmd, sizeof(cmd), "nsenter -t %d -n nft list counter inet "
	    "bh %s", (int)tor_holder, name);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), p) != NULL)
		if ((at = strstr(line, "packets ")) != NULL)
			n = strtol(at + 8, NULL, 10);
	pclose(p);
	return n;
}

static int
proxy_is(void *arg)
{
	struct world	*w = &we;
	json_t		*st = bh_call(&w->b, json_pack("{s:s}", "cmd",
			    "status"), T_REPLY);
	int		 yes;

	yes = st != NULL && strcmp(json_string_value(json_object_get(st,
	    "proxy")) != NULL ? json_string_value(json_object_get(st,
	    "proxy")) : "", arg) == 0;
	json_decref(st);
	return yes;
}

/*
 * Tor mode.  bulkhead in its own namespace, its only way out a veth to the
 * proxy (kind 1: microsocks, SOCKS5; 2: tinyproxy, HTTP CONNECT); the
 * exchange of d through the proxy and the relay; counters say what left
 * bulkhead's namespace.
 */
static void
through_proxy(int kind)
{
	struct world	*w = &we;
	static char	 nodes[512], got[1024];
	char		 cache[320];
	long		 proxy, dns, other, n;
	uint64_t	 until;
	pid_t		 http;
	int		 tries;

	world_stop(&wa);
	assert_true((tor_ns = netns_inner(TOR_OUTER, TOR_INNER,
	    &tor_holder)) >= 0);
	tor_counters();
	/* the counters see a datagram: one sent from there, before bulkhead */
	assert_int_equal(netns_exec(tor_holder, "bash -c \"echo x > "
	    "/dev/udp/" TOR_OUTER "/9\""), 0);
	assert_int_equal(tor_count("other"), 1);
	proxy_start(kind);
	snprintf(nodes, sizeof(nodes), "{\"last_scan\": 0, \"nodes\": ["
	    "{\"ipv4\": \"%s\", \"ipv6\": \"-\", \"port\": %d, "
	    "\"tcp_ports\": [%d], \"public_key\": \"%s\", "
	    "\"status_udp\": true}]}", ADDR, PORT_BSD, PORT_RELAY, bsd.key);
	assert_true((http = http_once(ADDR, PORT_HTTP, nodes, 1)) > 0);
	bh_set_netns(tor_ns);
	world_start_kind(w, 4 + kind, 1 + kind);
	bh_set_netns(-1);
	libtoxcore_adds(w, "through a proxy, please");
	bulkhead_accepts(w);
	both_connected(w);
	(void)bulkhead_says(w, 0, 0, "through the proxy ✓");
	libtoxcore_says(w, 0, "and back through the proxy ✓");
	proxy = tor_count("proxy");
	dns = tor_count("dns");
	other = tor_count("other");
	printf("# %s proxy: %ld packets to the proxy, %ld DNS, %ld "
	    "elsewhere\n", kind == 2 ? "HTTP" : "SOCKS5", proxy, dns,
	    other - 1);
	assert_true(proxy > 0);
	assert_int_equal(dns, 0);
	assert_int_equal(other, 1);	/* the test's own datagram */
	/* the list came through the proxy: keyd keeps what fetchd got */
	snprintf(cache, sizeof(cache), "%.255s/nodes.json", w->b.dir);
	for (tries = 0; tries < 100 && bh_slurp(cache, got, 1) != 1; tries++)
		toxpeer_run(w->ts, 1, w->bs, 1, 100, NULL, NULL);
	n = bh_slurp(cache, got, sizeof(got) - 1);
	if (n <= 0) {
		bh_dump_log(&w->b);
		fail_msg("the nodes list was not fetched through the proxy");
	}
	got[n] = '\0';
	assert_string_equal(got, nodes);
	waitpid(http, NULL, 0);

	/* the proxy goes: the user is told, and nothing goes elsewhere */
	kill(socks_pid, SIGKILL);
	waitpid(socks_pid, NULL, 0);
	socks_pid = -1;
	run_until(w, T_CONNECT, proxy_is, "unreachable",
	    "status never said the proxy was unreachable");
	until = mono_ms() + T_SETTLE;
	while (mono_ms() < until)
		toxpeer_run(w->ts, 1, w->bs, 1, (int)(until - mono_ms()),
		    NULL, NULL);
	printf("# proxy stopped: %ld more packets to the proxy's address "
	    "(connection attempts), %ld elsewhere\n",
	    tor_count("proxy") - proxy, tor_count("other") - other);
	assert_int_equal(tor_count("dns"), 0);
	assert_int_equal(tor_count("other"), 1);
	world_stop(w);
	tor_down();
}

static void
e_tor_mode_leaks_nothing(void **state)
{
	through_proxy(1);
}

/* f: the same through an HTTP CONNECT proxy. */
static void
f_http_proxy_leaks_nothing(void **state)
{
	through_proxy(2);
}

/* The relay server's DHT key (its relay key). */
static char		rs_key[65];

static int
rs_has_clients(void *arg)
{
	json_t	*st = bh_call(&rs, json_pack("{s:s}", "cmd", "status"),
		    T_REPLY);
	json_t	*srv = json_object_get(st, "relay_server");
	int	 yes;

	yes = json_integer_value(json_object_get(srv, "clients")) >= 2;
	json_decref(st);
	return yes;
}

/*
 * g: a bulkhead relay server.  Its DHT key is its relay key; a bulkhead
 * without UDP and c-toxcore without UDP use it as their only relay.
 */
static void
g_through_bulkhead_relay_server(void **state)
{
	struct world	*w = &wg;
	char		 port[32];
	const char	*extra[] = { port, NULL };
	json_t		*st, *ev;
	const char	*k;
	struct bh	*both[2];

	world_stop(&wa);
	snprintf(port, sizeof(port), "--tcp-port=%d", PORT_BHRELAY);
	assert_int_equal(bh_start_joined_with(&rs, NULL, PORT_BH + 9, ADDR,
	    PORT_BSD, bsd.key, extra), 0);
	rs_up = 1;
	st = bh_call(&rs, json_pack("{s:s}", "cmd", "status"), T_REPLY);
	assert_non_null(st);
	k = json_string_value(json_object_get(json_object_get(st, "dht"),
	    "dht_public_key"));
	if (k == NULL) {
		/* netd has not reported yet: ask again once it has */
		json_decref(st);
		ev = bh_event(&rs, "dht", T_REPLY);
		assert_non_null(ev);
		json_decref(ev);
		st = bh_call(&rs, json_pack("{s:s}", "cmd", "status"),
		    T_REPLY);
		k = json_string_value(json_object_get(json_object_get(st,
		    "dht"), "dht_public_key"));
	}
	assert_non_null(k);
	snprintf(rs_key, sizeof(rs_key), "%s", k);
	json_decref(st);
	world_start_via(w, 7, 1, rs_key);
	both[0] = &w->b;
	both[1] = &rs;
	w->bs[0] = &w->b;
	libtoxcore_adds(w, "through a bulkhead relay, please");
	bulkhead_accepts(w);
	both_connected(w);
	(void)bulkhead_says(w, 0, 0, "through bulkhead's relay ✓");
	libtoxcore_says(w, 0, "and back through bulkhead's relay ✓");
	if (!toxpeer_run(w->ts, 1, both, 2, T_REPLY, rs_has_clients, NULL))
		fail_msg("the relay server's status never showed its two "
		    "clients");
	world_stop(w);
	bh_stop(&rs);
	rs_up = 0;
}

static int
remove_dir(const char *dir)
{
	char	c[128];

	snprintf(c, sizeof(c), "rm -rf '%s'", dir);
	return system(c);
}

/*
 * c: a message to a friend that is not running waits in the outbox
 * across bulkhead's restart and arrives once c-toxcore is back.
 */
static void
c_outbox_survives_restart(void **state)
{
	static const char	 text[] = "written while you were away ✓";
	static uint8_t		 save[65536];
	struct world		*w = &wc;
	struct toxpeer_want	 tw;
	size_t			 save_len, i, n;
	long long		 id;
	uint64_t		 deadline;
	json_t			*e, *r;

	world_stop(&wb);
	memset(w, 0, sizeof(*w));
	assert_int_equal(bh_make_profile("outbox", wc_dir, sizeof(wc_dir)),
	    0);
	w->number = -1;
	bulkhead_start(w, wc_dir, 3);
	peer_start(w, 3, NULL, 0);
	wait_announced(w);
	assert_int_equal(bh_address(&w->b, w->address, T_REPLY), 0);
	memcpy(w->pk, w->address, 64);
	assert_int_equal(hex_decode(w->pk, 64, w->pk_bin, sizeof(w->pk_bin)), 0);

	/* friends, but c-toxcore is gone before they can connect */
	libtoxcore_adds(w, "keep my messages");
	assert_true((save_len = toxpeer_save(&w->t, save, sizeof(save))) > 0);
	peer_stop(w);
	bulkhead_accepts(w);

	e = bh_friend_entry(&w->b, w->t.pk_hex, T_REPLY);
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e,
	    "connection")), "none");
	json_decref(e);

	id = bh_send(&w->b, json_string(w->t.pk_hex), 0, text, T_REPLY);
	if (id < 0)
		fail_msg("send to an offline friend had no message_id");
	e = bh_friend_entry(&w->b, w->t.pk_hex, T_REPLY);
	assert_non_null(e);
	if (!json_is_integer(json_object_get(e, "outbox")))
		fail_msg("friends has no \"outbox\" count for c-toxcore");
	assert_int_equal(json_integer_value(json_object_get(e, "outbox")), 1);
	json_decref(e);

	/* bulkhead quits and comes back on the same profile */
	r = cmd(w, json_pack("{s:s}", "cmd", "quit"));
	json_decref(r);
	assert_true(WIFEXITED(bh_wait(&w->b, T_REPLY)));
	bulkhead_stop(w);
	bulkhead_start(w, wc_dir, 3);
	/* chatd gets the list and the outbox from keyd just after start:
	 * `friends` waits for the list; the outbox may come later */
	deadline = mono_ms() + T_REPLY;
	while ((e = bh_friend_entry(&w->b, w->t.pk_hex, T_REPLY)) == NULL ||
	    json_integer_value(json_object_get(e, "outbox")) != 1) {
		if (mono_ms() > deadline)
			fail_msg("after the restart, friends never listed "
			    "c-toxcore with outbox 1");
		json_decref(e);
		bh_pump(w->bs, 1, 200);
	}
	json_decref(e);

	/* c-toxcore is back: the message arrives, then the receipt */
	peer_start(w, 3, save, save_len);
	assert_true(toxpeer_friend(&w->t, w->pk_bin) == (long)w->tnum);
	memset(&tw, 0, sizeof(tw));
	tw.p = &w->t;
	tw.friend = w->tnum;
	tw.n = 1;
	run_until(w, T_DELIVER, toxpeer_has_msgs, &tw,
	    "the outbox message never reached c-toxcore");
	(void)await_event(w, json_pack("{s:s, s:s, s:I}", "event", "receipt",
	    "public_key", w->t.pk_hex, "message_id", (json_int_t)id),
	    T_MESSAGE, "no receipt event with the message_id send gave "
	    "before the restart");
	/* once: nothing more comes while both run a while longer */
	toxpeer_run(w->ts, 1, w->bs, 1, T_SETTLE, NULL, NULL);
	for (i = 0, n = 0; i < w->t.nmsg; i++) {
		const struct toxpeer_msg *m = toxpeer_msg(&w->t, i);

		assert_non_null(m);
		assert_int_equal(m->friend, w->tnum);
		assert_int_equal(m->len, strlen(text));
		assert_memory_equal(m->text, text, m->len);
		n++;
	}
	if (n != 1)
		fail_msg("c-toxcore had the outbox message %zu times", n);
	e = json_pack("{s:s, s:s}", "event", "receipt", "public_key",
	    w->t.pk_hex);
	n = bh_count_like(&w->b, e);
	json_decref(e);
	if (n != 1)
		fail_msg("%zu receipt events for one message", n);
	e = bh_friend_entry(&w->b, w->t.pk_hex, T_REPLY);
	assert_non_null(e);
	assert_int_equal(json_integer_value(json_object_get(e, "outbox")), 0);
	json_decref(e);
	world_stop(w);
	(void)remove_dir(wc_dir);
	wc_dir[0] = '\0';
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_connect),
		cmocka_unit_test(a_messages_both_ways),
		cmocka_unit_test(a_longest_and_split),
		cmocka_unit_test(a_names_cross),
		cmocka_unit_test(a_status_messages_cross),
		cmocka_unit_test(a_status_cross),
		cmocka_unit_test(a_typing_cross),
		cmocka_unit_test(b_bulkhead_adds_libtoxcore),
		cmocka_unit_test(c_outbox_survives_restart),
		cmocka_unit_test(d_through_tcp_relay_only),
		cmocka_unit_test(e_tor_mode_leaks_nothing),
		cmocka_unit_test(f_http_proxy_leaks_nothing),
		cmocka_unit_test(g_through_bulkhead_relay_server),
	};

	/* BH_TEST_ONLY=d_through_tcp_relay_only: that test alone */
	if (getenv("BH_TEST_ONLY") != NULL)
		cmocka_set_test_filter(getenv("BH_TEST_ONLY"));
	return cmocka_run_group_tests(tests, setup, teardown);
}
