/* netd's net_crypto connection table: see nc_conn.h. */
#include <string.h>

#include <sodium.h>

#include "netd/nc_conn.h"

/* Deadlines are never 0: 0 means "nothing due". */
#define STAMP(t)	((t) != 0 ? (t) : 1)

static const char *const st_names[NCC_ST_COUNT] = {
	[NCC_NONE] = "none",
	[NCC_COOKIE_REQUESTING] = "cookie_requesting",
	[NCC_HANDSHAKE_SENT] = "handshake_sent",
	[NCC_NOT_CONFIRMED] = "not_confirmed",
	[NCC_ESTABLISHED] = "established",
};

const char *
ncc_st_name(int st)
{
	if (st < 0 || st >= NCC_ST_COUNT)
		return "?";
	return st_names[st];
}

void
ncc_init(struct ncc *t, struct dht_keys *dk, const uint8_t self_pk[NC_PK_LEN],
    const struct ncc_cb *cb, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->dk = dk;
	memcpy(t->self_pk, self_pk, NC_PK_LEN);
	randombytes_buf(t->secret, sizeof(t->secret));
	t->cb = *cb;
	t->arg = arg;
}

void
ncc_wipe(struct ncc *t)
{
	sodium_memzero(t->secret, sizeof(t->secret));
}

struct ncc_friend *
ncc_find(struct ncc *t, const uint8_t pk[NC_PK_LEN])
{
	int	i;

	for (i = 0; i < NCC_MAX; i++)
		if (t->f[i].used && memcmp(t->f[i].pk, pk, NC_PK_LEN) == 0)
			return &t->f[i];
	return NULL;
}

static void
set_st(struct ncc *t, struct ncc_friend *f, int st)
{
	if (f->st != st)
		t->stats.reached[st]++;
	f->st = st;
}

/* The address goes first (it spoke last); the oldest falls off. */
static void
tie(struct ncc_friend *f, const struct ip_port *a)
{
	int	i, n = f->naddr;

	for (i = 0; i < f->naddr; i++)
		if (ipp_equal(&f->addr[i], a)) {
			n = i;
			break;
		}
	if (n == NCC_ADDRS)
		n = NCC_ADDRS - 1;
	memmove(&f->addr[1], &f->addr[0], n * sizeof(f->addr[0]));
	f->addr[0] = *a;
	if (n == f->naddr)
		f->naddr++;
}

static int
tied(const struct ncc_friend *f, const struct ip_port *a)
{
	int	i;

	for (i = 0; i < f->naddr; i++)
		if (ipp_equal(&f->addr[i], a))
			return 1;
	return 0;
}

static uint64_t
backoff_ms(const struct ncc_friend *f)
{
	uint64_t	ms = NCC_BACKOFF_MIN_MS;
	int		i;

	for (i = 1; i < f->backoff && ms < NCC_BACKOFF_MAX_MS; i++)
		ms *= 2;
	return ms < NCC_BACKOFF_MAX_MS ? ms : NCC_BACKOFF_MAX_MS;
}

/* One more failure in a row; the wait stops growing at the maximum. */
static void
backoff_up(struct ncc_friend *f)
{
	if (f->backoff < 16)
		f->backoff++;
}

/*
 * Back to no connection, as c-toxcore's connection_kill: addresses, temp
 * packet and keyd's half session go (abort says so unless keyd itself
 * ended it).  A new attempt is due at `due` (0: never, no DHT key).
 */
static void
reset(struct ncc *t, struct ncc_friend *f, int tell_keyd, uint64_t due)
{
	if (tell_keyd && f->keyd && t->cb.abort != NULL)
		t->cb.abort(t->arg, f->pk);
	f->keyd = 0;
	f->made_asked = 0;
	f->tries = 0;
	f->naddr = 0;
	f->temp_len = 0;
	memset(f->pend, 0, sizeof(f->pend));
	set_st(t, f, NCC_NONE);
	f->due = f->want && f->has_dht ? STAMP(due) : 0;
}

