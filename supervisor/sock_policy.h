/*
 * The stream-socket broker's policy, pure: no I/O, time as now_ms.  The
 * supervisor asks it, for each SOCK_OPEN from netd, where to connect, if
 * anywhere, and counts opens so that a compromised netd cannot use the
 * supervisor to open sockets without bound.
 *
 * Direct mode: a public unicast address is allowed (netd connects to
 * relays it has a key for: that check is netd's code, not the kernel's).
 * Loopback, private (RFC 1918, 100.64/10, fc00::/7), link-local,
 * multicast, unspecified, broadcast and the other special ranges are
 * refused unless address and port are exactly those of a relay the user
 * configured with --tcp-relay.  Proxy mode: the address asked is ignored
 * and the answer is always the proxy (netd does the proxy handshake to
 * the real target through it).
 */
#ifndef BULKHEAD_SUP_SOCK_POLICY_H
#define BULKHEAD_SUP_SOCK_POLICY_H

#include <stddef.h>
#include <stdint.h>

#define SOCK_MAX_RELAYS		16	/* --tcp-relay entries kept */
#define SOCK_OPENS_PER_MIN	60	/* opens netd may ask per minute */
#define SOCK_MAX_OPEN		64	/* handed sockets netd may hold */
#define SOCK_WINDOW_MS		60000

/* An address as SOCK_OPEN carries it: family 4 or 6, IPv4 in addr[0..3]. */
struct sock_addr {
	uint8_t		family;
	uint8_t		addr[16];
	uint16_t	port;
};

struct sock_policy {
	int			proxy;		/* 1: everything to the proxy */
	struct sock_addr	proxy_addr;
	struct sock_addr	relays[SOCK_MAX_RELAYS];	/* literal IPs */
	size_t			nrelays;
};

/* Why an open was refused (logged by the broker; errno to netd). */
enum sock_verdict {
	SOCK_OK = 0,
	SOCK_NOT_PUBLIC,	/* special address, not a configured relay */
	SOCK_BAD_FAMILY,
	SOCK_RATE,		/* too many opens this minute */
	SOCK_TOO_MANY,		/* too many sockets held */
};

/* 1 if a is a public unicast address (none of the ranges above). */
int	sock_addr_public(const struct sock_addr *a);
/*
 * Where to connect for asked: *to is filled with the address to connect
 * (asked itself, or the proxy) and SOCK_OK returned, or a refusal.
 */
enum sock_verdict sock_policy_decide(const struct sock_policy *,
	    const struct sock_addr *asked, struct sock_addr *to);

/*
 * The counts: opens per fixed minute window, and the sockets netd holds,
 * known by their inodes (the broker drops those netd closed, seen in
 * /proc, before it asks again when the table is full).
 */
struct sock_limit {
	uint64_t	window_start;
	unsigned	opens;			/* in this window */
	int		logged;			/* the rate refusal, once */
	uint64_t	ino[SOCK_MAX_OPEN];	/* 0: a free slot */
	size_t		nheld;
};

void	sock_limit_reset(struct sock_limit *);
/* SOCK_OK if one more open may go ahead now, counting it; else
 * SOCK_RATE or SOCK_TOO_MANY (nothing counted). */
enum sock_verdict sock_limit_take(struct sock_limit *, uint64_t now_ms);
/* Records a handed socket's inode (after sock_limit_take). */
void	sock_limit_hand(struct sock_limit *, uint64_t ino);
/* Forgets every held inode for which still(ino, arg) is 0. */
void	sock_limit_prune(struct sock_limit *,
	    int (*still)(uint64_t ino, void *arg), void *arg);
/* A short name for a verdict, for the log. */
const char *sock_verdict_str(enum sock_verdict);

#endif
