/*
 * Tox ID parser: any input fails with a reason whose message is printable
 * (never echoes a control byte), or parses to an ID that formats and
 * parses back to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/toxid.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct toxid_perr	 e;
	uint8_t			 a[TOX_ADDRESS_LEN], b[TOX_ADDRESS_LEN];
	char			 hex[TOX_ADDRESS_HEX_LEN + 1], msg[256];
	size_t			 i, n;

	if (toxid_parse((const char *)data, len, a, &e) == 0) {
		if (e.code != TOXID_OK || !toxid_check(a))
			abort();
		toxid_format(a, hex);
		if (toxid_parse(hex, strlen(hex), b, NULL) != 0 ||
		    memcmp(a, b, sizeof(a)) != 0)
			abort();
		return 0;
	}
	if (e.code == TOXID_OK)
		abort();
	toxid_strerror(&e, msg, sizeof(msg));
	n = strnlen(msg, sizeof(msg));
	if (n == sizeof(msg))
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)msg[i] < 0x20 || (unsigned char)msg[i] > 0x7e)
			abort();
	return 0;
}
