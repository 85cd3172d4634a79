/*
 * An impaired link for the bench, made in userspace: this kernel has no
 * netem (no qdisc that delays) and no nftables queue.  Every host is a
 * network namespace whose one interface besides lo is a TUN device with
 * the host's address, and one relay process holds every TUN descriptor.
 * It reads each IPv4 packet a host sends, drops it with the link's loss
 * probability, holds the rest for the link's one-way delay (in order: a
 * FIFO and one timerfd at its head) and writes it into the TUN device of
 * the host that owns the destination address.  Nothing is rewritten: each
 * node sees its peers' real addresses, as across a router.
 *
 * The relay is the link's only bottleneck besides the hosts' own CPU: a
 * packet it cannot take yet waits in the sender's TUN queue, and one that
 * finds its queue full is dropped there (the kernel's tail drop).  It
 * counts what it forwarded and dropped and prints that when stopped.
 *
 * A child starts in its parent's namespace and a socket belongs to the
 * one its maker was in: to run a node on host h, link_enter(h), start it
 * (fork and exec, or tox_new in this process), link_leave().
 */
#ifndef BULKHEAD_BENCH_LINK_H
#define BULKHEAD_BENCH_LINK_H

#include <sys/types.h>

#define LINK_HOSTS	8

/* What went through, per sender and receiver host (shared with the
 * relay: read it while the link runs). */
struct link_counts {
	unsigned long long	bytes[LINK_HOSTS][LINK_HOSTS];
};

struct link {
	int	home;			/* the caller's namespace */
	int	n;
	char	ns[LINK_HOSTS][48];	/* names under /run/netns */
	char	addr[LINK_HOSTS][16];
	int	tun[LINK_HOSTS];
	pid_t	relay;
	int	delay_ms;
	int	loss_ppm;		/* per packet, each way */
	long	rate;			/* bytes/s each way between the two
					   sides; 0: no bottleneck */
	int	queue_ms;		/* ... a queue holds this much of it */
	int	side[LINK_HOSTS];	/* 0 or 1 */
	struct link_counts *counts;	/* delivered (MAP_SHARED) */
};

/* Remembers the current namespace as home.  0, or -1 (printed why). */
int	link_init(struct link *);
/* A new host prefix-N with addr/24 on its TUN.  Its number, or -1. */
int	link_host(struct link *, const char *prefix, const char *addr);
/*
 * Forks the relay: one-way delay_ms, loss in parts per million.  Before
 * it, link_bottleneck (optional) splits the hosts into two sides (side[h]:
 * 0 or 1, for each host made) joined by a line of rate bytes a second each
 * way: whatever crosses from one side to the other waits in that way's
 * queue, which drops what finds it queue_ms full.  Flows that cross the
 * same way compete there, as on a shared uplink; their acks come back
 * through the other way's queue.
 */
void	link_bottleneck(struct link *, long rate, int queue_ms,
	    const int *side);
int	link_start(struct link *, int delay_ms, int loss_ppm);
int	link_enter(const struct link *, int h);
int	link_leave(const struct link *);
/* Stops the relay (it prints its counts), ends whatever still runs on
 * a host and removes the hosts. */
void	link_free(struct link *);

#endif