/* One send of the temp packet, to the newest tied address. */
static void
send_temp(struct ncc *t, struct ncc_friend *f, uint64_t now)
{
	f->tries++;
	f->due = STAMP(now + NCC_SEND_MS);
	if (f->temp_len == 0 || f->naddr == 0)
		return;		/* keyd has not answered yet: the try counts */
	t->cb.send(t->arg, &f->addr[0], f->temp, f->temp_len);
	if (f->temp[0] == NC_COOKIE_REQ_KIND)
		t->stats.cookie_req_sent++;
	else
		t->stats.hs_sent++;
}

/* An address for the friend's DHT key, then our 0x18 to it. */
static void
start(struct ncc *t, struct ncc_friend *f, uint64_t now)
{
	struct ip_port	a;
	int		n;

	memset(&a, 0, sizeof(a));
	if (t->cb.addr == NULL || !t->cb.addr(t->arg, f->dht_pk, &a) ||
	    !ipp_isset(&a)) {
		f->due = STAMP(now + NCC_ADDR_RETRY_MS);
		return;
	}
	randombytes_buf(f->echo, sizeof(f->echo));
	n = nc_cookie_req_pack(t->dk, f->dht_pk, t->self_pk, f->echo, f->temp,
	    sizeof(f->temp));
	if (n < 0) {		/* a DHT key libsodium refuses */
		backoff_up(f);
		f->due = STAMP(now + backoff_ms(f));
		return;
	}
	f->temp_len = n;
	f->naddr = 0;
	/* As c-toxcore's set_direct_ip_port: the DHT's address is tied. */
	tie(f, &a);
	f->tries = 0;
	f->made_asked = 0;
	set_st(t, f, NCC_COOKIE_REQUESTING);
	t->stats.attempts++;
	send_temp(t, f, now);
}

int
ncc_friend_set(struct ncc *t, const uint8_t pk[NC_PK_LEN], int want,
    uint64_t now)
{
	struct ncc_friend	*f = ncc_find(t, pk);
	int			 i;

	if (!want) {
		if (f == NULL)
			return -1;
		reset(t, f, 1, 0);
		memset(f, 0, sizeof(*f));
		return 0;
	}
	if (f != NULL)
		return 0;
	for (i = 0; i < NCC_MAX && f == NULL; i++)
		if (!t->f[i].used)
			f = &t->f[i];
	if (f == NULL)
		return -1;
	memset(f, 0, sizeof(*f));
	f->used = 1;
	f->want = 1;
	memcpy(f->pk, pk, NC_PK_LEN);
	return 0;
}

int
ncc_friend_dht(struct ncc *t, const uint8_t pk[NC_PK_LEN],
    const uint8_t dht_pk[NC_PK_LEN], uint64_t now)
{
	struct ncc_friend	*f = ncc_find(t, pk);

	if (f == NULL)
		return -1;
	if (f->has_dht && memcmp(f->dht_pk, dht_pk, NC_PK_LEN) == 0)
		return 0;
	memcpy(f->dht_pk, dht_pk, NC_PK_LEN);
	f->has_dht = 1;
	t->stats.dht_changes++;
	/* An established session outlives a DHT key (c-toxcore too). */
	if (f->st != NCC_ESTABLISHED) {
		f->backoff = 0;
		reset(t, f, 1, now);
	}
	return 1;
}

static int
pend_live(const struct ncc_pend *p, uint64_t now)
{
	return p->used && now <= p->at + NC_COOKIE_TIMEOUT_MS;
}

/* 1 if a handshake (one keyd is to answer, if want_reply) is out. */
static int
pend_any(const struct ncc_friend *f, uint64_t now, int want_reply)
{
	int	i;

	for (i = 0; i < NCC_PEND; i++)
		if (pend_live(&f->pend[i], now) &&
		    (!want_reply || f->pend[i].want_reply))
			return 1;
	return 0;
}

