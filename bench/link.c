/* The bench's impaired link: see link.h. */
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_tun.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/link.h"
#include "bench/netns.h"

#define HELD_MAX	8192	/* per lane: 160 ms of 50 000 packets/s */
/*
 * The held packets go in lanes, each a FIFO whose times only grow: lane
 * 0 only waits the delay; with a bottleneck, lane 1 + s is the queue
 * from side s to the other (what crosses within a side takes lane 0).
 */
#define LANES		3
#define PKT_MAX		2048	/* the TUN's MTU is 1500 */
#define READ_BURST	64	/* per host per round: no host starves */

struct held {
	long long	due_ns;
	uint16_t	len;
	uint8_t		from, to;
	uint8_t		data[PKT_MAX];
};

/* What the relay saw, printed when it stops. */
struct relay_counts {
	unsigned long long	in, out, lost, full, stray, werr;
	long long		busy_ns[2];	/* each way's queue sends until */
	int			peak;
};

static volatile sig_atomic_t	relay_stop;

static long long
mono_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
link_init(struct link *l)
{
	memset(l, 0, sizeof(*l));
	l->relay = -1;
	l->home = -1;
	l->counts = mmap(NULL, sizeof(*l->counts), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (l->counts == MAP_FAILED) {
		l->counts = NULL;
		warn("mmap");
		return -1;
	}
	if ((l->home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) ==
	    -1) {
		warn("/proc/self/ns/net");
		return -1;
	}
	return 0;
}

int
link_enter(const struct link *l, int h)
{
	char	path[96];
	int	fd, rc;

	snprintf(path, sizeof(path), "/run/netns/%s", l->ns[h]);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		warn("%s", path);
		return -1;
	}
	if ((rc = setns(fd, CLONE_NEWNET)) == -1)
		warn("setns %s", path);
	close(fd);
	return rc;
}

int
link_leave(const struct link *l)
{
	if (setns(l->home, CLONE_NEWNET) == -1) {
		warn("setns home");
		return -1;
	}
	return 0;
}

/* The TUN device tun0 in the current namespace, non-blocking. */
static int
tun_open(void)
{
	struct ifreq	ifr;
	int		fd;

	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) ==
	    -1) {
		warn("/dev/net/tun");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "tun0");
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		warn("TUNSETIFF");
		close(fd);
		return -1;
	}
	return fd;
}

int
link_host(struct link *l, const char *prefix, const char *addr)
{
	char	cidr[24];
	int	h = l->n;

	if (h >= LINK_HOSTS)
		return -1;
	snprintf(l->ns[h], sizeof(l->ns[h]), "%s-%d", prefix, h);
	snprintf(l->addr[h], sizeof(l->addr[h]), "%s", addr);
	snprintf(cidr, sizeof(cidr), "%s/24", addr);
	l->tun[h] = -1;
	if (netns_ip("netns", "add", l->ns[h], NULL) == -1)
		return -1;
	l->n++;
	if (link_enter(l, h) == -1)
		return -1;
	l->tun[h] = tun_open();
	if (link_leave(l) == -1 || l->tun[h] == -1)
		return -1;
	/* no IPv6 link-local address: the host's one address is addr */
	if (netns_ip("-n", l->ns[h], "link", "set", "lo", "up", NULL) == -1 ||
	    netns_ip("-n", l->ns[h], "link", "set", "tun0", "addrgenmode",
	    "none", NULL) == -1 ||
	    netns_ip("-n", l->ns[h], "addr", "add", cidr, "dev", "tun0",
	    NULL) == -1 ||
	    netns_ip("-n", l->ns[h], "link", "set", "tun0", "up", NULL) == -1)
		return -1;
	return h;
}

static void
on_term(int sig)
{
	(void)sig;
	relay_stop = 1;
}

