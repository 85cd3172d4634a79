/*
 * Issue 9 in full: a network of one tox-bootstrapd, two bulkhead sessions
 * (A, B) and two libtoxcore 0.2.18 clients (X, Y), each node a host of its
 * own with its own non-LAN address (198.18.0.1 to .5, RFC 2544 range) on
 * a bridge inside the test's private namespace (tests/lib/netbridge.h).
 * Every client is told of the bootstrapd and of nobody else, so whatever
 * else it learns it learns from the network: each onion path and announce
 * store may be either kind of node.
 *
 * 1. Everyone gets on: each bulkhead says "onion" {"announced": true};
 *    each libtoxcore client reports TOX_CONNECTION_UDP (c-toxcore says so
 *    only once its own announces are stored).
 * 2. Everyone can be found: a ring of friend requests, each between a
 *    pair that have never met, A -> X -> B -> Y -> A.  A request can only
 *    arrive if the sender found the receiver's announcement on the onion,
 *    so each of the four arriving from the right key with exactly its
 *    text proves each client, of either kind, announced and was found by
 *    the other kind.
 *
 * Deadlines are for a broken build; nothing is timed.  The times printed
 * are for a human reading the log.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/hex.h"
#include "common/mono.h"
#include "tests/lib/bh.h"
#include "tests/lib/bootstrapd.h"
#include "tests/lib/netbridge.h"
#include "tests/lib/netns.h"
#include "tests/lib/toxpeer.h"

/* Every node on its own host: the same port everywhere, as in the wild. */
#define PORT		33445
#define T_REPLY		15000
#define T_ON		240000	/* deadlines, not benchmarks */
#define T_RING		300000

enum { H_BSD, H_A, H_B, H_X, H_Y, H_N };

static const char *const host_addr[H_N] = {
	"198.18.0.1", "198.18.0.2", "198.18.0.3", "198.18.0.4", "198.18.0.5"
};

static struct netbridge	nb;

static int
setup(void **state)
{
	int	h;

	if (netns_private(NULL) == -1 || netbridge_init(&nb) == -1)
		return -1;
	for (h = 0; h < H_N; h++)
		if (netbridge_host(&nb, host_addr[h]) != h)
			return -1;
	return 0;
}

static int
teardown(void **state)
{
	netbridge_free(&nb);
	return 0;
}

/* A bulkhead session as the test sees it. */
struct session {
	const char	*name;
	struct bh	 b;
	int		 started;	/* b is running */
	char		 dir[64];
	char		 address[2 * TOX_ADDRESS_SIZE + 1];
	uint8_t		 id[TOX_ADDRESS_SIZE];	/* address, decoded */
	uint8_t		 pk[TOX_PUBLIC_KEY_SIZE];
	int		 announced;	/* an onion event said so */
	json_t		*requests;	/* friend_request events seen */
};

struct mixnet {
	struct bootstrapd	 bsd;
	struct session		 s[2];		/* A, B */
	struct toxpeer		 t[2];		/* X, Y */
};

static struct mixnet	net;

static void
session_start(struct session *s, const char *name, int host,
    const char *bsd_key)
{
	char		 port[32], bs[160];
	const char	*args[] = { port, bs, NULL };
	json_t		*r;
	const char	*a;

	s->name = name;
	snprintf(port, sizeof(port), "--port=%d", PORT);
	snprintf(bs, sizeof(bs), "--bootstrap=%s:%d:%s", host_addr[H_BSD],
	    PORT, bsd_key);
	s->requests = json_array();
	assert_int_equal(bh_make_profile(name, s->dir, sizeof(s->dir)), 0);
	assert_int_equal(netbridge_enter(&nb, host), 0);
	assert_int_equal(bh_start_dir(&s->b, s->dir, args), 0);
	s->started = 1;
	assert_int_equal(netbridge_leave(&nb), 0);
	r = bh_cmd(&s->b, "{\"cmd\":\"id\"}", T_REPLY);
	if (r == NULL)
		bh_dump_log(&s->b);
	assert_non_null(r);
	a = json_string_value(json_object_get(r, "address"));
	assert_non_null(a);
	assert_int_equal(strlen(a), 2 * TOX_ADDRESS_SIZE);
	memcpy(s->address, a, sizeof(s->address));
	assert_int_equal(hex_decode(a, 2 * TOX_ADDRESS_SIZE, s->id,
	    sizeof(s->id)), 0);
	memcpy(s->pk, s->id, sizeof(s->pk));
	json_decref(r);
}

static void
session_stop(struct session *s)
{
	char	rm[96];

	if (s->started)
		bh_stop(&s->b);
	s->started = 0;
	json_decref(s->requests);
	s->requests = NULL;
	if (s->dir[0] == '\0')
		return;
	snprintf(rm, sizeof(rm), "rm -rf '%s'", s->dir);
	if (system(rm) != 0)
		fprintf(stderr, "could not remove %s\n", s->dir);
	s->dir[0] = '\0';
}

