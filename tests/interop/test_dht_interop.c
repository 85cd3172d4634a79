/*
 * Our DHT against c-toxcore 0.2.18 on loopback only (127.0.0.1):
 * (a) our engine, on a real UDP socket, bootstraps from tox-bootstrapd;
 * (b) a libtoxcore instance bootstraps only from our node;
 * (c) a mixed DHT of 4 of ours and 4 libtoxcore instances converges, our
 *     nodes find libtoxcore nodes by searching their DHT keys, and every
 *     libtoxcore node hands out our nodes when asked for their keys.
 * Every wait has a deadline; child processes are killed in teardown.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <sodium.h>
#include <tox/tox.h>

#include "common/mono.h"
#include "netd/dht.h"
#include "netd/dht_int.h"
#include "netd/dht_packet.h"
#include "netd/udp.h"

#define OURS_MAX	4
#define TOXES_MAX	4

struct ours {
	struct udp	 u;
	struct dht	*d;
	uint64_t	 next;
};

static struct {
	char		 dir[64];
	pid_t		 bs_pid;
	uint16_t	 base, bs_port;
	uint8_t		 bs_pk[32];
} env;

static int
ours_send(void *arg, const struct ip_port *to, const uint8_t *p, size_t len)
{
	struct ours	*o = arg;

	/* Loopback only, whatever the DHT says. */
	if (to->family != IPP_V4 || to->ip[0] != 127)
		return -1;
	return udp_send(&o->u, to, p, len);
}

static void
ours_open(struct ours *o)
{
	memset(o, 0, sizeof(*o));
	assert_int_equal(udp_open(&o->u, 1, (uint16_t)(env.base + 2),
	    (uint16_t)(env.base + 19)), 0);
	o->d = dht_new(ours_send, o, mono_ms());
	assert_non_null(o->d);
	o->next = 0;
}

static void
ours_close(struct ours *o)
{
	dht_free(o->d);
	udp_close(&o->u);
}

static void
ours_pump(struct ours *o)
{
	uint8_t		buf[UDP_MAX_DGRAM];
	struct ip_port	from;
	ssize_t		n;
	int		i;

	for (i = 0; i < 256 && (n = udp_recv(&o->u, buf, sizeof(buf),
	    &from)) != 0; i++)
		if (n > 0)
			(void)dht_handle_packet(o->d, &from, buf, (size_t)n,
			    mono_ms());
	if (mono_ms() >= o->next)
		o->next = dht_tick(o->d, mono_ms());
	else
		o->next = dht_next_deadline(o->d);
}

/* Every instance, so that a failed test still frees its ports. */
static Tox	*live[TOXES_MAX + 1];

static void
tox_stop(Tox *t)
{
	int	i;

	for (i = 0; i <= TOXES_MAX; i++)
		if (live[i] == t)
			live[i] = NULL;
	tox_kill(t);
}

static int
kill_toxes(void **state)
{
	int	i;

	for (i = 0; i <= TOXES_MAX; i++)
		if (live[i] != NULL) {
			tox_kill(live[i]);
			live[i] = NULL;
		}
	return 0;
}

static Tox *
tox_start(uint16_t port)
{
	struct Tox_Options	*opt;
	Tox			*t;
	int			 i;

	opt = tox_options_new(NULL);
	assert_non_null(opt);
	tox_options_set_local_discovery_enabled(opt, false);
	tox_options_set_ipv6_enabled(opt, false);
	tox_options_set_udp_enabled(opt, true);
	tox_options_set_start_port(opt, port);
	tox_options_set_end_port(opt, port);
	t = tox_new(opt, NULL);
	tox_options_free(opt);
	assert_non_null(t);
	for (i = 0; i <= TOXES_MAX && live[i] != NULL; i++)
		;
	if (i <= TOXES_MAX)
		live[i] = t;
	return t;
}

/* Runs everything for ms milliseconds or until done() says so. */
static int
pump(struct ours *o, int no, Tox **t, int nt, uint64_t ms,
    int (*done)(void *), void *arg)
{
	uint64_t	end = mono_ms() + ms;
	int		i;

	while (mono_ms() < end) {
		for (i = 0; i < no; i++)
			ours_pump(&o[i]);
		for (i = 0; i < nt; i++)
			tox_iterate(t[i], NULL);
		if (done != NULL && done(arg))
			return 1;
		usleep(3000);
	}
	return 0;
}

