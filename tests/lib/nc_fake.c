/* See nc_fake.h. */
#include <sys/socket.h>

#include <sodium.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chatd/msgr_wire.h"
#include "common/hex.h"
#include "common/toxid.h"
#include "netd/nc_cookie.h"
#include "tests/lib/lo_udp.h"
#include "tests/lib/nc_fake.h"

#define TEMP_MS		1000	/* as c-toxcore resends its temp packet */
#define ALIVE_MS	2000	/* well inside any friend timeout */
#define REQ_MS		1000

int
nc_fake_init(struct nc_fake *f, const uint8_t peer_real[32],
    const uint8_t peer_dht[32], uint16_t port)
{
	memset(f, 0, sizeof(*f));
	if (sodium_init() < 0 || (f->dk = malloc(sizeof(*f->dk))) == NULL)
		return -1;
	if ((f->s = lo_udp_socket()) == -1) {
		free(f->dk);
		return -1;
	}
	dht_keys_init(f->dk);
	crypto_box_keypair(f->real_pk, f->real_sk);
	crypto_box_keypair(f->sess_pk, f->sess_sk);
	memcpy(f->peer_real, peer_real, 32);
	memcpy(f->peer_dht, peer_dht, 32);
	f->port = port;
	if (crypto_box_beforenm(f->real_key, peer_real, f->real_sk) != 0)
		return -1;
	randombytes_buf(f->base_nonce, sizeof(f->base_nonce));
	randombytes_buf(f->echo, sizeof(f->echo));
	/* only we read the cookie we issue: random bytes will do */
	randombytes_buf(f->my_cookie, sizeof(f->my_cookie));
	f->st = FAKE_COOKIE;
	return 0;
}

void
nc_fake_restart(struct nc_fake *f)
{
	size_t	keep = offsetof(struct nc_fake, sess_pk);

	/* the socket, both real keys, our DHT key and the peer's stay */
	memset((uint8_t *)f + keep, 0, sizeof(*f) - keep);
	crypto_box_keypair(f->sess_pk, f->sess_sk);
	randombytes_buf(f->base_nonce, sizeof(f->base_nonce));
	randombytes_buf(f->echo, sizeof(f->echo));
	randombytes_buf(f->my_cookie, sizeof(f->my_cookie));
	f->st = FAKE_COOKIE;
}

void
nc_fake_free(struct nc_fake *f)
{
	if (f->s != -1)
		close(f->s);
	f->s = -1;
	free(f->dk);
	f->dk = NULL;
}

void
nc_fake_address(const struct nc_fake *f, char addr[77], char pk[65])
{
	uint8_t	a[TOX_ADDRESS_LEN], nospam[TOX_NOSPAM_LEN] = { 1, 2, 3, 4 };

	toxid_make(a, f->real_pk, nospam);
	toxid_format(a, addr);
	hex_encode(f->real_pk, 32, pk);
}

void
nc_fake_raw(struct nc_fake *f, const uint8_t *pkt, size_t len)
{
	(void)lo_udp_send(f->s, f->port, pkt, len);
}

uint32_t
nc_fake_ack(const struct nc_fake *f)
{
	return f->hold_ack ? f->held_ack : f->recv_start;
}

int
nc_fake_seal(const struct nc_fake *f, const uint8_t nonce[NC_NONCE_LEN],
    uint32_t buffer_start, uint32_t number, size_t pad, const uint8_t *body,
    size_t blen, uint8_t *out, size_t cap)
{
	static uint8_t	plain[70000];
	size_t		plen = 8 + pad + blen;

	if (plen > sizeof(plain) || cap < 3 + NC_MAC_LEN + plen)
		return -1;
	plain[0] = buffer_start >> 24;
	plain[1] = buffer_start >> 16;
	plain[2] = buffer_start >> 8;
	plain[3] = buffer_start;
	plain[4] = number >> 24;
	plain[5] = number >> 16;
	plain[6] = number >> 8;
	plain[7] = number;
	memset(plain + 8, 0, pad);
	if (blen > 0)
		memcpy(plain + 8 + pad, body, blen);
	out[0] = NC_DATA_KIND;
	out[1] = nonce[NC_NONCE_LEN - 2];
	out[2] = nonce[NC_NONCE_LEN - 1];
	crypto_box_easy_afternm(out + 3, plain, plen, nonce, f->key);
	return (int)(3 + NC_MAC_LEN + plen);
}

static int
seal_send(struct nc_fake *f, uint32_t number, const uint8_t *data,
    size_t len, uint8_t pkt[NC_PACKET_MAX])
{
	uint8_t	own[NC_PACKET_MAX];
	int	n;

	if (pkt == NULL)
		pkt = own;
	n = nc_data_seal(f->key, f->send_nonce, nc_fake_ack(f), number, data,
	    len, pkt, NC_PACKET_MAX);
	if (n > 0)
		nc_fake_raw(f, pkt, (size_t)n);
	return n;
}

