/* HOST:PORT:KEY: see node_spec.h. */
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/node_spec.h"

#define HOST_MAX	(INET6_ADDRSTRLEN + 8)

int
node_spec_split(const char *s, char *host, size_t hostsz, char *port,
    size_t portsz, char *key, size_t keysz)
{
	const char	*kc, *pc;
	size_t		 hl, pl, kl;

	/* from the right: the key and the port hold no colon */
	if ((kc = strrchr(s, ':')) == NULL || kc == s)
		return -1;
	for (pc = kc - 1; pc > s && *pc != ':'; pc--)
		;
	if (*pc != ':' || pc == s)
		return -1;
	hl = (size_t)(pc - s);
	pl = (size_t)(kc - pc - 1);
	kl = strlen(kc + 1);
	if (s[0] == '[' && hl >= 2 && s[hl - 1] == ']') {
		s++;
		hl -= 2;
	}
	if (hl >= hostsz || pl >= portsz || kl >= keysz)
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	memcpy(port, pc + 1, pl);
	port[pl] = '\0';
	memcpy(key, kc + 1, kl + 1);
	return 0;
}

int
node_spec_from(const char *host, const char *port, const char *key,
    struct packed_node *pn, const char **why)
{
	unsigned long	 v;
	char		*end;

	memset(pn, 0, sizeof(*pn));
	*why = "the host must be an IPv4 or IPv6 address (no names: netd "
	    "does no DNS)";
	if (inet_pton(AF_INET, host, pn->ip) == 1)
		pn->family = PN_UDP4;
	else if (inet_pton(AF_INET6, host, pn->ip) == 1)
		pn->family = PN_UDP6;
	else
		return -1;
	*why = "the port must be 1 to 65535";
	if (port[0] < '0' || port[0] > '9')
		return -1;
	v = strtoul(port, &end, 10);
	if (*end != '\0' || v < 1 || v > 65535)
		return -1;
	pn->port = (uint16_t)v;
	*why = "the key must be the node's 64-digit hex DHT public key";
	if (hex_decode(key, strlen(key), pn->pk, sizeof(pn->pk)) == -1)
		return -1;
	return 0;
}

int
node_spec_parse(const char *s, struct packed_node *pn, const char **why)
{
	char	host[HOST_MAX], port[16], key[2 * PN_PK_LEN + 2];

	*why = "want HOST:PORT:KEY (an IP literal, a port, 64 hex digits)";
	if (node_spec_split(s, host, sizeof(host), port, sizeof(port), key,
	    sizeof(key)) == -1)
		return -1;
	return node_spec_from(host, port, key, pn, why);
}
