/*
 * netd's net_crypto connection table: a script of operations on one
 * engine with four friends.  Raw packets from a handful of addresses,
 * and, so that the fuzzer gets past the MACs, 0x1a built on a cookie we
 * made (for a friend or a stranger, at some age) and 0x19 sealed by a
 * friend's DHT key with the echo id the engine asked for; keyd's answers
 * (NC_HS_MADE, NC_STATE), data out, DHT key changes, friends removed and
 * time going by.  Invariants: no callback names anyone but a friend in
 * the table, data goes up only from the address it came from once that
 * is tied, the table's fields stay in range, and ncc_tick() never
 * returns a deadline already past.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "netd/nc_conn.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NF	4	/* friends */
#define NS	2	/* strangers */
#define NADDR	6

static struct dht_keys	us, peer_dk[NF][2];
static uint8_t		real[NF + NS][32];
static struct ip_port	addrs[NADDR];
static struct ncc	t;
static const struct ip_port *cur_src;
static int		ready;

static void
check_pk(const uint8_t pk[32])
{
	if (ncc_find(&t, pk) == NULL)
		abort();
}

static void
cb_send(void *arg, const struct ip_port *a, const uint8_t *p, size_t len)
{
	if (len == 0 || len > NC_PACKET_MAX || !ipp_isset(a))
		abort();
}

static int
cb_addr(void *arg, const uint8_t dht_pk[32], struct ip_port *out)
{
	*out = addrs[dht_pk[0] % NADDR];
	return dht_pk[1] & 1;
}

static void
cb_hs_make(void *arg, const uint8_t pk[32], const uint8_t c[112],
    const uint8_t o[112])
{
	check_pk(pk);
}

static void
cb_hs_in(void *arg, const uint8_t pk[32], const uint8_t dht[32], int w,
    const uint8_t o[112], const uint8_t *pkt)
{
	check_pk(pk);
	if (pkt[0] != NC_HS_KIND)
		abort();
}

static void
cb_data_in(void *arg, const uint8_t pk[32], const uint8_t *p, size_t len)
{
	struct ncc_friend	*f = ncc_find(&t, pk);

	if (f == NULL || cur_src == NULL || f->naddr == 0 ||
	    !ipp_equal(&f->addr[0], cur_src) ||
	    (f->st != NCC_NOT_CONFIRMED && f->st != NCC_ESTABLISHED))
		abort();
}

static void
cb_abort(void *arg, const uint8_t pk[32])
{
	check_pk(pk);
}

static void
cb_dht_changed(void *arg, const uint8_t pk[32], const uint8_t dht[32])
{
	check_pk(pk);
}

static const struct ncc_cb	cbs = {
	.send = cb_send, .addr = cb_addr, .hs_make = cb_hs_make,
	.hs_in = cb_hs_in, .data_in = cb_data_in, .abort = cb_abort,
	.dht_changed = cb_dht_changed,
};

static void
init(void)
{
	uint8_t	pk[32], sk[32], ip[4] = { 10, 0, 0, 0 };
	int	i, j;

	if (ready)
		return;
	if (sodium_init() < 0)
		abort();
	memset(sk, 1, sizeof(sk));
	crypto_scalarmult_base(pk, sk);
	dht_keys_init_with(&us, pk, sk);
	for (i = 0; i < NF; i++)
		for (j = 0; j < 2; j++) {
			memset(sk, 16 + 2 * i + j, sizeof(sk));
			crypto_scalarmult_base(pk, sk);
			dht_keys_init_with(&peer_dk[i][j], pk, sk);
		}
	for (i = 0; i < NF + NS; i++)
		memset(real[i], 0x40 + i, 32);
	for (i = 0; i < NADDR; i++) {
		ip[3] = (uint8_t)(i + 1);
		if (ipp_set(&addrs[i], ip, 4, (uint16_t)(33445 + i)) != 0)
			abort();
	}
	ready = 1;
}

struct in {
	const uint8_t	*p;
	size_t		 n;
};

static uint8_t
byte(struct in *in)
{
	uint8_t	b;

	if (in->n == 0)
		return 0;
	b = *in->p++;
	in->n--;
	return b;
}

/* Up to max bytes of input into out, the rest zero. */
static size_t
take(struct in *in, uint8_t *out, size_t want)
{
	size_t	n = want < in->n ? want : in->n;

	memcpy(out, in->p, n);
	memset(out + n, 0, want - n);
	in->p += n;
	in->n -= n;
	return want;
}

