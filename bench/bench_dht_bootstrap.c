/*
 * Time to join the DHT, ours against libtoxcore 0.2.18, both
 * bootstrapping from the same local tox-bootstrapd at the same moment.
 *
 * "Joined" is measured the same way for both, from outside: the moment
 * tox-bootstrapd hands the node out when asked for the nodes closest to
 * its DHT key (it hands out only nodes it has listed as good, i.e. that
 * answered its pings).  Our engine's own udp-connected time is printed
 * too; libtoxcore does not expose its DHT state (its self connection
 * status needs the onion and is never UDP on loopback).
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <tox/tox.h>

#include "common/mono.h"
#include "netd/dht.h"
#include "netd/dht_packet.h"
#include "netd/udp.h"

#define DEADLINE_MS	60000

static struct udp	ours_u, probe_u;
static struct dht_keys	probe_k;
static uint16_t		base, bs_port;
static uint8_t		bs_pk[32];
static struct ip_port	bs_addr;

static int
ours_send(void *arg, const struct ip_port *to, const uint8_t *p, size_t len)
{
	if (to->family != IPP_V4 || to->ip[0] != 127)
		return -1;	/* loopback only */
	return udp_send(&ours_u, to, p, len);
}

static pid_t
start_bootstrapd(const char *dir)
{
	char	conf[512], path[128], keys[128], arg[160];
	uint8_t	buf[64];
	FILE	*f;
	pid_t	pid;
	int	fd, i;

	(void)snprintf(path, sizeof(path), "%s/conf", dir);
	(void)snprintf(keys, sizeof(keys), "%s/keys", dir);
	(void)snprintf(conf, sizeof(conf), "port = %u\nkeys_file_path = "
	    "\"%s\"\npid_file_path = \"%s/pid\"\nenable_ipv6 = false\n"
	    "enable_ipv4_fallback = true\nenable_lan_discovery = false\n"
	    "enable_tcp_relay = false\nenable_motd = false\n"
	    "bootstrap_nodes = ()\n", bs_port, keys, dir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(conf, f);
	fclose(f);
	if ((pid = fork()) == 0) {
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(fd, 2);
		(void)snprintf(arg, sizeof(arg), "--config=%s", path);
		execlp("tox-bootstrapd", "tox-bootstrapd", arg, "--foreground",
		    "--log-backend=stdout", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100; i++) {
		if ((fd = open(keys, O_RDONLY)) != -1) {
			if (read(fd, buf, sizeof(buf)) == sizeof(buf)) {
				close(fd);
				memcpy(bs_pk, buf, 32);
				usleep(200000);
				return pid;
			}
			close(fd);
		}
		usleep(50000);
	}
	kill(pid, SIGTERM);
	return -1;
}

/* Asks the daemon for the nodes closest to key (answer read later). */
static void
probe(const uint8_t *key)
{
	struct dht_nodes_req	q;
	uint8_t			pkt[DHT_NODES_REQ_LEN];
	int			n;

	memcpy(q.search_pk, key, 32);
	randombytes_buf(q.ping_id, 8);
	n = dhtp_nodes_req_pack(&probe_k, bs_pk, &q, pkt, sizeof(pkt));
	if (n > 0)
		(void)udp_send(&probe_u, &bs_addr, pkt, (size_t)n);
}

/* 1 if an answer lists key. */
static int
probe_saw(const uint8_t *a, const uint8_t *b, int *sa, int *sb)
{
	struct dht_nodes_resp	r;
	struct ip_port		from;
	uint8_t			pkt[UDP_MAX_DGRAM], pk[32];
	ssize_t			n;
	int			i;

	while ((n = udp_recv(&probe_u, pkt, sizeof(pkt), &from)) != 0) {
		if (n < 0 || dhtp_nodes_resp_parse(&probe_k, pkt, (size_t)n,
		    pk, &r) == -1)
			continue;
		for (i = 0; i < r.n; i++) {
			*sa |= memcmp(r.nodes[i].pk, a, 32) == 0;
			*sb |= memcmp(r.nodes[i].pk, b, 32) == 0;
		}
	}
	return 0;
}

int
main(void)
{
	char			 dir[] = "/tmp/bh-bench-dht-XXXXXX", cmd[96];
	struct packed_node	 bn;
	struct Tox_Options	*opt;
	struct dht		*d;
	Tox			*t;
	uint8_t			 buf[UDP_MAX_DGRAM], tox_id[32];
	struct ip_port		 from;
	uint64_t		 t0, now, next = 0, last_probe = 0;
	uint64_t		 ours_conn = UINT64_MAX, ours_seen = 0, tox_seen = 0;
	pid_t			 bs;
	ssize_t			 n;
	int			 sa = 0, sb = 0, rc = 1;

	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		return 1;
	base = (uint16_t)(44000 + (getpid() % 300) * 20);
	bs_port = base;
	static const uint8_t lo[4] = { 127, 0, 0, 1 };
	(void)ipp_set(&bs_addr, lo, 4, bs_port);
	if ((bs = start_bootstrapd(dir)) == -1) {
		fprintf(stderr, "bench: cannot start tox-bootstrapd\n");
		return 1;
	}
	dht_keys_init(&probe_k);
	if (udp_open(&ours_u, 1, (uint16_t)(base + 1), (uint16_t)(base + 9)) ||
	    udp_open(&probe_u, 0, (uint16_t)(base + 10),
	    (uint16_t)(base + 14)))
		goto out;
	opt = tox_options_new(NULL);
	tox_options_set_local_discovery_enabled(opt, false);
	tox_options_set_ipv6_enabled(opt, false);
	tox_options_set_start_port(opt, (uint16_t)(base + 15));
	tox_options_set_end_port(opt, (uint16_t)(base + 19));
	t = tox_new(opt, NULL);
	tox_options_free(opt);
	if (t == NULL)
		goto out;
	tox_self_get_dht_id(t, tox_id);

	/* Both start now. */
	t0 = mono_ms();
	d = dht_new(ours_send, NULL, t0);
	(void)ipp_to_node(&bs_addr, bs_pk, &bn);
	(void)dht_bootstrap_add(d, &bn);
	(void)tox_bootstrap(t, "127.0.0.1", bs_port, bs_pk, NULL);
	while ((now = mono_ms()) < t0 + DEADLINE_MS &&
	    (ours_seen == 0 || tox_seen == 0 || ours_conn == UINT64_MAX)) {
		while ((n = udp_recv(&ours_u, buf, sizeof(buf), &from)) != 0)
			if (n > 0)
				(void)dht_handle_packet(d, &from, buf,
				    (size_t)n, now);
		/* As netd's loop: re-arm after packets, run when due. */
		next = now >= next ? dht_tick(d, now) : dht_next_deadline(d);
		tox_iterate(t, NULL);
		if (ours_conn == UINT64_MAX && dht_connected(d))
			ours_conn = now - t0;
		probe_saw(dht_self_pk(d), tox_id, &sa, &sb);
		if (sa && ours_seen == 0)
			ours_seen = now - t0;
		if (sb && tox_seen == 0)
			tox_seen = now - t0;
		if (now >= last_probe + 50) {
			probe(dht_self_pk(d));
			probe(tox_id);
			last_probe = now;
		}
		usleep(1000);
	}
	printf("ours:       udp-connected %llu ms; listed by tox-bootstrapd "
	    "%llu ms\n", (unsigned long long)ours_conn,
	    (unsigned long long)ours_seen);
	printf("libtoxcore: listed by tox-bootstrapd %llu ms\n",
	    (unsigned long long)tox_seen);
	if (ours_seen != 0 && tox_seen != 0 && ours_conn != UINT64_MAX) {
		printf("ratio ours/libtoxcore (listed): %.2f\n",
		    (double)ours_seen / (double)tox_seen);
		rc = 0;
	} else
		printf("deadline of %d ms reached\n", DEADLINE_MS);
	dht_free(d);
	tox_kill(t);
out:
	kill(bs, SIGTERM);
	(void)waitpid(bs, NULL, 0);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench: could not remove %s\n", dir);
	return rc;
}
