/*
 * The sends file: any bytes as a whole file never misbehave, and the
 * same bytes sealed under the fixed key reach the table parser behind
 * the MAC.  What parses is canonical (encodes back to the same bytes),
 * holds no two records with one (friend, path) or (friend, id), finds
 * each record's id by its stamp and not by a changed one, and survives
 * a delete, a replace, an eviction and a re-seal.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keyd/sends.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct sends	*sd;
static uint8_t		 key[SENDS_KEY_LEN];
static uint8_t		*sealed, *enc;

/* A parsed table: check it, change it, seal, open, and compare. */
static void
exercise(const uint8_t *data, size_t len)
{
	static char		p[SENDS_PATH_MAX + 1];
	struct sends_entry	e, f;
	struct sends_stamp	st;
	uint8_t			pk[TOX_PK_LEN], fid[SENDS_FILE_ID_LEN];
	uint8_t			id[SENDS_FILE_ID_LEN];
	size_t			n, i, flen, elen;
	uint16_t		plen;

	n = sends_count(sd);
	if (n > SENDS_MAX)
		abort();
	for (i = 0; i < n; i++) {
		if (sends_at(sd, i, &e) == -1 || e.len == 0 ||
		    e.len > SENDS_PATH_MAX || strlen(e.path) != e.len ||
		    sends_get(sd, e.pk, e.path, e.len, &f) == -1 ||
		    f.path != e.path ||
		    sends_match(sd, e.pk, &e.stamp, e.path, e.len, id) != 1 ||
		    memcmp(id, e.file_id, sizeof(id)) != 0)
			abort();
		st = e.stamp;
		st.mtime ^= 1;
		if (sends_match(sd, e.pk, &st, e.path, e.len, id) != 0)
			abort();
	}
	if (n > 0) {
		/* delete one, then put it back as the newest */
		if (sends_at(sd, data[len - 1] % n, &e) == -1)
			abort();
		memcpy(pk, e.pk, sizeof(pk));
		memcpy(fid, e.file_id, sizeof(fid));
		st = e.stamp;
		plen = e.len;
		memcpy(p, e.path, plen);
		if (sends_unset(sd, pk, fid) != SENDS_OK ||
		    sends_count(sd) != n - 1 ||
		    sends_unset(sd, pk, fid) != SENDS_ERR_NOTFOUND ||
		    sends_set(sd, pk, fid, &st, p, plen) != SENDS_OK ||
		    sends_count(sd) != n ||
		    sends_at(sd, n - 1, &e) == -1 ||
		    memcmp(e.pk, pk, sizeof(pk)) != 0)
			abort();
	}
	/* a new key (gone first if the input happened to hold it): the
	 * table grows by one, or when full drops its oldest */
	memset(pk, 0xee, sizeof(pk));
	memset(fid, 0xee, sizeof(fid));
	memset(&st, 0, sizeof(st));
	(void)sends_unset(sd, pk, fid);
	while (sends_get(sd, pk, "/new", 4, &e) == 0)
		(void)sends_unset(sd, pk, e.file_id);
	n = sends_count(sd);
	if (sends_set(sd, pk, fid, &st, "/new", 4) != SENDS_OK ||
	    sends_count(sd) != (n < SENDS_MAX ? n + 1 : n))
		abort();
	n = sends_count(sd);
	if ((elen = sends_encode(sd, enc, SENDS_PLAIN_MAX)) == 0 ||
	    sends_pack(sd, sealed, SENDS_FILE_MAX, &flen) != SENDS_OK ||
	    sends_unpack(sd, sealed, flen) != SENDS_OK ||
	    sends_count(sd) != n ||
	    sends_encode(sd, sealed, SENDS_PLAIN_MAX) != elen ||
	    memcmp(sealed, enc, elen) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	enum sends_err	e;
	size_t		flen;

	if (sd == NULL) {
		if (sodium_init() < 0)
			abort();
		sends_key_derive(key, (const uint8_t *)"fuzz", 4);
		if ((sd = sends_new(key)) == NULL ||
		    (sealed = malloc(SENDS_FILE_MAX)) == NULL ||
		    (enc = malloc(SENDS_PLAIN_MAX)) == NULL)
			abort();
	}
	/* As a whole file (seeds hold files sealed under the fuzz key). */
	e = sends_unpack(sd, data, len);
	if (e != SENDS_OK && sends_count(sd) != 0)
		abort();
	if (e == SENDS_OK && len > 0)
		exercise(data, len);
	/* As the plaintext inside an authentic file. */
	if (len > SENDS_PLAIN_MAX)
		return 0;
	if ((flen = sends_seal(key, data, len, sealed, SENDS_FILE_MAX)) == 0)
		abort();
	e = sends_unpack(sd, sealed, flen);
	if (e != SENDS_OK && e != SENDS_ERR_FORMAT)
		abort();
	if (e != SENDS_OK && sends_count(sd) != 0)
		abort();
	if (e == SENDS_OK) {
		if (sends_encode(sd, enc, SENDS_PLAIN_MAX) != len ||
		    memcmp(enc, data, len) != 0)
			abort();
		exercise(data, len);
	}
	/* The codec alone agrees with the sealed path. */
	if ((sends_decode(sd, data, len) == SENDS_OK) != (e == SENDS_OK))
		abort();
	return 0;
}