static void
check_table(uint64_t now, uint64_t next)
{
	const struct ncc_friend	*f;
	int			 i;

	if (next != 0 && next <= now)
		abort();
	for (i = 0; i < NCC_MAX; i++) {
		f = &t.f[i];
		if (!f->used)
			continue;
		if (f->st >= NCC_ST_COUNT || f->naddr > NCC_ADDRS ||
		    (f->temp_len != 0 && f->temp_len != NC_REQ_LEN &&
		    f->temp_len != NC_HS_LEN))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in		 in = { data, size };
	struct nc_cookie_ids	 ids;
	struct ncc_friend	*f;
	struct nc_hs		 hs;
	uint8_t			 pkt[NC_PACKET_MAX + 8], cookie[NC_COOKIE_LEN];
	uint8_t			 echo[NC_ECHO_LEN], key[32], nonce[24];
	uint64_t		 now = 1000000, age;
	size_t			 len;
	int			 i, who, ops = 0;

	init();
	ncc_init(&t, &us, real[NF], &cbs, NULL);
	memset(t.secret, 3, sizeof(t.secret));
	for (i = 0; i < NF; i++) {
		if (ncc_friend_set(&t, real[i], 1, now) != 0 ||
		    ncc_friend_dht(&t, real[i], peer_dk[i][0].pk, now) != 1)
			abort();
	}
	check_table(now, ncc_tick(&t, now));
	while (in.n > 0 && ops++ < 200) {
		cur_src = NULL;
		switch (byte(&in) % 9) {
		case 0:		/* a raw packet */
			cur_src = &addrs[byte(&in) % NADDR];
			len = byte(&in);
			len = (len << 8 | byte(&in)) % (NC_PACKET_MAX + 8);
			len = take(&in, pkt, len);
			ncc_udp_in(&t, cur_src, pkt, len, now);
			break;
		case 1:		/* 0x1a on a cookie of ours */
			who = byte(&in) % (NF + NS);
			memcpy(ids.real_pk, real[who], 32);
			memcpy(ids.dht_pk, who < NF ?
			    peer_dk[who][byte(&in) & 1].pk : real[who], 32);
			age = (uint64_t)byte(&in) * 100;
			if (nc_cookie_make(t.secret, now - age, &ids,
			    cookie) != 0)
				abort();
			cur_src = &addrs[byte(&in) % NADDR];
			pkt[0] = NC_HS_KIND;
			memcpy(pkt + 1, cookie, NC_COOKIE_LEN);
			take(&in, pkt + 1 + NC_COOKIE_LEN,
			    NC_HS_LEN - 1 - NC_COOKIE_LEN);
			ncc_udp_in(&t, cur_src, pkt, NC_HS_LEN, now);
			break;
		case 2:		/* 0x19 from a friend's DHT key */
			i = byte(&in) % NF;
			f = ncc_find(&t, real[i]);
			take(&in, cookie, sizeof(cookie));
			if (f != NULL && (byte(&in) & 1))
				memcpy(echo, f->echo, sizeof(echo));
			else
				take(&in, echo, sizeof(echo));
			if (nc_cookie_resp_pack(&peer_dk[i][byte(&in) & 1],
			    us.pk, cookie, echo, pkt, sizeof(pkt)) !=
			    NC_RESP_LEN)
				abort();
			cur_src = &addrs[byte(&in) % NADDR];
			ncc_udp_in(&t, cur_src, pkt, NC_RESP_LEN, now);
			break;
		case 3:		/* keyd's handshake */
			who = byte(&in) % (NF + NS);
			f = ncc_find(&t, real[who]);
			memset(&hs, 0, sizeof(hs));
			memset(key, 5, sizeof(key));
			memset(nonce, 6, sizeof(nonce));
			take(&in, cookie, sizeof(cookie));
			if (f != NULL && (byte(&in) & 1))
				memcpy(cookie, f->made_cookie, sizeof(cookie));
			if (nc_hs_build(key, cookie, nonce, &hs, pkt,
			    sizeof(pkt)) != NC_HS_LEN)
				abort();
			ncc_hs_made(&t, real[who], pkt, NC_HS_LEN, now);
			break;
		case 4:		/* keyd's word */
			who = byte(&in) % (NF + NS);
			ncc_state(&t, real[who], byte(&in) % 6, now);
			break;
		case 5:		/* keyd's data */
			who = byte(&in) % (NF + NS);
			len = take(&in, pkt, byte(&in) * 6 % sizeof(pkt));
			ncc_data_out(&t, real[who], pkt, len);
			break;
		case 6:		/* time */
			now += (uint64_t)byte(&in) * 37 + 1;
			check_table(now, ncc_tick(&t, now));
			break;
		case 7:		/* DHT-PK */
			who = byte(&in) % (NF + NS);
			ncc_friend_dht(&t, real[who],
			    peer_dk[who % NF][byte(&in) & 1].pk, now);
			break;
		case 8:		/* friend added or removed */
			who = byte(&in) % NF;
			ncc_friend_set(&t, real[who], byte(&in) & 1, now);
			break;
		}
		check_table(now, 0);
	}
	for (i = NF; i < NF + NS; i++)
		if (ncc_find(&t, real[i]) != NULL)
			abort();
	return 0;
}
