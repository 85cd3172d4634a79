/*
 * The DHT-PK announcement (common/dhtpk.c), a friend's data: any input
 * is refused, or parses to an announcement that packs back to the very
 * same bytes (the format has one encoding).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/dhtpk.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct dhtpk	a;
	uint8_t		out[DHTPK_MAX_LEN];
	int		n;

	if (dhtpk_parse(data, len, &a) == -1)
		return 0;
	if (a.n > DHTPK_NODES_MAX)
		abort();
	n = dhtpk_pack(&a, out, sizeof(out));
	if (n < 0 || (size_t)n != len || memcmp(out, data, len) != 0)
		abort();
	return 0;
}
