/*
 * The history file: any bytes as a whole file never misbehave, and the
 * same bytes sealed under the fixed key reach the table parser behind the
 * MAC.  What parses is canonical (encodes back to the same bytes), keeps
 * the bounds, and survives one more entry and a re-seal.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keyd/history.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct history		*h;
static uint8_t			 key[HISTORY_KEY_LEN];
static uint8_t			*sealed, *enc, *enc2;
static struct history_entry	 e;
static const uint8_t		 pk[32] = { 0x11 };

static void
exercise(const uint8_t *data, size_t len)
{
	size_t	n, i, text = 0, elen, flen;

	n = history_count(h);
	for (i = 0; i < n; i++) {
		if (history_at(h, i, &e) == -1 || e.len == 0 ||
		    e.len > HISTORY_TEXT_MAX || e.dir > 1 || e.action > 1)
			abort();
		text += e.len;
	}
	if (text != history_text_bytes(h) || text > HISTORY_TEXT_TOTAL ||
	    n > HISTORY_MAX)
		abort();
	/* one more (evicting if need be), then a sealed round trip */
	if (len > 0 && history_add(h, 1, pk, 1, 0, 2, data,
	    len > HISTORY_TEXT_MAX ? HISTORY_TEXT_MAX : len) != HISTORY_OK)
		abort();
	if ((elen = history_encode(h, enc, HISTORY_PLAIN_MAX)) == 0 ||
	    history_pack(h, &flen) != HISTORY_OK)
		abort();
	memcpy(sealed, history_file(h), flen);
	if (history_unpack(h, sealed, flen) != HISTORY_OK ||
	    history_encode(h, enc2, HISTORY_PLAIN_MAX) != elen ||
	    memcmp(enc, enc2, elen) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	enum history_err	err;
	size_t			flen;

	if (h == NULL) {
		if (sodium_init() < 0)
			abort();
		history_key_derive(key, (const uint8_t *)"fuzz", 4);
		if ((h = history_new(key)) == NULL ||
		    (sealed = malloc(HISTORY_FILE_MAX)) == NULL ||
		    (enc = malloc(HISTORY_PLAIN_MAX)) == NULL ||
		    (enc2 = malloc(HISTORY_PLAIN_MAX)) == NULL)
			abort();
	}
	/* As a whole file (seeds hold files sealed under the fuzz key). */
	if (history_unpack(h, data, len) == HISTORY_OK)
		exercise(data, len);
	/* As the plaintext inside an authentic file. */
	if (len > HISTORY_PLAIN_MAX)
		return 0;
	if ((flen = history_seal(key, data, len, sealed,
	    HISTORY_FILE_MAX)) == 0)
		abort();
	err = history_unpack(h, sealed, flen);
	if (err != HISTORY_OK && err != HISTORY_ERR_FORMAT)
		abort();
	if (err == HISTORY_OK) {
		if (history_encode(h, enc, HISTORY_PLAIN_MAX) != len ||
		    memcmp(enc, data, len) != 0)
			abort();
		exercise(data, len);
	}
	if ((history_decode(h, data, len) == HISTORY_OK) != (err == HISTORY_OK))
		abort();
	return 0;
}