/* The same sender again refreshes its entry; else the oldest goes. */
static void
pend_add(struct ncc_friend *f, const uint8_t dht_pk[NC_PK_LEN],
    const struct ip_port *from, int want_reply, uint64_t now)
{
	struct ncc_pend	*p, *slot = NULL;
	int		 i;

	for (i = 0; i < NCC_PEND; i++) {
		p = &f->pend[i];
		if (p->used && ipp_equal(&p->from, from) &&
		    memcmp(p->dht_pk, dht_pk, NC_PK_LEN) == 0) {
			slot = p;
			break;
		}
		if (!p->used) {
			if (slot == NULL || slot->used)
				slot = p;
		} else if (slot == NULL || (slot->used && p->at < slot->at))
			slot = p;
	}
	memset(slot, 0, sizeof(*slot));
	slot->used = 1;
	slot->want_reply = want_reply;
	memcpy(slot->dht_pk, dht_pk, NC_PK_LEN);
	slot->from = *from;
	slot->at = now;
}

/*
 * keyd opened one of the handshakes out for f (it answered one, or said
 * NOT_CONFIRMED); which one, it does not say.  A stranger can only get a
 * cookie for a DHT key of its own (it must open the 0x19), so one that
 * names the DHT key we know is the friend's: if there is one, only those
 * count.  Otherwise, if all name the same new DHT key, it is the friend's
 * new one (dht_changed); if they differ, no key is taken (the friend's
 * DHT-PK will say) but every sender's address is tied, so that the
 * friend's data gets through to keyd, which checks it.  Tied newest last,
 * so the newest is the one data goes to.
 */
static void
adopt(struct ncc *t, struct ncc_friend *f, uint64_t now)
{
	struct ncc_pend	*p, *one = NULL, *order[NCC_PEND];
	int		 i, j, n = 0, known = 0, same = 1, fresh = 0;

	for (i = 0; i < NCC_PEND; i++) {
		p = &f->pend[i];
		if (!pend_live(p, now))
			continue;
		if (!p->taken)
			fresh = 1;
		if (f->has_dht && memcmp(p->dht_pk, f->dht_pk, NC_PK_LEN) == 0)
			known = 1;
		else if (one != NULL &&
		    memcmp(one->dht_pk, p->dht_pk, NC_PK_LEN) != 0)
			same = 0;
		else
			one = p;
	}
	if (!fresh && !known && one == NULL)
		return;
	if (fresh)
		t->stats.hs_taken++;
	if (!known && one != NULL) {
		if (same) {
			memcpy(f->dht_pk, one->dht_pk, NC_PK_LEN);
			f->has_dht = 1;
			f->naddr = 0;
			t->stats.dht_changes++;
			if (t->cb.dht_changed != NULL)
				t->cb.dht_changed(t->arg, f->pk, f->dht_pk);
		} else
			t->stats.hs_unsure++;
	}
	for (i = 0; i < NCC_PEND; i++) {
		p = &f->pend[i];
		if (!pend_live(p, now) || (known &&
		    memcmp(p->dht_pk, f->dht_pk, NC_PK_LEN) != 0))
			continue;
		p->taken = 1;
		for (j = n; j > 0 && order[j - 1]->at > p->at; j--)
			order[j] = order[j - 1];
		order[j] = p;
		n++;
	}
	for (i = 0; i < n; i++)
		tie(f, &order[i]->from);
}

static void
cookie_request(struct ncc *t, const struct ip_port *src, const uint8_t *pkt,
    size_t len, uint64_t now)
{
	uint8_t	out[NC_RESP_LEN];

	if (nc_cookie_answer(t->dk, t->secret, now, pkt, len, out,
	    sizeof(out)) != NC_RESP_LEN) {
		t->stats.drop[NCC_DROP_REQ]++;
		return;
	}
	t->cb.send(t->arg, src, out, sizeof(out));
	t->stats.cookie_answered++;
}

/*
 * A 0x19 counts only from an address tied to an attempt still asking
 * (c-toxcore routes by address too), under the DHT key we asked and with
 * our echo id.  Matching the address first keeps a flood of 0x19 from
 * costing one box open per friend.
 */