/*
 * Everything the test started, stopped: also the test's teardown, so a
 * failed assertion half-way leaves no node running.
 */
static int
stop_all(void **state)
{
	int	i;

	for (i = 0; i < 2; i++) {
		toxpeer_stop(&net.t[i]);
		session_stop(&net.s[i]);
	}
	if (net.bsd.pid > 0)
		bootstrapd_stop(&net.bsd);
	memset(&net, 0, sizeof(net));
	return 0;
}

static void
client_start(struct toxpeer *t, const char *name, int host,
    const char *bsd_key)
{
	assert_int_equal(netbridge_enter(&nb, host), 0);
	assert_int_equal(toxpeer_start(t, name, PORT, host_addr[H_BSD], PORT,
	    bsd_key), 0);
	assert_int_equal(netbridge_leave(&nb), 0);
}

/*
 * Keeps every node going for a while: each libtoxcore client iterated,
 * each session's output read (its onion and friend_request events kept).
 * Returns after about the shortest interval libtoxcore asked for.
 */
static void
step(struct mixnet *m)
{
	json_t	*e;
	int	 i, wait = 50, w;

	for (i = 0; i < 2; i++)
		if ((w = toxpeer_iterate(&m->t[i])) < wait)
			wait = w;
	for (i = 0; i < 2; i++) {
		while ((e = bh_event(&m->s[i].b, "onion", 1)) != NULL) {
			if (json_is_true(json_object_get(e, "announced")) &&
			    !m->s[i].announced) {
				m->s[i].announced = 1;
				fprintf(stderr, "%s announced\n",
				    m->s[i].name);
			}
			json_decref(e);
		}
		while ((e = bh_event(&m->s[i].b, "friend_request", 1))
		    != NULL)
			json_array_append_new(m->s[i].requests, e);
	}
	usleep((useconds_t)(wait > 2 ? wait - 2 : 1) * 1000);
}

static int
all_on(const struct mixnet *m)
{
	return m->s[0].announced && m->s[1].announced &&
	    m->t[0].conn == TOX_CONNECTION_UDP &&
	    m->t[1].conn == TOX_CONNECTION_UDP;
}

/* The friend_request event from pk, or NULL. */
static json_t *
session_request_from(const struct session *s, const uint8_t pk[32])
{
	char		 hex[2 * TOX_PUBLIC_KEY_SIZE + 1];
	const char	*k;
	json_t		*e;
	size_t		 i;

	hex_encode(pk, TOX_PUBLIC_KEY_SIZE, hex);
	json_array_foreach(s->requests, i, e) {
		k = json_string_value(json_object_get(e, "public_key"));
		if (k != NULL && strcasecmp(k, hex) == 0)
			return e;
	}
	return NULL;
}

static void
add_from_session(struct session *s, const char *address, const char *msg)
{
	char	 line[512];
	json_t	*r;

	snprintf(line, sizeof(line), "{\"cmd\":\"add\",\"address\":\"%s\","
	    "\"message\":\"%s\"}", address, msg);
	r = bh_cmd(&s->b, line, T_REPLY);
	if (r == NULL || !json_is_true(json_object_get(r, "ok"))) {
		bh_dump_log(&s->b);
		fail_msg("%s: add: %s", s->name, r == NULL ? "no reply" :
		    json_string_value(json_object_get(r, "error")));
	}
	json_decref(r);
}

/* The texts of the ring: every one different, so none can stand in for
 * another. */
#define MSG_AX	"A (bulkhead) to X (libtoxcore), over the onion"
#define MSG_XB	"X (libtoxcore) to B (bulkhead): found you"
#define MSG_BY	"B (bulkhead) to Y (libtoxcore): found you too"
#define MSG_YA	"Y (libtoxcore) to A (bulkhead): the ring is closed"

struct ring {
	int	got[4];		/* A->X, X->B, B->Y, Y->A arrived */
	int	right[4];	/* and with exactly the text sent */
};

static int
tox_got(const struct toxpeer *t, const uint8_t *from, const char *msg,
    int *right)
{
	const struct toxpeer_req	*r = toxpeer_request_from(t, from);

	if (r == NULL)
		return 0;
	*right = r->len == strlen(msg) && memcmp(r->msg, msg, r->len) == 0;
	if (!*right)
		fprintf(stderr, "%s got '%.*s'\n", t->name, (int)r->len,
		    (const char *)r->msg);
	return 1;
}

static int
session_got(const struct session *s, const uint8_t *from, const char *msg,
    int *right)
{
	json_t		*e = session_request_from(s, from);
	const char	*text;

	if (e == NULL)
		return 0;
	text = json_string_value(json_object_get(e, "message"));
	*right = text != NULL && strcmp(text, msg) == 0;
	if (!*right)
		fprintf(stderr, "%s got '%s'\n", s->name, text ? text : "?");
	return 1;
}

