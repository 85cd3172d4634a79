/*
 * The outbox file: any bytes as a whole file never misbehave, and the
 * same bytes sealed under the fixed key reach the table parser behind the
 * MAC.  What parses is canonical (encodes back to the same bytes), and
 * survives a deletion and a re-seal.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keyd/outbox.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct outbox	*ob;
static uint8_t		 key[OUTBOX_KEY_LEN];
static uint8_t		*sealed, *enc;

/* A parsed table: remove one entry, seal, open, and compare. */
static void
exercise(const uint8_t *data, size_t len)
{
	struct outbox_entry	e;
	size_t			n, flen, elen, i, text = 0;

	n = outbox_count(ob);
	for (i = 0; i < n; i++) {
		if (outbox_at(ob, i, &e) == -1 || e.len == 0 ||
		    e.len > OUTBOX_TEXT_MAX || e.id >= outbox_next_id(ob))
			abort();
		text += e.len;
	}
	if (text != outbox_text_bytes(ob) || text > OUTBOX_TEXT_TOTAL)
		abort();
	if (n > 0) {
		if (outbox_at(ob, data[len - 1] % n, &e) == -1 ||
		    outbox_del(ob, e.id) != OUTBOX_OK ||
		    outbox_count(ob) != n - 1 ||
		    outbox_del(ob, e.id) != OUTBOX_ERR_NOTFOUND)
			abort();
	}
	if ((elen = outbox_encode(ob, enc, OUTBOX_PLAIN_MAX)) == 0 ||
	    outbox_pack(ob, sealed, OUTBOX_FILE_MAX, &flen) != OUTBOX_OK ||
	    outbox_unpack(ob, sealed, flen) != OUTBOX_OK ||
	    outbox_count(ob) != (n > 0 ? n - 1 : 0) ||
	    outbox_encode(ob, sealed, OUTBOX_PLAIN_MAX) != elen ||
	    memcmp(sealed, enc, elen) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	enum outbox_err	e;
	size_t		flen;

	if (ob == NULL) {
		if (sodium_init() < 0)
			abort();
		outbox_key_derive(key, (const uint8_t *)"fuzz", 4);
		if ((ob = outbox_new(key)) == NULL ||
		    (sealed = malloc(OUTBOX_FILE_MAX)) == NULL ||
		    (enc = malloc(OUTBOX_PLAIN_MAX)) == NULL)
			abort();
	}
	/* As a whole file (seeds hold files sealed under the fuzz key). */
	if (outbox_unpack(ob, data, len) == OUTBOX_OK && len > 0)
		exercise(data, len);
	/* As the plaintext inside an authentic file. */
	if (len > OUTBOX_PLAIN_MAX)
		return 0;
	if ((flen = outbox_seal(key, data, len, sealed, OUTBOX_FILE_MAX)) == 0)
		abort();
	e = outbox_unpack(ob, sealed, flen);
	if (e != OUTBOX_OK && e != OUTBOX_ERR_FORMAT)
		abort();
	if (e == OUTBOX_OK) {
		if (outbox_encode(ob, enc, OUTBOX_PLAIN_MAX) != len ||
		    memcmp(enc, data, len) != 0)
			abort();
		exercise(data, len);
	}
	/* The codec alone agrees with the sealed path. */
	if ((outbox_decode(ob, data, len) == OUTBOX_OK) != (e == OUTBOX_OK))
		abort();
	return 0;
}