static void
cookie_response(struct ncc *t, const struct ip_port *src, const uint8_t *pkt,
    size_t len, uint64_t now)
{
	struct ncc_friend	*f;
	struct nc_cookie_ids	 ids;
	uint8_t			 cookie[NC_COOKIE_LEN], echo[NC_ECHO_LEN];
	uint8_t			 other[NC_COOKIE_LEN];
	int			 i;

	if (len != NC_RESP_LEN) {
		t->stats.drop[NCC_DROP_SIZE]++;
		return;
	}
	for (i = 0; i < NCC_MAX; i++) {
		f = &t->f[i];
		if (!f->used || f->st != NCC_COOKIE_REQUESTING ||
		    !tied(f, src))
			continue;
		if (nc_cookie_resp_open(t->dk, f->dht_pk, pkt, len, cookie,
		    echo) != 0 ||
		    sodium_memcmp(echo, f->echo, NC_ECHO_LEN) != 0)
			continue;
		memcpy(ids.real_pk, f->pk, NC_PK_LEN);
		memcpy(ids.dht_pk, f->dht_pk, NC_PK_LEN);
		if (nc_cookie_make(t->secret, now, &ids, other) != 0)
			break;
		memcpy(f->made_cookie, cookie, NC_COOKIE_LEN);
		f->made_asked = 1;
		f->keyd = 1;
		tie(f, src);
		/* No temp packet until keyd's handshake: the tries count. */
		f->temp_len = 0;
		f->tries = 0;
		f->due = STAMP(now + NCC_SEND_MS);
		set_st(t, f, NCC_HANDSHAKE_SENT);
		t->cb.hs_make(t->arg, f->pk, cookie, other);
		return;
	}
	t->stats.drop[NCC_DROP_RESP]++;
}

/*
 * A 0x1a: our cookie outside names the sender; what c-toxcore would do
 * with it (handle_new_connection_handshake, handle_packet_crypto_hs) is
 * asked of keyd, and takes effect here when keyd shows it opened.
 */
static void
handshake(struct ncc *t, const struct ip_port *src, const uint8_t *pkt,
    size_t len, uint64_t now)
{
	struct ncc_friend	*f;
	struct nc_cookie_ids	 ids;
	uint8_t			 cookie[NC_HS_COOKIE_LEN];
	uint8_t			 other[NC_COOKIE_LEN];
	int			 new_dht, want_reply;

	if (nc_hs_split(pkt, len, cookie) != 0) {
		t->stats.drop[NCC_DROP_SIZE]++;
		return;
	}
	if (nc_cookie_open(t->secret, now, cookie, &ids) != 0) {
		t->stats.drop[NCC_DROP_COOKIE]++;
		return;
	}
	f = ncc_find(t, ids.real_pk);
	if (f == NULL || !f->want) {
		t->stats.drop[NCC_DROP_STRANGER]++;
		return;
	}
	new_dht = !f->has_dht ||
	    memcmp(f->dht_pk, ids.dht_pk, NC_PK_LEN) != 0;
	if (new_dht)
		want_reply = 1;		/* a new connection, as c-toxcore */
	else {
		switch (f->st) {
		case NCC_NONE:
		case NCC_COOKIE_REQUESTING:
			want_reply = 1;
			break;
		case NCC_HANDSHAKE_SENT:
			want_reply = 0;	/* ours is being resent already */
			break;
		case NCC_NOT_CONFIRMED:
			if (!tied(f, src)) {
				t->stats.drop[NCC_DROP_UNTIED]++;
				return;
			}
			want_reply = 0;
			break;
		default:
			t->stats.drop[NCC_DROP_HS_STATE]++;
			return;
		}
	}
	if (nc_cookie_make(t->secret, now, &ids, other) != 0)
		return;
	pend_add(f, ids.dht_pk, src, want_reply, now);
	f->keyd = 1;
	t->stats.hs_in++;
	t->cb.hs_in(t->arg, f->pk, ids.dht_pk, want_reply, other, pkt);
}

