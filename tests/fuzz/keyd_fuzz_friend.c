/*
 * The friends' and strangers' side of the keyd fuzz targets (KFZ_PLAY in
 * keyd_fuzz.h): their long-term keys are fixed (seeds name them), their
 * session halves new for every input; from a payload the fuzzer chose
 * they build what only they can, a handshake, a data packet in their
 * session, onion data, a DHT-PK box, an announce node's answer, so keyd's
 * handlers get past the MAC to the code that reads what is inside.  A
 * friend whose handshake keyd answers (NC_HS_MADE) learns our half and
 * holds the session key, which keyd must never send anyone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/announce_client.h"
#include "common/nc_data.h"
#include "common/nc_handshake.h"
#include "common/onion_data.h"
#include "ipc/msg_dhtpk.h"
#include "ipc/msg_nc.h"
#include "ipc/msg_onion.h"
#include "ipc/types.h"
#include "tests/fuzz/keyd_fuzz_priv.h"

struct other {
	uint8_t	pk[32], sk[32];		/* long-term */
	uint8_t	spk[32], ssk[32];	/* this input's session half */
	uint8_t	base[NC_NONCE_LEN];	/* its base nonce */
	uint8_t	send[NC_NONCE_LEN];	/* its next send nonce */
	uint8_t	key[NC_KEY_LEN];	/* the session key, once keyed */
	int	keyed;
};

static struct other	others[KFZ_OTHERS];

void
kfz_keypair(const char *what, unsigned i, uint8_t *pk, uint8_t *sk)
{
	uint8_t	seed[crypto_box_SEEDBYTES];

	if (sodium_init() < 0)
		abort();
	memset(seed, 0, sizeof(seed));
	(void)snprintf((char *)seed, sizeof(seed), "bulkhead kfz %s %u", what,
	    i);
	crypto_box_seed_keypair(pk, sk, seed);
}

void
kfz_others_init(void)
{
	static int	made;
	unsigned	i;

	for (i = 0; !made && i < KFZ_OTHERS; i++)
		kfz_keypair("other", i, others[i].pk, others[i].sk);
	made = 1;
}

const uint8_t *
kfz_pk(unsigned i)
{
	kfz_others_init();
	return others[i % KFZ_OTHERS].pk;
}

void
kfz_others_reset(void)
{
	struct other	*o;
	unsigned	 i;

	for (i = 0; i < KFZ_OTHERS; i++) {
		o = &others[i];
		crypto_box_keypair(o->spk, o->ssk);
		randombytes_buf(o->base, sizeof(o->base));
		memcpy(o->send, o->base, sizeof(o->send));
		sodium_memzero(o->key, sizeof(o->key));
		o->keyed = 0;
	}
}

const uint8_t *
kfz_session_key(unsigned i)
{
	return i < KFZ_OTHERS && others[i].keyed ? others[i].key : NULL;
}

/* n bytes of the payload into dst, zeros for what it lacks. */
static void
take(struct rd *r, void *dst, size_t n)
{
	size_t	have = rd_left(r) < n ? rd_left(r) : n;

	memset(dst, 0, n);
	(void)rd_bytes(r, dst, have);
}

/* The key o's long-term key shares with ours; -1 if there is none. */
static int
shared(const struct other *o, uint8_t key[32])
{
	const uint8_t	*self = kfz_self_pk();

	return self != NULL && crypto_box_beforenm(key, self, o->sk) == 0 ?
	    0 : -1;
}

