/* The stream-socket broker's policy: see sock_policy.h. */
#include <string.h>

#include "supervisor/sock_policy.h"

/* A prefix of an address: the first bits bits must equal net's. */
struct prefix {
	uint8_t	net[16];
	int	bits;
};

/* IPv4 ranges no relay of the internet lives in (RFC 6890 and kin). */
static const struct prefix special4[] = {
	{ { 0 }, 8 },			/* "this network", 0.0.0.0 */
	{ { 10 }, 8 },			/* RFC 1918 */
	{ { 100, 64 }, 10 },		/* carrier-grade NAT, RFC 6598 */
	{ { 127 }, 8 },			/* loopback */
	{ { 169, 254 }, 16 },		/* link-local */
	{ { 172, 16 }, 12 },		/* RFC 1918 */
	{ { 192, 0, 0 }, 24 },		/* IETF protocol assignments */
	{ { 192, 0, 2 }, 24 },		/* TEST-NET-1 */
	{ { 192, 168 }, 16 },		/* RFC 1918 */
	{ { 198, 18 }, 15 },		/* benchmarking */
	{ { 198, 51, 100 }, 24 },	/* TEST-NET-2 */
	{ { 203, 0, 113 }, 24 },	/* TEST-NET-3 */
	{ { 224 }, 4 },			/* multicast */
	{ { 240 }, 4 },			/* reserved, and 255.255.255.255 */
};

static const struct prefix special6[] = {
	{ { 0 }, 96 },			/* ::, ::1, IPv4-compatible */
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff }, 96 },	/* mapped */
	{ { 0x00, 0x64, 0xff, 0x9b }, 96 },	/* NAT64: an IPv4 inside */
	{ { 0x01, 0x00 }, 64 },		/* discard-only */
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32 },	/* documentation */
	{ { 0x20, 0x02 }, 16 },		/* 6to4: an IPv4 inside */
	{ { 0xfc }, 7 },		/* unique local, fc00::/7 */
	{ { 0xfe, 0x80 }, 10 },		/* link-local */
	{ { 0xfe, 0xc0 }, 10 },		/* site-local (deprecated) */
	{ { 0xff }, 8 },		/* multicast */
};

static int
in_prefix(const uint8_t *a, const struct prefix *p)
{
	int	full = p->bits / 8, rest = p->bits % 8;
	uint8_t	mask;

	if (memcmp(a, p->net, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (p->net[full] & mask);
}

int
sock_addr_public(const struct sock_addr *a)
{
	const struct prefix	*tab;
	size_t			 n, i;

	if (a->family == 4) {
		tab = special4;
		n = sizeof(special4) / sizeof(special4[0]);
	} else if (a->family == 6) {
		tab = special6;
		n = sizeof(special6) / sizeof(special6[0]);
	} else
		return 0;
	for (i = 0; i < n; i++)
		if (in_prefix(a->addr, &tab[i]))
			return 0;
	return 1;
}

static int
same(const struct sock_addr *a, const struct sock_addr *b)
{
	size_t	len = a->family == 4 ? 4 : 16;

	return a->family == b->family && a->port == b->port &&
	    memcmp(a->addr, b->addr, len) == 0;
}

enum sock_verdict
sock_policy_decide(const struct sock_policy *p, const struct sock_addr *asked,
    struct sock_addr *to)
{
	size_t	i;

	if (asked->family != 4 && asked->family != 6)
		return SOCK_BAD_FAMILY;
	if (p->proxy) {
		*to = p->proxy_addr;
		return SOCK_OK;
	}
	for (i = 0; i < p->nrelays && i < SOCK_MAX_RELAYS; i++)
		if (same(asked, &p->relays[i])) {
			*to = *asked;
			return SOCK_OK;
		}
	if (!sock_addr_public(asked) || asked->port == 0)
		return SOCK_NOT_PUBLIC;
	*to = *asked;
	return SOCK_OK;
}

void
sock_limit_reset(struct sock_limit *l)
{
	memset(l, 0, sizeof(*l));
}

enum sock_verdict
sock_limit_take(struct sock_limit *l, uint64_t now_ms)
{
	if (l->window_start == 0 || now_ms < l->window_start ||
	    now_ms - l->window_start >= SOCK_WINDOW_MS) {
		l->window_start = now_ms == 0 ? 1 : now_ms;
		l->opens = 0;
		l->logged = 0;
	}
	if (l->opens >= SOCK_OPENS_PER_MIN)
		return SOCK_RATE;
	if (l->nheld >= SOCK_MAX_OPEN)
		return SOCK_TOO_MANY;
	l->opens++;
	return SOCK_OK;
}

void
sock_limit_hand(struct sock_limit *l, uint64_t ino)
{
	size_t	i;

	for (i = 0; i < SOCK_MAX_OPEN; i++)
		if (l->ino[i] == 0) {
			l->ino[i] = ino == 0 ? 1 : ino;
			l->nheld++;
			return;
		}
}

void
sock_limit_prune(struct sock_limit *l, int (*still)(uint64_t, void *),
    void *arg)
{
	size_t	i;

	for (i = 0; i < SOCK_MAX_OPEN; i++)
		if (l->ino[i] != 0 && !still(l->ino[i], arg)) {
			l->ino[i] = 0;
			l->nheld--;
		}
}

const char *
sock_verdict_str(enum sock_verdict v)
{
	switch (v) {
	case SOCK_OK:
		return "ok";
	case SOCK_NOT_PUBLIC:
		return "not a public address, nor a configured relay";
	case SOCK_BAD_FAMILY:
		return "not IPv4 or IPv6";
	case SOCK_RATE:
		return "too many opens this minute";
	case SOCK_TOO_MANY:
		return "too many sockets held";
	}
	return "?";
}