/* gotcha 19: data only from an address tied to a keyed connection. */
static void
data(struct ncc *t, const struct ip_port *src, const uint8_t *pkt, size_t len)
{
	struct ncc_friend	*f;
	int			 i;

	if (len < NCC_DATA_MIN || len > NCC_DATA_MAX) {
		t->stats.drop[NCC_DROP_SIZE]++;
		return;
	}
	for (i = 0; i < NCC_MAX; i++) {
		f = &t->f[i];
		if (!f->used || !tied(f, src))
			continue;
		if (f->st != NCC_NOT_CONFIRMED && f->st != NCC_ESTABLISHED) {
			t->stats.drop[NCC_DROP_DATA_STATE]++;
			return;
		}
		if (f->st == NCC_ESTABLISHED && !ipp_equal(&f->addr[0], src) &&
		    t->cb.where != NULL)
			t->cb.where(t->arg, f->pk, f->dht_pk, src);
		tie(f, src);
		t->stats.data_in++;
		t->cb.data_in(t->arg, f->pk, pkt, len);
		return;
	}
	t->stats.drop[NCC_DROP_UNTIED]++;
}

void
ncc_udp_in(struct ncc *t, const struct ip_port *src, const uint8_t *pkt,
    size_t len, uint64_t now)
{
	if (len == 0) {
		t->stats.drop[NCC_DROP_SIZE]++;
		return;
	}
	switch (pkt[0]) {
	case NC_COOKIE_REQ_KIND:
		cookie_request(t, src, pkt, len, now);
		break;
	case NC_COOKIE_RESP_KIND:
		cookie_response(t, src, pkt, len, now);
		break;
	case NC_HS_KIND:
		handshake(t, src, pkt, len, now);
		break;
	case NC_DATA_KIND:
		data(t, src, pkt, len);
		break;
	default:
		t->stats.drop[NCC_DROP_KIND]++;
		break;
	}
}

/*
 * keyd's handshake answers either the cookie we passed to hs_make (its
 * outer cookie is that one) or a handshake we passed with want_reply
 * (then keyd opened it: the candidate counts).
 */
int
ncc_hs_made(struct ncc *t, const uint8_t pk[NC_PK_LEN], const uint8_t *pkt,
    size_t len, uint64_t now)
{
	struct ncc_friend	*f = ncc_find(t, pk);

	if (f == NULL || len != NC_HS_LEN || pkt[0] != NC_HS_KIND)
		goto drop;
	if (f->made_asked && (f->st == NCC_HANDSHAKE_SENT ||
	    f->st == NCC_NOT_CONFIRMED) &&
	    memcmp(pkt + 1, f->made_cookie, NC_COOKIE_LEN) == 0)
		f->made_asked = 0;
	else if (pend_any(f, now, 1)) {
		adopt(t, f, now);
		memset(f->pend, 0, sizeof(f->pend));
		set_st(t, f, NCC_NOT_CONFIRMED);
	} else
		goto drop;
	memcpy(f->temp, pkt, NC_HS_LEN);
	f->temp_len = NC_HS_LEN;
	f->tries = 0;
	send_temp(t, f, now);
	return 0;
drop:
	t->stats.drop[NCC_DROP_MADE]++;
	return -1;
}

int
ncc_state(struct ncc *t, const uint8_t pk[NC_PK_LEN], int st, uint64_t now)
{
	struct ncc_friend	*f = ncc_find(t, pk);
	int			 i;

	if (f == NULL)
		return -1;
	switch (st) {
	case NCC_NONE:
		if (f->st == NCC_ESTABLISHED)
			f->backoff = 0;
		else if (f->st != NCC_NONE)
			backoff_up(f);
		reset(t, f, 0, f->backoff ? now + backoff_ms(f) : now);
		return 0;
	case NCC_NOT_CONFIRMED:
		/* Keys come from a handshake in each direction, ours too. */
		if (!pend_any(f, now, 0) && f->st < NCC_HANDSHAKE_SENT)
			return -1;
		if (pend_any(f, now, 0)) {
			adopt(t, f, now);
			/* Those keyd answers with a handshake stay for it. */
			for (i = 0; i < NCC_PEND; i++)
				if (!f->pend[i].want_reply)
					memset(&f->pend[i], 0,
					    sizeof(f->pend[i]));
		}
		if (f->naddr == 0)
			return -1;	/* nowhere to send: keyd is ahead */
		set_st(t, f, NCC_NOT_CONFIRMED);
		if (f->due == 0)
			f->due = STAMP(now + NCC_SEND_MS);
		return 0;
	case NCC_ESTABLISHED:
		if (f->naddr == 0)
			return -1;
		if (f->st != NCC_ESTABLISHED && t->cb.where != NULL)
			t->cb.where(t->arg, f->pk, f->dht_pk, &f->addr[0]);
		set_st(t, f, NCC_ESTABLISHED);
		f->temp_len = 0;
		f->tries = 0;
		f->due = 0;
		f->backoff = 0;
		memset(f->pend, 0, sizeof(f->pend));
		return 0;
	default:
		return -1;
	}
}

