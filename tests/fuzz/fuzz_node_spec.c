/*
 * The HOST:PORT:KEY grammar (common/node_spec.c), which the supervisor
 * applies to --bootstrap and config lines, and netd and the frontend to
 * theirs: any input is refused with a reason, or parses to a UDP node
 * whose host, port and key, written back as HOST:PORT:KEY, parse to the
 * same node.
 */
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/node_spec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct packed_node	 a, b;
	const char		*why;
	char			 s[512], host[INET6_ADDRSTRLEN];
	char			 key[2 * PN_PK_LEN + 1], again[700];

	if (len >= sizeof(s))
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';		/* the options are C strings */
	if (node_spec_parse(s, &a, &why) == -1) {
		if (why == NULL || why[0] == '\0')
			abort();
		return 0;
	}
	if ((a.family != PN_UDP4 && a.family != PN_UDP6) || a.port == 0 ||
	    inet_ntop(a.family == PN_UDP4 ? AF_INET : AF_INET6, a.ip, host,
	    sizeof(host)) == NULL)
		abort();
	hex_encode(a.pk, sizeof(a.pk), key);
	snprintf(again, sizeof(again), a.family == PN_UDP6 ? "[%s]:%u:%s" :
	    "%s:%u:%s", host, (unsigned)a.port, key);
	if (node_spec_parse(again, &b, &why) == -1 || b.family != a.family ||
	    b.port != a.port || memcmp(a.ip, b.ip, sizeof(a.ip)) != 0 ||
	    memcmp(a.pk, b.pk, sizeof(a.pk)) != 0)
		abort();
	return 0;
}