/* o's handshake to us, as netd passes it on. */
static int
hs_in(struct other *o, struct rd *r, struct wr *w)
{
	static struct ipc_nc_hs_in	hi;
	struct nc_hs			hs;
	uint8_t				key[32], nonce[NC_HS_NONCE_LEN];
	uint8_t				cookie[NC_HS_COOKIE_LEN], want;

	memset(&hi, 0, sizeof(hi));
	(void)rd_u8(r, &want);
	memcpy(hi.pk, o->pk, sizeof(hi.pk));
	hi.want_reply = want & 1;
	take(r, hi.dht_pk, sizeof(hi.dht_pk));
	take(r, cookie, sizeof(cookie));	/* ours, that it answers */
	take(r, hs.other_cookie, sizeof(hs.other_cookie));
	take(r, hi.other_cookie, sizeof(hi.other_cookie));
	memcpy(hs.base_nonce, o->base, sizeof(hs.base_nonce));
	memcpy(hs.session_pk, o->spk, sizeof(hs.session_pk));
	randombytes_buf(nonce, sizeof(nonce));
	if (shared(o, key) == -1 || nc_hs_build(key, cookie, nonce, &hs,
	    hi.hs, sizeof(hi.hs)) != NC_HS_LEN)
		return -1;
	sodium_memzero(key, sizeof(key));
	/* keyd's receive nonce starts again at our base */
	memcpy(o->send, o->base, sizeof(o->send));
	ipc_pack_nc_hs_in(w, &hi);
	return 1;
}

/* id || data sealed in o's session (which may not be one keyd has). */
static int
data_in(struct other *o, struct rd *r, struct wr *w)
{
	static struct ipc_nc_data	d;
	const uint8_t			*data;
	uint32_t			 ack, num;
	size_t				 len;
	int				 n;

	if (rd_u32(r, &ack) == -1 || rd_u32(r, &num) == -1 ||
	    (data = rd_rest(r, &len)) == NULL)
		return -1;
	memcpy(d.pk, o->pk, sizeof(d.pk));
	if ((n = nc_data_seal(o->key, o->send, ack, num, data, len, d.pkt,
	    sizeof(d.pkt))) == -1)
		return -1;
	d.len = (uint16_t)n;
	ipc_pack_nc_data(w, &d);
	return 1;
}

/* The inner layer of onion data from o: id || data. */
static int
onion_in(struct other *o, struct rd *r, struct wr *w)
{
	static struct ipc_onion_data_in	di;
	static uint8_t			sealed[ONION_DATA_SEALED_SEND_MAX];
	const uint8_t			*data, *box;
	uint8_t				key[32], id;
	size_t				len, boxlen;
	int				n;

	if (rd_u8(r, &id) == -1 || (data = rd_rest(r, &len)) == NULL ||
	    shared(o, key) == -1)
		return -1;
	randombytes_buf(di.nonce, sizeof(di.nonce));
	n = onion_data_seal(key, o->pk, di.nonce, id, data, len, sealed,
	    sizeof(sealed));
	sodium_memzero(key, sizeof(key));
	if (n == -1 || onion_data_split(sealed, (size_t)n, di.sender_pk,
	    &box, &boxlen) == -1 || boxlen > sizeof(di.box))
		return -1;
	di.boxlen = (uint16_t)boxlen;
	memcpy(di.box, box, boxlen);
	ipc_pack_onion_data_in(w, &di);
	return 1;
}

/* o's DHT-PK announcement, boxed to us, as it comes over the DHT. */
static int
dhtpk_in(struct other *o, struct rd *r, struct wr *w)
{
	static struct ipc_dhtpk_in	in;
	const uint8_t			*plain;
	uint8_t				key[32];
	size_t				len;
	int				rv;

	if ((plain = rd_rest(r, &len)) == NULL ||
	    len + ONION_MAC_LEN < DHTPK_BOX_MIN ||
	    len + ONION_MAC_LEN > sizeof(in.box) || shared(o, key) == -1)
		return -1;
	memcpy(in.outer_pk, kfz_pk(KFZ_FRIENDS), sizeof(in.outer_pk));
	memcpy(in.sender_pk, o->pk, sizeof(in.sender_pk));
	randombytes_buf(in.nonce, sizeof(in.nonce));
	rv = crypto_box_easy_afternm(in.box, plain, len, in.nonce, key);
	sodium_memzero(key, sizeof(key));
	if (rv != 0)
		return -1;
	in.boxlen = (uint16_t)(len + ONION_MAC_LEN);
	ipc_pack_dhtpk_in(w, &in);
	return 1;
}