static void
loopback(struct ip_port *a, uint16_t port)
{
	static const uint8_t	lo[4] = { 127, 0, 0, 1 };

	(void)ipp_set(a, lo, 4, port);
}

static void
add_boot(struct ours *o, uint16_t port, const uint8_t *pk)
{
	struct packed_node	n;
	struct ip_port		a;

	loopback(&a, port);
	assert_int_equal(ipp_to_node(&a, pk, &n), 0);
	assert_int_equal(dht_bootstrap_add(o->d, &n), 0);
}

static int
setup(void **state)
{
	char	path[128], conf[1024];
	FILE	*f;
	int	fd, i;
	uint8_t	keys[64];

	if (sodium_init() < 0)
		return -1;
	env.base = (uint16_t)(34000 + (getpid() % 600) * 50);
	env.bs_port = env.base;
	(void)snprintf(env.dir, sizeof(env.dir), "/tmp/bh-dht-XXXXXX");
	if (mkdtemp(env.dir) == NULL)
		return -1;
	(void)snprintf(conf, sizeof(conf),
	    "port = %u\nkeys_file_path = \"%s/keys\"\n"
	    "pid_file_path = \"%s/pid\"\nenable_ipv6 = false\n"
	    "enable_ipv4_fallback = true\nenable_lan_discovery = false\n"
	    "enable_tcp_relay = false\nenable_motd = false\n"
	    "bootstrap_nodes = ()\n", env.bs_port, env.dir, env.dir);
	(void)snprintf(path, sizeof(path), "%s/conf", env.dir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(conf, f);
	fclose(f);
	if ((env.bs_pid = fork()) == -1)
		return -1;
	if (env.bs_pid == 0) {
		char	arg[160], logp[128];

		(void)snprintf(logp, sizeof(logp), "%s/log", env.dir);
		fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		(void)snprintf(arg, sizeof(arg), "--config=%s", path);
		execlp("tox-bootstrapd", "tox-bootstrapd", arg, "--foreground",
		    "--log-backend=stdout", (char *)NULL);
		_exit(127);
	}
	(void)snprintf(path, sizeof(path), "%s/keys", env.dir);
	for (i = 0; i < 100; i++) {
		if ((fd = open(path, O_RDONLY)) != -1) {
			if (read(fd, keys, sizeof(keys)) == sizeof(keys)) {
				close(fd);
				memcpy(env.bs_pk, keys, 32);
				usleep(200000);		/* let it bind */
				return 0;
			}
			close(fd);
		}
		usleep(50000);
	}
	return -1;
}

static int
teardown(void **state)
{
	char	cmd[128];

	if (env.bs_pid > 0) {
		kill(env.bs_pid, SIGTERM);
		(void)waitpid(env.bs_pid, NULL, 0);
	}
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", env.dir);
	if (env.dir[0] != '\0' && system(cmd) != 0)
		return -1;
	return 0;
}

static int
connected_cb(void *arg)
{
	return dht_connected(((struct ours *)arg)->d);
}

static void
interop_bootstrap_from_tox_bootstrapd(void **state)
{
	struct ours	o;
	uint64_t	t0;

	ours_open(&o);
	t0 = mono_ms();
	add_boot(&o, env.bs_port, env.bs_pk);
	assert_true(pump(&o, 1, NULL, 0, 20000, connected_cb, &o));
	print_message("our node: udp-connected to tox-bootstrapd in %llu ms\n",
	    (unsigned long long)(mono_ms() - t0));
	/* It is the daemon that we listed: its key, its address. */
	assert_non_null(dht_close_find(o.d, env.bs_pk));
	/* And it keeps us: still connected after more exchanges. */
	(void)pump(&o, 1, NULL, 0, 3000, NULL, NULL);
	assert_true(dht_connected(o.d));
	/* (The daemon's 0-node answers, sent while it knew nobody, count
	 * as malformed: c-toxcore drops them too.) */
	print_message("rx %llu handled %llu malformed %llu unexpected %llu\n",
	    (unsigned long long)o.d->stats.rx,
	    (unsigned long long)o.d->stats.handled,
	    (unsigned long long)o.d->stats.malformed,
	    (unsigned long long)o.d->stats.unexpected);
	ours_close(&o);
}

struct tox_wait {
	struct ours	*o;
	Tox		*t;
	uint8_t		 dht_id[32];
};

static int
tox_listed_cb(void *arg)
{
	struct tox_wait		*w = arg;
	struct dht_client	*c = dht_close_find(w->o->d, w->dht_id);

	return c != NULL && dht_client_good(w->o->d, c);
}

static int
tox_online_cb(void *arg)
{
	struct tox_wait		*w = arg;

	return tox_self_get_connection_status(w->t) != TOX_CONNECTION_NONE;
}

static void
interop_libtoxcore_bootstraps_from_us(void **state)
{
	struct tox_wait	w;
	struct ours	o;
	Tox		*t;
	uint64_t	 t0;
	TOX_ERR_BOOTSTRAP err;

	ours_open(&o);
	add_boot(&o, env.bs_port, env.bs_pk);
	assert_true(pump(&o, 1, NULL, 0, 20000, connected_cb, &o));
	t = tox_start((uint16_t)(env.base + 20));
	assert_true(tox_bootstrap(t, "127.0.0.1", o.u.port, dht_self_pk(o.d),
	    &err));
	w.o = &o;
	w.t = t;
	tox_self_get_dht_id(t, w.dht_id);
	t0 = mono_ms();
	/*
	 * libtoxcore answers our pings (so we list it), and learns the
	 * rest of the network from our nodes response only.  Its self
	 * status needs an onion announce (tox-bootstrapd stores it, via a
	 * path it built from nodes we gave it) and is TCP at best here:
	 * 0.2.18 reports UDP only with a non-LAN DHT node, and 127/8 is LAN.
	 */
	assert_true(pump(&o, 1, &t, 1, 20000, tox_listed_cb, &w));
	print_message("libtoxcore via our node only: listed by us after "
	    "%llu ms\n", (unsigned long long)(mono_ms() - t0));
	assert_true(pump(&o, 1, &t, 1, 120000, tox_online_cb, &w));
	print_message("libtoxcore via our node only: self status %d after "
	    "%llu ms\n", (int)tox_self_get_connection_status(t),
	    (unsigned long long)(mono_ms() - t0));
	tox_stop(t);
	ours_close(&o);
}

/* Asks node (pk at port) for the nodes closest to key, from a bare socket. */
static int
ask_nodes(struct ours *o, Tox **t, uint16_t port, const uint8_t *pk,
    const uint8_t *key, struct dht_nodes_resp *out)
{
	struct dht_keys		*k;
	struct dht_nodes_req	 q;
	struct udp		 u;
	struct ip_port		 to, from;
	uint8_t			 pkt[UDP_MAX_DGRAM], from_pk[32];
	uint64_t		 end;
	ssize_t			 n;
	int			 len, rv = -1;

	k = calloc(1, sizeof(*k));
	assert_non_null(k);
	dht_keys_init(k);
	assert_int_equal(udp_open(&u, 0, (uint16_t)(env.base + 40),
	    (uint16_t)(env.base + 49)), 0);
	loopback(&to, port);
	memcpy(q.search_pk, key, 32);
	randombytes_buf(q.ping_id, 8);
	len = dhtp_nodes_req_pack(k, pk, &q, pkt, sizeof(pkt));
	assert_true(len > 0);
	assert_int_equal(udp_send(&u, &to, pkt, (size_t)len), len);
	for (end = mono_ms() + 2000; mono_ms() < end && rv == -1;) {
		n = udp_recv(&u, pkt, sizeof(pkt), &from);
		if (n <= 0) {
			/* Everybody keeps running while we wait. */
			(void)pump(o, OURS_MAX, t, TOXES_MAX, 2, NULL, NULL);
			continue;
		}
		if (pkt[0] == DHT_NODES_RESP && ipp_equal(&from, &to) &&
		    dhtp_nodes_resp_parse(k, pkt, (size_t)n, from_pk, out) == 0 &&
		    memcmp(out->ping_id, q.ping_id, 8) == 0)
			rv = 0;
	}
	udp_close(&u);
	dht_keys_wipe(k);
	free(k);
	return rv;
}

struct mixed {
	struct ours	*o;
	Tox		**t;
	uint8_t		 tid[TOXES_MAX][32];
	uint16_t	 tport[TOXES_MAX];
};

static int
mixed_done(void *arg)
{
	struct mixed	*m = arg;
	struct ip_port	 a;
	int		 i, j;

	for (i = 0; i < OURS_MAX; i++)
		for (j = 0; j < TOXES_MAX; j++)
			if (!dht_search_addr(m->o[i].d, m->tid[j], &a) ||
			    a.port != m->tport[j])
				return 0;
	return 1;
}

static void
interop_mixed_dht(void **state)
{
	struct ours	o[OURS_MAX];
	Tox		*t[TOXES_MAX];
	struct mixed	 m;
	struct dht_nodes_resp r;
	int		 i, j, k, found, listed;
	uint64_t	 t0;

	for (i = 0; i < OURS_MAX; i++)
		ours_open(&o[i]);
	for (j = 0; j < TOXES_MAX; j++) {
		t[j] = tox_start((uint16_t)(env.base + 20 + j));
		tox_self_get_dht_id(t[j], m.tid[j]);
		m.tport[j] = tox_self_get_udp_port(t[j], NULL);
	}
	/*
	 * A chain, so that most nodes can only learn of each other through
	 * the DHT: o0 <- t0 <- o1 <- t1 <- o2 <- t2 <- o3 <- t3.
	 */
	for (i = 0; i < OURS_MAX; i++) {
		if (i > 0)
			add_boot(&o[i], m.tport[i - 1], m.tid[i - 1]);
		assert_true(tox_bootstrap(t[i], "127.0.0.1", o[i].u.port,
		    dht_self_pk(o[i].d), NULL));
	}
	/* Each of ours looks for every libtoxcore node's DHT key. */
	for (i = 0; i < OURS_MAX; i++)
		for (j = 0; j < TOXES_MAX; j++)
			assert_int_equal(dht_search_add(o[i].d, m.tid[j]), 0);
	m.o = o;
	m.t = t;
	t0 = mono_ms();
	assert_true(pump(o, OURS_MAX, t, TOXES_MAX, 90000, mixed_done, &m));
	print_message("mixed DHT: every one of our 4 nodes found all 4 "
	    "libtoxcore nodes' addresses by DHT key in %llu ms\n",
	    (unsigned long long)(mono_ms() - t0));
	/* Let close lists settle, then look at them from both sides. */
	(void)pump(o, OURS_MAX, t, TOXES_MAX, 8000, NULL, NULL);
	for (i = 0; i < OURS_MAX; i++) {
		listed = 0;
		for (j = 0; j < TOXES_MAX; j++) {
			struct dht_client *c = dht_close_find(o[i].d, m.tid[j]);
			listed += c != NULL && dht_client_good(o[i].d, c);
		}
		for (k = 0; k < OURS_MAX; k++) {
			struct dht_client *c;

			if (k == i)
				continue;
			c = dht_close_find(o[i].d, dht_self_pk(o[k].d));
			listed += c != NULL && dht_client_good(o[i].d, c);
		}
		print_message("our node %d lists %d of the 7 others\n", i,
		    listed);
		assert_true(listed >= 6);
	}
	/*
	 * libtoxcore finds ours: asked for the nodes closest to one of our
	 * keys, each libtoxcore node answers with that very node (it hands
	 * out only nodes it has listed as good).
	 */
	for (j = 0; j < TOXES_MAX; j++) {
		for (i = 0; i < OURS_MAX; i++) {
			for (k = 0; k < 3; k++) {
				(void)pump(o, OURS_MAX, t, TOXES_MAX, 50, NULL,
				    NULL);
				if (ask_nodes(o, t, m.tport[j], m.tid[j],
				    dht_self_pk(o[i].d), &r) == 0)
					break;
			}
			assert_true(k < 3);
			for (found = 0, k = 0; k < r.n; k++)
				found |= memcmp(r.nodes[k].pk,
				    dht_self_pk(o[i].d), 32) == 0 &&
				    r.nodes[k].port == o[i].u.port;
			assert_true(found);
		}
	}
	print_message("every libtoxcore node returned each of our nodes when "
	    "asked for its key\n");
	for (j = 0; j < TOXES_MAX; j++)
		tox_stop(t[j]);
	for (i = 0; i < OURS_MAX; i++)
		ours_close(&o[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(interop_bootstrap_from_tox_bootstrapd,
		    kill_toxes),
		cmocka_unit_test_teardown(interop_libtoxcore_bootstraps_from_us,
		    kill_toxes),
		cmocka_unit_test_teardown(interop_mixed_dht, kill_toxes),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