/* xorshift64*: a fixed seed, so every run loses the same packets. */
static uint64_t
prng(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

struct lane {
	struct held	*q;
	int		 head, len;
};

/* Reads what host h sent, up to READ_BURST packets, into the lanes. */
static void
relay_read(const struct link *l, const uint32_t *addr, int h,
    struct lane *lanes, uint64_t *seed, struct relay_counts *c)
{
	struct lane	*ln;
	uint8_t		 buf[PKT_MAX];
	struct held	*p;
	uint32_t	 dst;
	long long	 now;
	ssize_t		 r;
	int		 i, k, to, way;

	for (k = 0; k < READ_BURST; k++) {
		if ((r = read(l->tun[h], buf, sizeof(buf))) <= 0)
			return;
		c->in++;
		to = -1;
		if (r >= 20 && buf[0] >> 4 == 4) {
			memcpy(&dst, buf + 16, 4);
			for (i = 0; i < l->n; i++)
				if (addr[i] == dst)
					to = i;
		}
		if (to == -1) {
			c->stray++;
			continue;
		}
		if (l->loss_ppm > 0 &&
		    (int)(prng(seed) % 1000000) < l->loss_ppm) {
			c->lost++;
			continue;
		}
		way = l->rate > 0 && l->side[h] != l->side[to] ?
		    l->side[h] : -1;
		ln = &lanes[way + 1];
		if (ln->len == HELD_MAX) {
			c->full++;
			continue;
		}
		now = mono_ns();
		if (way >= 0) {
			/* one at a time through this way's queue; a packet
			 * that finds it full is dropped (tail drop) */
			if (c->busy_ns[way] < now)
				c->busy_ns[way] = now;
			if (c->busy_ns[way] - now > (long long)l->queue_ms *
			    1000000LL) {
				c->full++;
				continue;
			}
			c->busy_ns[way] += (long long)r * 1000000000LL /
			    l->rate;
			now = c->busy_ns[way];
		}
		p = &ln->q[(ln->head + ln->len) % HELD_MAX];
		p->due_ns = now + (long long)l->delay_ms * 1000000LL;
		p->len = (uint16_t)r;
		p->from = (uint8_t)h;
		p->to = (uint8_t)to;
		memcpy(p->data, buf, (size_t)r);
		if (++ln->len > c->peak)
			c->peak = ln->len;
	}
}

/* Writes every packet whose time has come; arms tfd for the next. */
static void
relay_deliver(const struct link *l, int tfd, struct lane *lanes,
    struct relay_counts *c)
{
	struct itimerspec	 its;
	struct held		*p;
	struct lane		*ln;
	long long		 now = mono_ns(), next = 0;
	int			 k;

	for (k = 0; k < LANES; k++) {
		ln = &lanes[k];
		while (ln->len > 0 && (p = &ln->q[ln->head])->due_ns <= now) {
			if (write(l->tun[p->to], p->data, p->len) == p->len) {
				c->out++;
				l->counts->bytes[p->from][p->to] += p->len;
			} else
				c->werr++;
			ln->head = (ln->head + 1) % HELD_MAX;
			ln->len--;
		}
		if (ln->len > 0 && (next == 0 || ln->q[ln->head].due_ns < next))
			next = ln->q[ln->head].due_ns;
	}
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = next / 1000000000LL;
	its.it_value.tv_nsec = next % 1000000000LL;
	(void)timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void __attribute__((noreturn))
relay(const struct link *l)
{
	struct epoll_event	 ev, evs[LINK_HOSTS + 1];
	struct relay_counts	 c;
	struct sigaction	 sa;
	struct lane		 lanes[LANES];
	uint32_t		 addr[LINK_HOSTS];
	uint64_t		 seed = 0x9E3779B97F4A7C15ULL, junk;
	int			 ep, tfd, i, n;

	memset(&c, 0, sizeof(c));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;	/* no SA_RESTART: epoll_wait returns */
	sigaction(SIGTERM, &sa, NULL);
	for (i = 0; i < l->n; i++)
		if (inet_pton(AF_INET, l->addr[i], &addr[i]) != 1)
			errx(1, "link: %s", l->addr[i]);
	memset(lanes, 0, sizeof(lanes));
	for (i = 0; i < LANES; i++)
		if ((lanes[i].q = calloc(HELD_MAX, sizeof(struct held))) ==
		    NULL)
			err(1, "link: relay");
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    (tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK |
	    TFD_CLOEXEC)) == -1)
		err(1, "link: relay");
	for (i = 0; i <= l->n; i++) {
		ev.events = EPOLLIN;
		ev.data.u32 = (uint32_t)i;	/* l->n: the timer */
		if (epoll_ctl(ep, EPOLL_CTL_ADD, i < l->n ? l->tun[i] : tfd,
		    &ev) == -1)
			err(1, "link: epoll_ctl");
	}
	while (!relay_stop) {
		if ((n = epoll_wait(ep, evs, LINK_HOSTS + 1, -1)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "link: epoll_wait");
		}
		for (i = 0; i < n; i++) {
			if ((int)evs[i].data.u32 == l->n) {
				if (read(tfd, &junk, sizeof(junk)) == -1 &&
				    errno != EAGAIN)
					err(1, "link: timerfd");
			} else
				relay_read(l, addr, (int)evs[i].data.u32,
				    lanes, &seed, &c);
		}
		relay_deliver(l, tfd, lanes, &c);
	}
	fprintf(stderr, "bench: link: %llu packets in, %llu out; lost %llu "
	    "(the link's loss), %llu to a full queue, %llu not for a host, "
	    "%llu not written; at most %d held\n", c.in, c.out, c.lost, c.full,
	    c.stray, c.werr, c.peak);
	_exit(0);
}

void
link_bottleneck(struct link *l, long rate, int queue_ms, const int *side)
{
	int	h;

	l->rate = rate;
	l->queue_ms = queue_ms;
	for (h = 0; h < l->n; h++)
		l->side[h] = side != NULL ? side[h] != 0 : 0;
}

int
link_start(struct link *l, int delay_ms, int loss_ppm)
{
	int	h;

	l->delay_ms = delay_ms;
	l->loss_ppm = loss_ppm;
	if ((l->relay = fork()) == -1) {
		warn("fork");
		return -1;
	}
	if (l->relay == 0)
		relay(l);
	/* the relay holds the TUNs alone: they go when it does */
	for (h = 0; h < l->n; h++) {
		close(l->tun[h]);
		l->tun[h] = -1;
	}
	return 0;
}

void
link_free(struct link *l)
{
	int	h;

	if (l->relay > 0) {
		kill(l->relay, SIGTERM);
		waitpid(l->relay, NULL, 0);
		l->relay = -1;
	}
	for (h = 0; h < l->n; h++) {
		if (l->tun[h] != -1)
			close(l->tun[h]);
		if (netns_remove(l->ns[h]) == -1)
			warnx("could not remove %s", l->ns[h]);
	}
	l->n = 0;
	if (l->counts != NULL)
		munmap(l->counts, sizeof(*l->counts));
	l->counts = NULL;
	if (l->home != -1)
		close(l->home);
	l->home = -1;
}
