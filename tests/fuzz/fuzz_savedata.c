/*
 * Savedata parser: any input either fails cleanly or parses to a profile
 * whose rebuild parses again and rebuilds to the same bytes.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keyd/savedata.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static int	 inited;
	struct profile	*p, *q;
	uint8_t		*b1, *b2;
	size_t		 l1, l2;

	if (!inited) {
		if (sodium_init() < 0)
			abort();
		inited = 1;
	}
	if (savedata_parse(data, len, &p) != SD_OK) {
		if (p != NULL)
			abort();
		return 0;
	}
	l1 = savedata_size(p);
	if ((b1 = malloc(l1)) == NULL || savedata_build(p, b1, l1) != l1)
		abort();
	if (savedata_parse(b1, l1, &q) != SD_OK)
		abort();
	l2 = savedata_size(q);
	if (l2 != l1 || (b2 = malloc(l2)) == NULL ||
	    savedata_build(q, b2, l2) != l2 || memcmp(b1, b2, l1) != 0)
		abort();
	if (memcmp(p->pk, q->pk, sizeof(p->pk)) != 0 ||
	    p->nfriends != q->nfriends || p->nextra != q->nextra)
		abort();
	profile_free(p);
	profile_free(q);
	free(b1);
	free(b2);
	return 0;
}
