/* The net_crypto handshake 0x1a: see nc_handshake.h. */
#include <string.h>

#include <sodium.h>

#include "common/nc_handshake.h"
#include "common/rd.h"

int
nc_hs_build(const uint8_t key[NC_HS_KEY_LEN],
    const uint8_t peer_cookie[NC_HS_COOKIE_LEN],
    const uint8_t nonce[NC_HS_NONCE_LEN], const struct nc_hs *hs,
    uint8_t *out, size_t cap)
{
	uint8_t		 plain[NC_HS_PLAIN_LEN];
	uint8_t		*hash, *box;
	struct wr	 w, pw;

	wr_init(&pw, plain, sizeof(plain));
	wr_bytes(&pw, hs->base_nonce, sizeof(hs->base_nonce));
	wr_bytes(&pw, hs->session_pk, sizeof(hs->session_pk));
	hash = wr_reserve(&pw, NC_HS_HASH_LEN);
	wr_bytes(&pw, hs->other_cookie, sizeof(hs->other_cookie));

	wr_init(&w, out, cap);
	wr_u8(&w, NC_HS_KIND);
	wr_bytes(&w, peer_cookie, NC_HS_COOKIE_LEN);
	wr_bytes(&w, nonce, NC_HS_NONCE_LEN);
	box = wr_reserve(&w, NC_HS_BOX_LEN);
	if (box == NULL || hash == NULL || !wr_ok(&pw) ||
	    wr_len(&pw) != sizeof(plain)) {
		sodium_memzero(plain, sizeof(plain));
		return -1;
	}
	/* the hash binds the box to the cookie it answers */
	crypto_hash_sha512(hash, peer_cookie, NC_HS_COOKIE_LEN);
	(void)crypto_box_easy_afternm(box, plain, sizeof(plain), nonce, key);
	sodium_memzero(plain, sizeof(plain));
	return (int)wr_len(&w);
}

/* Reads kind || outer cookie || nonce || box, exactly NC_HS_LEN bytes. */
static int
nc_hs_read(const uint8_t *pkt, size_t len, const uint8_t **cookie,
    const uint8_t **nonce, const uint8_t **box)
{
	struct rd	r;
	uint8_t		kind = 0;

	rd_init(&r, pkt, len);
	rd_u8(&r, &kind);
	*cookie = rd_take(&r, NC_HS_COOKIE_LEN);
	*nonce = rd_take(&r, NC_HS_NONCE_LEN);
	*box = rd_take(&r, NC_HS_BOX_LEN);
	if (!rd_done(&r) || kind != NC_HS_KIND)
		return -1;
	return 0;
}

int
nc_hs_split(const uint8_t *pkt, size_t len, uint8_t cookie[NC_HS_COOKIE_LEN])
{
	const uint8_t	*c, *n, *b;

	if (nc_hs_read(pkt, len, &c, &n, &b) == -1) {
		memset(cookie, 0, NC_HS_COOKIE_LEN);
		return -1;
	}
	memcpy(cookie, c, NC_HS_COOKIE_LEN);
	return 0;
}

int
nc_hs_open(const uint8_t key[NC_HS_KEY_LEN], const uint8_t *pkt,
    size_t len, struct nc_hs *out)
{
	uint8_t		 plain[NC_HS_PLAIN_LEN], want[NC_HS_HASH_LEN];
	uint8_t		 got[NC_HS_HASH_LEN];
	const uint8_t	*cookie, *nonce, *box;
	struct rd	 r;
	int		 rv = -1;

	memset(out, 0, sizeof(*out));
	if (nc_hs_read(pkt, len, &cookie, &nonce, &box) == -1)
		return -1;
	if (crypto_box_open_easy_afternm(plain, box, NC_HS_BOX_LEN, nonce,
	    key) != 0)
		return -1;
	rd_init(&r, plain, sizeof(plain));
	rd_bytes(&r, out->base_nonce, sizeof(out->base_nonce));
	rd_bytes(&r, out->session_pk, sizeof(out->session_pk));
	rd_bytes(&r, got, sizeof(got));
	rd_bytes(&r, out->other_cookie, sizeof(out->other_cookie));
	crypto_hash_sha512(want, cookie, NC_HS_COOKIE_LEN);
	if (rd_done(&r) && crypto_verify_64(got, want) == 0)
		rv = 0;
	sodium_memzero(plain, sizeof(plain));
	if (rv == -1)
		sodium_memzero(out, sizeof(*out));
	return rv;
}