int
ncc_resume(struct ncc *t, const uint8_t pk[NC_PK_LEN],
    const uint8_t dht_pk[NC_PK_LEN], const struct ip_port *addr,
    uint64_t now)
{
	struct ncc_friend	*f = ncc_find(t, pk);

	if (f == NULL || !f->want || !ipp_isset(addr))
		return -1;
	reset(t, f, 0, 0);
	memcpy(f->dht_pk, dht_pk, NC_PK_LEN);
	f->has_dht = 1;
	f->naddr = 0;
	tie(f, addr);
	set_st(t, f, NCC_ESTABLISHED);
	f->keyd = 1;		/* keyd holds the session */
	f->due = 0;
	return 0;
}

int
ncc_data_out(struct ncc *t, const uint8_t pk[NC_PK_LEN], const uint8_t *pkt,
    size_t len)
{
	struct ncc_friend	*f = ncc_find(t, pk);

	if (f == NULL || f->naddr == 0 || len < NCC_DATA_MIN ||
	    len > NCC_DATA_MAX || pkt[0] != NC_DATA_KIND ||
	    (f->st != NCC_NOT_CONFIRMED && f->st != NCC_ESTABLISHED))
		return -1;
	t->cb.send(t->arg, &f->addr[0], pkt, len);
	t->stats.data_out++;
	return 0;
}

uint64_t
ncc_next(const struct ncc *t)
{
	uint64_t	next = 0;
	int		i;

	for (i = 0; i < NCC_MAX; i++)
		if (t->f[i].used && t->f[i].due != 0 &&
		    (next == 0 || t->f[i].due < next))
			next = t->f[i].due;
	return next;
}

int
ncc_kick(struct ncc *t, const uint8_t dht_pk[NC_PK_LEN], uint64_t now)
{
	struct ncc_friend	*f;
	int			 i, n = 0;

	for (i = 0; i < NCC_MAX; i++) {
		f = &t->f[i];
		/* Not one in backoff: only the wait for an address ends. */
		if (!f->used || !f->want || !f->has_dht || f->st != NCC_NONE ||
		    f->backoff != 0 || f->due <= now ||
		    memcmp(f->dht_pk, dht_pk, NC_PK_LEN) != 0)
			continue;
		f->due = STAMP(now);
		n++;
	}
	return n;
}

void
ncc_count(const struct ncc *t, unsigned int n[NCC_ST_COUNT])
{
	int	i;

	memset(n, 0, NCC_ST_COUNT * sizeof(n[0]));
	for (i = 0; i < NCC_MAX; i++)
		if (t->f[i].used && t->f[i].st < NCC_ST_COUNT)
			n[t->f[i].st]++;
}

uint64_t
ncc_tick(struct ncc *t, uint64_t now)
{
	struct ncc_friend	*f;
	int			 i;

	for (i = 0; i < NCC_MAX; i++) {
		f = &t->f[i];
		if (!f->used || f->due == 0 || f->due > now)
			continue;
		switch (f->st) {
		case NCC_NONE:
			if (f->want && f->has_dht)
				start(t, f, now);
			else
				f->due = 0;
			break;
		case NCC_COOKIE_REQUESTING:
		case NCC_HANDSHAKE_SENT:
		case NCC_NOT_CONFIRMED:
			if (f->tries < NCC_TRIES) {
				send_temp(t, f, now);
				break;
			}
			/* kill_timedout: 8 sends and still not established */
			t->stats.timeouts++;
			backoff_up(f);
			reset(t, f, 1, now + backoff_ms(f));
			break;
		default:
			f->due = 0;
			break;
		}
	}
	return ncc_next(t);
}
