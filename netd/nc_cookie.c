/* net_crypto cookies: see nc_cookie.h. */
#include <string.h>

#include <sodium.h>

#include "common/rd.h"
#include "netd/nc_cookie.h"

_Static_assert(NC_COOKIE_LEN == 112, "COOKIE_LENGTH");
_Static_assert(NC_REQ_LEN == 145, "COOKIE_REQUEST_LENGTH");
_Static_assert(NC_RESP_LEN == 161, "COOKIE_RESPONSE_LENGTH");
_Static_assert(NC_MAC_LEN == crypto_box_MACBYTES &&
    NC_MAC_LEN == crypto_secretbox_MACBYTES, "one MAC size");
_Static_assert(NC_NONCE_LEN == crypto_box_NONCEBYTES &&
    NC_NONCE_LEN == crypto_secretbox_NONCEBYTES, "one nonce size");
_Static_assert(NC_SECRET_LEN == crypto_secretbox_KEYBYTES, "secret size");
_Static_assert(DHT_KEY_LEN == crypto_box_BEFORENMBYTES, "shared key size");

int
nc_cookie_make(const uint8_t secret[NC_SECRET_LEN], uint64_t now_ms,
    const struct nc_cookie_ids *ids, uint8_t cookie[NC_COOKIE_LEN])
{
	struct wr	w;
	uint8_t		plain[NC_COOKIE_PLAIN_LEN];
	int		rv;

	wr_init(&w, plain, sizeof(plain));
	wr_u64le(&w, now_ms);
	wr_bytes(&w, ids->real_pk, NC_PK_LEN);
	wr_bytes(&w, ids->dht_pk, NC_PK_LEN);
	if (!wr_ok(&w) || wr_len(&w) != sizeof(plain))
		return -1;
	randombytes_buf(cookie, NC_NONCE_LEN);
	rv = crypto_secretbox_easy(cookie + NC_NONCE_LEN, plain, sizeof(plain),
	    cookie, secret) == 0 ? 0 : -1;
	sodium_memzero(plain, sizeof(plain));
	return rv;
}

int
nc_cookie_open(const uint8_t secret[NC_SECRET_LEN], uint64_t now_ms,
    const uint8_t cookie[NC_COOKIE_LEN], struct nc_cookie_ids *ids)
{
	struct rd	 r;
	uint8_t		 plain[NC_COOKIE_PLAIN_LEN], nonce[NC_NONCE_LEN];
	const uint8_t	*box;
	uint64_t	 made;
	int		 rv;

	rd_init(&r, cookie, NC_COOKIE_LEN);
	rd_bytes(&r, nonce, sizeof(nonce));
	box = rd_take(&r, NC_COOKIE_PLAIN_LEN + NC_MAC_LEN);
	if (!rd_done(&r) || crypto_secretbox_open_easy(plain, box,
	    NC_COOKIE_PLAIN_LEN + NC_MAC_LEN, nonce, secret) != 0)
		return -1;
	rd_init(&r, plain, sizeof(plain));
	rd_u64le(&r, &made);
	rd_bytes(&r, ids->real_pk, NC_PK_LEN);
	rd_bytes(&r, ids->dht_pk, NC_PK_LEN);
	rv = -1;
	/* Written so that no sum can wrap, whatever made holds. */
	if (rd_done(&r) && made <= now_ms &&
	    now_ms - made <= NC_COOKIE_TIMEOUT_MS)
		rv = 0;
	sodium_memzero(plain, sizeof(plain));
	return rv;
}

int
nc_cookie_req_pack(struct dht_keys *dk, const uint8_t peer_dht_pk[NC_PK_LEN],
    const uint8_t real_pk[NC_PK_LEN], const uint8_t echo[NC_ECHO_LEN],
    uint8_t *out, size_t cap)
{
	struct wr	 w, pw;
	uint8_t		 plain[NC_REQ_PLAIN_LEN], key[DHT_KEY_LEN];
	uint8_t		 nonce[NC_NONCE_LEN];
	uint8_t		*box;
	int		 rv;

	if (dht_keys_shared(dk, peer_dht_pk, key) != 0)
		return -1;
	wr_init(&pw, plain, sizeof(plain));
	wr_bytes(&pw, real_pk, NC_PK_LEN);
	wr_zero(&pw, NC_PK_LEN);
	wr_bytes(&pw, echo, NC_ECHO_LEN);
	randombytes_buf(nonce, sizeof(nonce));
	wr_init(&w, out, cap);
	wr_u8(&w, NC_COOKIE_REQ_KIND);
	wr_bytes(&w, dk->pk, NC_PK_LEN);
	wr_bytes(&w, nonce, sizeof(nonce));
	box = wr_reserve(&w, NC_REQ_PLAIN_LEN + NC_MAC_LEN);
	rv = -1;
	if (wr_ok(&pw) && wr_len(&pw) == sizeof(plain) && wr_ok(&w) &&
	    crypto_box_easy_afternm(box, plain, sizeof(plain), nonce,
	    key) == 0)
		rv = (int)wr_len(&w);
	sodium_memzero(key, sizeof(key));
	return rv;
}