long
nc_fake_put(struct nc_fake *f, const uint8_t *data, size_t len)
{
	struct fake_out	*o = &f->out[f->send_next % FAKE_KEEP];

	if (f->st != FAKE_UP || len == 0 || len > NC_DATA_MAX)
		return -1;
	o->num = f->send_next;
	o->len = (uint16_t)len;
	o->used = 1;
	memcpy(o->data, data, len);
	return (long)f->send_next++;
}

int
nc_fake_resend(struct nc_fake *f, uint32_t num)
{
	struct fake_out	*o = &f->out[num % FAKE_KEEP];

	if (!o->used || o->num != num)
		return -1;
	return seal_send(f, o->num, o->data, o->len, NULL) > 0 ? 0 : -1;
}

long
nc_fake_send_keep(struct nc_fake *f, const uint8_t *data, size_t len,
    uint8_t pkt[NC_PACKET_MAX], size_t *pkt_len)
{
	struct fake_out	*o;
	long		 num;
	int		 n;

	if ((num = nc_fake_put(f, data, len)) < 0)
		return -1;
	o = &f->out[num % FAKE_KEEP];
	n = seal_send(f, o->num, o->data, o->len, pkt);
	if (pkt_len != NULL)
		*pkt_len = n > 0 ? (size_t)n : 0;
	return num;
}

long
nc_fake_send(struct nc_fake *f, const uint8_t *data, size_t len)
{
	return nc_fake_send_keep(f, data, len, NULL, NULL);
}

int
nc_fake_seal_next(struct nc_fake *f, uint32_t buffer_start, uint32_t number,
    size_t pad, const uint8_t *body, size_t blen, uint8_t *out, size_t cap)
{
	int	n;

	n = nc_fake_seal(f, f->send_nonce, buffer_start, number, pad, body,
	    blen, out, cap);
	if (n > 0)
		nc_nonce_increment(f->send_nonce);
	return n;
}

static void
send_temp(struct nc_fake *f)
{
	uint8_t	pkt[NC_REQ_LEN];

	if (f->st == FAKE_COOKIE) {
		if (nc_cookie_req_pack(f->dk, f->peer_dht, f->real_pk, f->echo,
		    pkt, sizeof(pkt)) == NC_REQ_LEN)
			nc_fake_raw(f, pkt, sizeof(pkt));
	} else if (f->st == FAKE_HS && f->have_hs) {
		/* the cookie lives 15 s: after 8 sends, ask for a new one */
		if (++f->hs_tries > 8) {
			f->st = FAKE_COOKIE;
			f->have_hs = 0;
			f->hs_tries = 0;
			send_temp(f);
			return;
		}
		nc_fake_raw(f, f->hs, sizeof(f->hs));
	}
}

static void
on_cookie(struct nc_fake *f, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct nc_hs	hs;
	uint8_t		echo[8], nonce[NC_HS_NONCE_LEN];

	if (f->st != FAKE_COOKIE || nc_cookie_resp_open(f->dk, f->peer_dht,
	    pkt, len, f->their_cookie, echo) != 0 ||
	    memcmp(echo, f->echo, sizeof(echo)) != 0)
		return;
	memcpy(hs.base_nonce, f->base_nonce, sizeof(hs.base_nonce));
	memcpy(hs.session_pk, f->sess_pk, sizeof(hs.session_pk));
	memcpy(hs.other_cookie, f->my_cookie, sizeof(hs.other_cookie));
	randombytes_buf(nonce, sizeof(nonce));
	if (nc_hs_build(f->real_key, f->their_cookie, nonce, &hs, f->hs,
	    sizeof(f->hs)) != NC_HS_LEN)
		return;
	f->have_hs = 1;
	f->st = FAKE_HS;
	send_temp(f);
	f->next_temp = now + TEMP_MS;
}

static void
on_handshake(struct nc_fake *f, const uint8_t *pkt, size_t len,
    uint64_t now)
{
	struct nc_hs	hs;
	uint8_t		cookie[NC_HS_COOKIE_LEN], online[1];

	if (f->st != FAKE_HS || nc_hs_split(pkt, len, cookie) != 0 ||
	    memcmp(cookie, f->my_cookie, sizeof(cookie)) != 0 ||
	    nc_hs_open(f->real_key, pkt, len, &hs) != 0)
		return;
	if (crypto_box_beforenm(f->key, hs.session_pk, f->sess_sk) != 0)
		return;
	memcpy(f->recv_nonce, hs.base_nonce, sizeof(f->recv_nonce));
	memcpy(f->send_nonce, f->base_nonce, sizeof(f->send_nonce));
	f->st = FAKE_UP;
	f->next_alive = now + ALIVE_MS;
	f->next_req = now + REQ_MS;
	/* what a friend says first; its data packet confirms the session */
	online[0] = MSGR_ID_ONLINE;
	(void)nc_fake_send(f, online, 1);
}

