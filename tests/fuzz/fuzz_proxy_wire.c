/*
 * The proxy handshake readers (netd/proxy_wire.c), fed what a hostile
 * proxy may send: the first byte picks the reader, the rest is its input.
 * A reader must never take more than it was given, a SOCKS5 reply must
 * account for every byte it took, and every prefix of a message that
 * parsed must ask for more rather than parse or fail.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netd/proxy_wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct socks5_reply	r;
	long			n, m;
	size_t			i;
	int			st;

	if (len < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		n = socks5_method_read(data + 1, len - 1);
		if (n > (long)(len - 1) || (n != -1 && n != 0 && n != 2))
			abort();
		break;
	case 1:
		n = socks5_reply_read(data + 1, len - 1, &r);
		if (n > (long)(len - 1) || n < -1)
			abort();
		if (n > 0) {
			if ((size_t)n != 4 + (r.atyp == SOCKS5_ATYP_NAME) +
			    (size_t)r.addrlen + 2)
				abort();
			for (i = 0; i < (size_t)n; i++)
				if (socks5_reply_read(data + 1, i, &r) != 0)
					abort();
		}
		break;
	default:
		n = http_reply_read(data + 1, len - 1, &st);
		if (n > (long)(len - 1) || n < -1)
			abort();
		if (n > 0) {
			if (st < 100 || st > 599)
				abort();
			m = http_reply_read(data + 1, (size_t)n, &st);
			if (m != n)
				abort();
		}
		break;
	}
	return 0;
}