int
nc_cookie_req_open(struct dht_keys *dk, const uint8_t *pkt, size_t len,
    struct nc_cookie_ids *ids, uint8_t echo[NC_ECHO_LEN])
{
	struct rd	 r;
	uint8_t		 plain[NC_REQ_PLAIN_LEN], key[DHT_KEY_LEN];
	uint8_t		 nonce[NC_NONCE_LEN], kind;
	const uint8_t	*box;
	int		 rv;

	/* Exact size before any crypto, as c-toxcore. */
	if (len != NC_REQ_LEN)
		return -1;
	rd_init(&r, pkt, len);
	rd_u8(&r, &kind);
	rd_bytes(&r, ids->dht_pk, NC_PK_LEN);
	rd_bytes(&r, nonce, sizeof(nonce));
	box = rd_take(&r, NC_REQ_PLAIN_LEN + NC_MAC_LEN);
	if (!rd_done(&r) || kind != NC_COOKIE_REQ_KIND ||
	    dht_keys_shared(dk, ids->dht_pk, key) != 0)
		return -1;
	rv = crypto_box_open_easy_afternm(plain, box,
	    NC_REQ_PLAIN_LEN + NC_MAC_LEN, nonce, key);
	sodium_memzero(key, sizeof(key));
	if (rv != 0)
		return -1;
	rd_init(&r, plain, sizeof(plain));
	rd_bytes(&r, ids->real_pk, NC_PK_LEN);
	rd_skip(&r, NC_PK_LEN);		/* padding: not checked, as c-toxcore */
	rd_bytes(&r, echo, NC_ECHO_LEN);
	return rd_done(&r) ? 0 : -1;
}

int
nc_cookie_resp_pack(struct dht_keys *dk,
    const uint8_t peer_dht_pk[NC_PK_LEN], const uint8_t cookie[NC_COOKIE_LEN],
    const uint8_t echo[NC_ECHO_LEN], uint8_t *out, size_t cap)
{
	struct wr	 w, pw;
	uint8_t		 plain[NC_RESP_PLAIN_LEN], key[DHT_KEY_LEN];
	uint8_t		*nonce, *box;
	int		 rv;

	if (dht_keys_shared(dk, peer_dht_pk, key) != 0)
		return -1;
	wr_init(&pw, plain, sizeof(plain));
	wr_bytes(&pw, cookie, NC_COOKIE_LEN);
	wr_bytes(&pw, echo, NC_ECHO_LEN);
	wr_init(&w, out, cap);
	wr_u8(&w, NC_COOKIE_RESP_KIND);
	nonce = wr_reserve(&w, NC_NONCE_LEN);
	box = wr_reserve(&w, NC_RESP_PLAIN_LEN + NC_MAC_LEN);
	rv = -1;
	if (wr_ok(&pw) && wr_len(&pw) == sizeof(plain) && wr_ok(&w)) {
		randombytes_buf(nonce, NC_NONCE_LEN);
		if (crypto_box_easy_afternm(box, plain, sizeof(plain), nonce,
		    key) == 0)
			rv = (int)wr_len(&w);
	}
	sodium_memzero(key, sizeof(key));
	return rv;
}

int
nc_cookie_resp_open(struct dht_keys *dk,
    const uint8_t peer_dht_pk[NC_PK_LEN], const uint8_t *pkt, size_t len,
    uint8_t cookie[NC_COOKIE_LEN], uint8_t echo[NC_ECHO_LEN])
{
	struct rd	 r;
	uint8_t		 plain[NC_RESP_PLAIN_LEN], key[DHT_KEY_LEN];
	uint8_t		 nonce[NC_NONCE_LEN], kind;
	const uint8_t	*box;
	int		 rv;

	if (len != NC_RESP_LEN)
		return -1;
	rd_init(&r, pkt, len);
	rd_u8(&r, &kind);
	rd_bytes(&r, nonce, sizeof(nonce));
	box = rd_take(&r, NC_RESP_PLAIN_LEN + NC_MAC_LEN);
	if (!rd_done(&r) || kind != NC_COOKIE_RESP_KIND ||
	    dht_keys_shared(dk, peer_dht_pk, key) != 0)
		return -1;
	rv = crypto_box_open_easy_afternm(plain, box,
	    NC_RESP_PLAIN_LEN + NC_MAC_LEN, nonce, key);
	sodium_memzero(key, sizeof(key));
	if (rv != 0)
		return -1;
	rd_init(&r, plain, sizeof(plain));
	rd_bytes(&r, cookie, NC_COOKIE_LEN);
	rd_bytes(&r, echo, NC_ECHO_LEN);
	return rd_done(&r) ? 0 : -1;
}

int
nc_cookie_answer(struct dht_keys *dk, const uint8_t secret[NC_SECRET_LEN],
    uint64_t now_ms, const uint8_t *req, size_t len, uint8_t *out, size_t cap)
{
	struct nc_cookie_ids	ids;
	uint8_t			echo[NC_ECHO_LEN], cookie[NC_COOKIE_LEN];

	if (nc_cookie_req_open(dk, req, len, &ids, echo) != 0 ||
	    nc_cookie_make(secret, now_ms, &ids, cookie) != 0)
		return -1;
	/* The answer goes to the DHT key the request came from. */
	return nc_cookie_resp_pack(dk, ids.dht_pk, cookie, echo, out, cap);
}