static void
deliver(struct nc_fake *f, const struct fake_in *in)
{
	static struct msgr_pkt	 p;
	struct fake_got		*g = &f->got[f->ngot % FAKE_LOG];

	if (msgr_parse(in->data, in->len, &p) == MSGR_DROP)
		f->odd_in++;
	g->num = in->num;
	g->len = in->len;
	memcpy(g->data, in->data, in->len < FAKE_LOG_TEXT ? in->len :
	    FAKE_LOG_TEXT);
	f->ngot++;
}

static void
take(struct nc_fake *f, const struct nc_data *d)
{
	struct fake_in	*in;

	if (d->number - f->recv_start >= FAKE_WIN)
		return;				/* old, or beyond our window */
	in = &f->in[d->number % FAKE_WIN];
	if (in->used)
		return;
	in->used = 1;
	in->num = d->number;
	in->len = d->len;
	memcpy(in->data, d->data, d->len);
	if (d->number + 1 - f->recv_start > f->recv_end - f->recv_start)
		f->recv_end = d->number + 1;
	while ((in = &f->in[f->recv_start % FAKE_WIN])->used &&
	    in->num == f->recv_start) {
		deliver(f, in);
		in->used = 0;
		f->recv_start++;
	}
	if (f->recv_end - f->recv_start > FAKE_WIN)
		f->recv_end = f->recv_start;
}

static void
resend(struct nc_fake *f, const struct nc_req *req)
{
	struct fake_out	*o;
	uint16_t	 i;

	for (i = 0; i < req->n; i++) {
		o = &f->out[req->num[i] % FAKE_KEEP];
		if (!o->used || o->num != req->num[i])
			continue;
		(void)seal_send(f, o->num, o->data, o->len, NULL);
		f->resent++;
	}
}

static void
on_data(struct nc_fake *f, const uint8_t *pkt, size_t len)
{
	static struct nc_data	d;
	static struct nc_req	req;

	if (f->st != FAKE_UP)
		return;
	if (nc_data_open(f->key, f->recv_nonce, pkt, len, &d) != 0) {
		f->bad_in++;
		return;
	}
	f->opened++;
	f->peer_ack = d.buffer_start;
	switch (d.cls) {
	case NC_CLASS_LOSSLESS:
		take(f, &d);
		break;
	case NC_CLASS_REQUEST:
		if (nc_req_parse(d.data, d.len, d.buffer_start, f->send_next,
		    &req) >= 0)
			resend(f, &req);
		break;
	case NC_CLASS_KILL:
		f->kills++;
		break;
	default:
		break;
	}
}

void
nc_fake_recv(struct nc_fake *f, uint64_t now)
{
	static uint8_t	buf[65536];
	ssize_t		n;

	while ((n = recv(f->s, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		switch (buf[0]) {
		case NC_COOKIE_RESP_KIND:
			on_cookie(f, buf, (size_t)n, now);
			break;
		case NC_HS_KIND:
			on_handshake(f, buf, (size_t)n, now);
			break;
		case NC_DATA_KIND:
			on_data(f, buf, (size_t)n);
			break;
		default:
			break;		/* DHT traffic and the like */
		}
	}
}

static int
have(void *arg, uint32_t num)
{
	struct nc_fake	*f = arg;
	struct fake_in	*in = &f->in[num % FAKE_WIN];

	return in->used && in->num == num;
}

void
nc_fake_tick(struct nc_fake *f, uint64_t now)
{
	uint8_t	p[NC_DATA_MAX];
	int	n;

	if (f->st != FAKE_UP) {
		if (now >= f->next_temp) {
			send_temp(f);
			f->next_temp = now + TEMP_MS;
		}
		return;
	}
	if (now >= f->next_alive) {
		p[0] = MSGR_ID_ALIVE;
		(void)nc_fake_send(f, p, 1);
		f->next_alive = now + ALIVE_MS;
	}
	if (now >= f->next_req) {
		n = nc_req_build(f->recv_start, f->recv_end, have, f, p,
		    sizeof(p));
		if (n > 0)
			(void)seal_send(f, f->send_next, p, (size_t)n, NULL);
		f->next_req = now + REQ_MS;
	}
}

size_t
nc_fake_count(const struct nc_fake *f, size_t from, uint8_t id,
    const char *text)
{
	const struct fake_got	*g;
	size_t			 i, n = 0, tl = strlen(text);

	if (f->ngot > FAKE_LOG && from < f->ngot - FAKE_LOG)
		from = f->ngot - FAKE_LOG;
	for (i = from; i < f->ngot; i++) {
		g = &f->got[i % FAKE_LOG];
		if (g->len >= 1 && g->data[0] == id && (size_t)g->len - 1 == tl &&
		    tl < FAKE_LOG_TEXT && memcmp(g->data + 1, text, tl) == 0)
			n++;
	}
	return n;
}