/* The 0x84 an announce node (o) answers our self-announce with. */
static int
announce_open(struct other *o, struct rd *r, struct wr *w)
{
	static struct ipc_onion_announce_open	ao;
	struct wr				pw;
	const uint8_t				*plain;
	uint8_t					key[32];
	size_t					len;
	int					rv;

	memcpy(ao.node_pk, o->pk, sizeof(ao.node_pk));
	wr_init(&pw, ao.pkt, sizeof(ao.pkt));
	wr_u8(&pw, ONION_ANNOUNCE_RESP);
	take(r, wr_reserve(&pw, ONION_SENDBACK_LEN), ONION_SENDBACK_LEN);
	randombytes_buf(wr_reserve(&pw, ONION_NONCE_LEN), ONION_NONCE_LEN);
	if ((plain = rd_rest(r, &len)) == NULL ||
	    len < ANNOUNCE_RESP_PLAIN_MIN ||
	    ANNOUNCE_RESP_HDR_LEN + ONION_MAC_LEN + len > sizeof(ao.pkt) ||
	    shared(o, key) == -1)
		return -1;
	rv = crypto_box_easy_afternm(ao.pkt + ANNOUNCE_RESP_HDR_LEN, plain,
	    len, ao.pkt + 1 + ONION_SENDBACK_LEN, key);
	sodium_memzero(key, sizeof(key));
	if (rv != 0 || !wr_ok(&pw))
		return -1;
	ao.len = (uint16_t)(ANNOUNCE_RESP_HDR_LEN + ONION_MAC_LEN + len);
	ipc_pack_onion_announce_open(w, &ao);
	return 1;
}

int
kfz_play(uint16_t type, const uint8_t *p, size_t len, struct wr *w)
{
	struct rd	r;
	uint8_t		who;
	struct other	*o;

	rd_init(&r, p, len);
	if (rd_u8(&r, &who) == -1)
		return type == IPC_NC_HS_IN || type == IPC_NC_DATA_IN ||
		    type == IPC_ONION_DATA_IN || type == IPC_ONION_DHTPK_IN ||
		    type == IPC_ONION_ANNOUNCE_OPEN ? -1 : 0;
	o = &others[who % KFZ_OTHERS];
	switch (type) {
	case IPC_NC_HS_IN:
		return hs_in(o, &r, w);
	case IPC_NC_DATA_IN:
		return data_in(o, &r, w);
	case IPC_ONION_DATA_IN:
		return onion_in(o, &r, w);
	case IPC_ONION_DHTPK_IN:
		return dhtpk_in(o, &r, w);
	case IPC_ONION_ANNOUNCE_OPEN:
		return announce_open(o, &r, w);
	default:
		return 0;
	}
}

/* Our handshake to a friend or stranger: it learns our session half. */
void
kfz_others_saw(const struct ipc_msg *m)
{
	static struct ipc_nc_hs_made	made;
	struct nc_hs			hs;
	struct other			*o;
	struct rd			r;
	uint8_t				key[32];
	unsigned			i;

	if (m->hdr.type != IPC_NC_HS_MADE)
		return;
	rd_init(&r, m->data, m->hdr.len);
	if (ipc_unpack_nc_hs_made(&r, &made) == -1)
		abort();		/* keyd sent it */
	for (i = 0; i < KFZ_OTHERS; i++) {
		o = &others[i];
		if (memcmp(o->pk, made.pk, sizeof(o->pk)) != 0 ||
		    shared(o, key) == -1)
			continue;
		if (nc_hs_open(key, made.hs, sizeof(made.hs), &hs) == 0 &&
		    crypto_box_beforenm(o->key, hs.session_pk, o->ssk) == 0)
			o->keyed = 1;
		sodium_memzero(key, sizeof(key));
		sodium_memzero(&hs, sizeof(hs));
	}
}
