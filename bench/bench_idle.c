/*
 * Idle cost of a node on the DHT, bulkhead against libtoxcore 0.2.18, in
 * one run: both bootstrap from the same local tox-bootstrapd; once joined,
 * each is left alone for a fixed window and its wakeups (context switches)
 * and CPU time are read from /proc.  bulkhead's loops sleep until the next
 * deadline; libtoxcore's documented loop wakes every
 * tox_iteration_interval().  libtoxcore also runs its onion client in that
 * time, which bulkhead does not have yet: the numbers say what each costs
 * as built, not feature for feature.
 */
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tox/tox.h>
#include <unistd.h>

#include "common/hex.h"
#include "tests/lib/bh.h"
#include "tests/lib/bootstrapd.h"

#define WARMUP_S	15
#define WINDOW_S	30

struct cost {
	long	switches;	/* voluntary + involuntary */
	long	ticks;		/* utime + stime */
};

static int
cost_of(pid_t pid, struct cost *c)
{
	char	path[64], line[256], buf[1024], *p;
	FILE	*f;
	long	v;
	int	i;

	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "voluntary_ctxt_switches: %ld", &v) == 1 ||
		    sscanf(line, "nonvoluntary_ctxt_switches: %ld", &v) == 1)
			c->switches += v;
	fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), f) == NULL) {
		fclose(f);
		return -1;
	}
	fclose(f);
	/* fields after the ")" of comm: utime is the 12th, stime the 13th */
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	for (i = 0, p = strtok(p + 2, " "); p != NULL && i < 13;
	    i++, p = strtok(NULL, " "))
		if (i == 11 || i == 12)
			c->ticks += atol(p);
	return 0;
}

static pid_t
libtoxcore_node(const struct bootstrapd *d, int port)
{
	struct Tox_Options	*o;
	uint8_t			 key[32];
	pid_t			 pid;
	Tox			*t;

	if ((pid = fork()) != 0)
		return pid;
	o = tox_options_new(NULL);
	tox_options_set_ipv6_enabled(o, false);
	tox_options_set_local_discovery_enabled(o, false);
	tox_options_set_start_port(o, (uint16_t)port);
	tox_options_set_end_port(o, (uint16_t)port);
	if ((t = tox_new(o, NULL)) == NULL)
		_exit(1);
	hex_decode(d->key, 64, key, sizeof(key));
	tox_bootstrap(t, "127.0.0.1", (uint16_t)d->port, key, NULL);
	for (;;) {			/* the loop tox.h prescribes */
		tox_iterate(t, NULL);
		usleep(tox_iteration_interval(t) * 1000);
	}
}

int
main(void)
{
	struct bootstrapd	 d;
	struct cost		 b0, b1, t0, t1, all0[5], all1[5];
	struct bh		 b;
	char			 bs[160];
	const char		*args[] = { bs, NULL };
	const char		*roles[] = { "bulkhead", "keyd", "netd",
	    "mediad", "frontend" };
	json_t			*st, *ev;
	pid_t			 netd, tox, pids[5];
	double			 hz = (double)sysconf(_SC_CLK_TCK);
	long			 bs_sw = 0, bs_tk = 0;
	int			 base = 45000 + (int)(getpid() % 400) * 4, i;

	if (bootstrapd_start(&d, base) == -1) {
		fprintf(stderr, "tox-bootstrapd did not start\n");
		return 1;
	}
	snprintf(bs, sizeof(bs), "--bootstrap=127.0.0.1:%d:%s", base, d.key);
	if (bh_start(&b, args) == -1)
		return 1;
	tox = libtoxcore_node(&d, base + 2);
	while ((ev = bh_event(&b, "dht", 60000)) != NULL) {
		int udp = strcmp(json_string_value(json_object_get(ev,
		    "state")), "udp") == 0;

		json_decref(ev);
		if (udp)
			break;
	}
	if (ev == NULL) {
		fprintf(stderr, "bulkhead never joined\n");
		return 1;
	}
	st = bh_cmd(&b, "{\"cmd\":\"status\"}", 15000);
	for (i = 0; i < 5; i++)
		pids[i] = bh_role_pid(st, roles[i]);
	json_decref(st);
	netd = pids[2];
	sleep(WARMUP_S);
	cost_of(netd, &b0);
	cost_of(tox, &t0);
	for (i = 0; i < 5; i++)
		cost_of(pids[i], &all0[i]);
	sleep(WINDOW_S);
	cost_of(netd, &b1);
	cost_of(tox, &t1);
	for (i = 0; i < 5; i++) {
		cost_of(pids[i], &all1[i]);
		bs_sw += all1[i].switches - all0[i].switches;
		bs_tk += all1[i].ticks - all0[i].ticks;
	}
	kill(tox, SIGKILL);
	waitpid(tox, NULL, 0);
	bh_stop(&b);
	bootstrapd_stop(&d);

	printf("idle on the DHT for %d s (after %d s warm-up):\n", WINDOW_S,
	    WARMUP_S);
	printf("  bulkhead netd:      %6.1f wakeups/s  %7.1f ms CPU\n",
	    (double)(b1.switches - b0.switches) / WINDOW_S,
	    (double)(b1.ticks - b0.ticks) * 1000 / hz);
	printf("  bulkhead, all five: %6.1f wakeups/s  %7.1f ms CPU\n",
	    (double)bs_sw / WINDOW_S, (double)bs_tk * 1000 / hz);
	printf("  libtoxcore node:    %6.1f wakeups/s  %7.1f ms CPU\n",
	    (double)(t1.switches - t0.switches) / WINDOW_S,
	    (double)(t1.ticks - t0.ticks) * 1000 / hz);
	printf("  ratio of wakeups, bulkhead (all five) / libtoxcore: %.2f\n",
	    t1.switches - t0.switches > 0 ? (double)bs_sw /
	    (double)(t1.switches - t0.switches) : 0.0);
	return 0;
}