static int
ring_done(struct mixnet *m, struct ring *g, uint64_t start)
{
	static const char *const what[4] = { "A->X", "X->B", "B->Y", "Y->A" };
	int	i, was[4];

	memcpy(was, g->got, sizeof(was));
	if (!g->got[0])
		g->got[0] = tox_got(&m->t[0], m->s[0].pk, MSG_AX,
		    &g->right[0]);
	if (!g->got[1])
		g->got[1] = session_got(&m->s[1], m->t[0].pk, MSG_XB,
		    &g->right[1]);
	if (!g->got[2])
		g->got[2] = tox_got(&m->t[1], m->s[1].pk, MSG_BY,
		    &g->right[2]);
	if (!g->got[3])
		g->got[3] = session_got(&m->s[0], m->t[1].pk, MSG_YA,
		    &g->right[3]);
	for (i = 0; i < 4; i++)
		if (g->got[i] && !was[i])
			fprintf(stderr, "%s arrived after %llu ms\n", what[i],
			    (unsigned long long)(mono_ms() - start));
	return g->got[0] && g->got[1] && g->got[2] && g->got[3];
}

/*
 * How many of the other clients host h has spoken to directly (its ARP
 * table has them): the nodes really were apart, each at its own address,
 * and learned of each other from the network, not from the test.
 */
static int
clients_met(int h)
{
	int	c, n = 0, r;

	for (c = H_A; c < H_N; c++) {
		if (c == h)
			continue;
		if ((r = netbridge_neighbour(&nb, h, host_addr[c])) == -1)
			return -1;
		n += r;
	}
	return n;
}

static void
every_client_announces_and_is_found(void **state)
{
	struct ring	 g;
	uint64_t	 start, deadline;
	int		 i, on, ring, met[H_N];

	memset(&g, 0, sizeof(g));
	assert_int_equal(netbridge_enter(&nb, H_BSD), 0);
	assert_int_equal(bootstrapd_start(&net.bsd, PORT), 0);
	assert_int_equal(netbridge_leave(&nb), 0);
	session_start(&net.s[0], "A", H_A, net.bsd.key);
	session_start(&net.s[1], "B", H_B, net.bsd.key);
	client_start(&net.t[0], "X", H_X, net.bsd.key);
	client_start(&net.t[1], "Y", H_Y, net.bsd.key);

	/* 1: everyone on the network, announced */
	start = mono_ms();
	deadline = start + T_ON;
	while (!(on = all_on(&net)) && mono_ms() < deadline)
		step(&net);
	fprintf(stderr, "on after %llu ms: A %d B %d X %d Y %d "
	    "(2 = UDP)\n", (unsigned long long)(mono_ms() - start),
	    net.s[0].announced, net.s[1].announced, (int)net.t[0].conn,
	    (int)net.t[1].conn);

	/* 2: the ring, every request to someone who never heard of us */
	ring = 0;
	if (on) {
		add_from_session(&net.s[0], net.t[0].address_hex, MSG_AX);
		assert_int_equal(toxpeer_add(&net.t[0], net.s[1].id, MSG_XB),
		    0);
		add_from_session(&net.s[1], net.t[1].address_hex, MSG_BY);
		assert_int_equal(toxpeer_add(&net.t[1], net.s[0].id, MSG_YA),
		    0);
		start = mono_ms();
		deadline = start + T_RING;
		while (!(ring = ring_done(&net, &g, start)) &&
		    mono_ms() < deadline)
			step(&net);
	}
	for (i = H_A; i < H_N; i++) {
		met[i] = clients_met(i);
		fprintf(stderr, "%s (%s) spoke directly with %d of the other "
		    "3 clients\n", i == H_A ? "A" : i == H_B ? "B" : i == H_X ?
		    "X" : "Y", host_addr[i], met[i]);
	}
	if (!on || !ring)
		for (i = 0; i < 2; i++) {
			fprintf(stderr, "==== session %s\n", net.s[i].name);
			bh_dump_log(&net.s[i].b);
		}
	assert_true(net.s[0].announced);
	assert_true(net.s[1].announced);
	assert_int_equal(net.t[0].conn, TOX_CONNECTION_UDP);
	assert_int_equal(net.t[1].conn, TOX_CONNECTION_UDP);
	for (i = 0; i < 4; i++) {
		if (!g.got[i])
			fail_msg("request %d of the ring (A->X, X->B, B->Y, "
			    "Y->A) never arrived", i);
		if (!g.right[i])
			fail_msg("request %d of the ring arrived with another "
			    "text", i);
	}
	for (i = H_A; i < H_N; i++)
		assert_true(met[i] >= 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(every_client_announces_and_is_found,
		    stop_all),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
