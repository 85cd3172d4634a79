/*
 * The partials file: any bytes as a whole file never misbehave, and the
 * same bytes sealed under the fixed key reach the table parser behind the
 * MAC.  What parses is canonical (encodes back to the same bytes), holds
 * no two records with one key, and survives a delete, a replace, an
 * eviction and a re-seal.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keyd/partials.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct partials	*pt;
static uint8_t		 key[PARTIALS_KEY_LEN];
static uint8_t		*sealed, *enc;

/* A parsed table: check it, change it, seal, open, and compare. */
static void
exercise(const uint8_t *data, size_t len)
{
	struct partials_entry	e, f;
	uint8_t			pk[TOX_PK_LEN], fid[PARTIALS_FILE_ID_LEN];
	size_t			n, i, flen, elen;

	n = partials_count(pt);
	if (n > PARTIALS_MAX)
		abort();
	for (i = 0; i < n; i++) {
		if (partials_at(pt, i, &e) == -1 || e.len == 0 ||
		    e.len > PARTIALS_PATH_MAX || strlen(e.path) != e.len ||
		    partials_get(pt, e.pk, e.file_id, &f) == -1 ||
		    f.path != e.path)	/* the first with that key is it */
			abort();
	}
	if (n > 0) {
		/* delete one, then put it back as the newest */
		if (partials_at(pt, data[len - 1] % n, &e) == -1)
			abort();
		memcpy(pk, e.pk, sizeof(pk));
		memcpy(fid, e.file_id, sizeof(fid));
		if (partials_unset(pt, pk, fid) != PARTIALS_OK ||
		    partials_count(pt) != n - 1 ||
		    partials_unset(pt, pk, fid) != PARTIALS_ERR_NOTFOUND ||
		    partials_set(pt, pk, fid, 1, "/r", 2) != PARTIALS_OK ||
		    partials_count(pt) != n ||
		    partials_at(pt, n - 1, &e) == -1 ||
		    memcmp(e.pk, pk, sizeof(pk)) != 0)
			abort();
	}
	/* a new key (gone first if the input happened to hold it): the
	 * table grows by one, or when full drops its oldest */
	memset(pk, 0xee, sizeof(pk));
	memset(fid, 0xee, sizeof(fid));
	fid[0] = (uint8_t)n;
	fid[1] = (uint8_t)(n >> 8);
	(void)partials_unset(pt, pk, fid);
	n = partials_count(pt);
	if (partials_set(pt, pk, fid, 2, "/new", 4) != PARTIALS_OK ||
	    partials_count(pt) != (n < PARTIALS_MAX ? n + 1 : n))
		abort();
	n = partials_count(pt);
	if ((elen = partials_encode(pt, enc, PARTIALS_PLAIN_MAX)) == 0 ||
	    partials_pack(pt, sealed, PARTIALS_FILE_MAX, &flen) !=
	    PARTIALS_OK ||
	    partials_unpack(pt, sealed, flen) != PARTIALS_OK ||
	    partials_count(pt) != n ||
	    partials_encode(pt, sealed, PARTIALS_PLAIN_MAX) != elen ||
	    memcmp(sealed, enc, elen) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	enum partials_err	e;
	size_t			flen;

	if (pt == NULL) {
		if (sodium_init() < 0)
			abort();
		partials_key_derive(key, (const uint8_t *)"fuzz", 4);
		if ((pt = partials_new(key)) == NULL ||
		    (sealed = malloc(PARTIALS_FILE_MAX)) == NULL ||
		    (enc = malloc(PARTIALS_PLAIN_MAX)) == NULL)
			abort();
	}
	/* As a whole file (seeds hold files sealed under the fuzz key). */
	e = partials_unpack(pt, data, len);
	if (e != PARTIALS_OK && partials_count(pt) != 0)
		abort();
	if (e == PARTIALS_OK && len > 0)
		exercise(data, len);
	/* As the plaintext inside an authentic file. */
	if (len > PARTIALS_PLAIN_MAX)
		return 0;
	if ((flen = partials_seal(key, data, len, sealed,
	    PARTIALS_FILE_MAX)) == 0)
		abort();
	e = partials_unpack(pt, sealed, flen);
	if (e != PARTIALS_OK && e != PARTIALS_ERR_FORMAT)
		abort();
	if (e != PARTIALS_OK && partials_count(pt) != 0)
		abort();
	if (e == PARTIALS_OK) {
		if (partials_encode(pt, enc, PARTIALS_PLAIN_MAX) != len ||
		    memcmp(enc, data, len) != 0)
			abort();
		exercise(data, len);
	}
	/* The codec alone agrees with the sealed path. */
	if ((partials_decode(pt, data, len) == PARTIALS_OK) !=
	    (e == PARTIALS_OK))
		abort();
	return 0;
}
