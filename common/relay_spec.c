/* TCP relays and proxies as the user writes them: see relay_spec.h. */
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/node_spec.h"
#include "common/relay_spec.h"

static int
host_name_ok(const char *h)
{
	size_t	i, n = strlen(h);

	if (n == 0 || n > RELAY_HOST_MAX || h[0] == '.' || h[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') ||
		    (h[i] >= 'A' && h[i] <= 'Z') ||
		    (h[i] >= '0' && h[i] <= '9') || h[i] == '-' ||
		    h[i] == '.'))
			return 0;
	return 1;
}

static int
port_parse(const char *s, uint16_t *port)
{
	unsigned long	 v;
	char		*end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static int
ip_parse(const char *h, uint8_t *family, uint8_t ip[16])
{
	memset(ip, 0, 16);
	if (inet_pton(AF_INET, h, ip) == 1)
		*family = 4;
	else if (inet_pton(AF_INET6, h, ip) == 1)
		*family = 6;
	else
		return -1;
	return 0;
}

int
relay_spec_parse(const char *s, struct relay_spec *r, const char **why)
{
	char	port[16], key[2 * 32 + 2];

	memset(r, 0, sizeof(*r));
	*why = "want HOST:PORT:KEY (an IP literal or a host name, a port, "
	    "64 hex digits)";
	if (node_spec_split(s, r->host, sizeof(r->host), port, sizeof(port),
	    key, sizeof(key)) == -1)
		return -1;
	if (ip_parse(r->host, &r->family, r->ip) == -1) {
		*why = "the host must be an IP address or a host name";
		if (strchr(r->host, ':') != NULL || !host_name_ok(r->host))
			return -1;
		r->family = 0;
	}
	*why = "the port must be 1 to 65535";
	if (port_parse(port, &r->port) == -1)
		return -1;
	*why = "the key must be the relay's 64-digit hex public key";
	if (strlen(key) != 64 ||
	    hex_decode(key, strlen(key), r->pk, sizeof(r->pk)) == -1)
		return -1;
	return 0;
}

int
proxy_spec_parse(const char *s, struct proxy_spec *p, const char **why)
{
	char		 host[64];
	const char	*rest, *colon;
	size_t		 hl;

	memset(p, 0, sizeof(*p));
	*why = "want socks5://HOST:PORT or http://HOST:PORT";
	if (strncmp(s, "socks5://", 9) == 0) {
		p->kind = PROXY_SOCKS5;
		rest = s + 9;
	} else if (strncmp(s, "http://", 7) == 0) {
		p->kind = PROXY_HTTP;
		rest = s + 7;
	} else
		return -1;
	if ((colon = strrchr(rest, ':')) == NULL || colon == rest)
		return -1;
	hl = (size_t)(colon - rest);
	if (rest[0] == '[' && hl >= 2 && rest[hl - 1] == ']') {
		rest++;
		hl -= 2;
	}
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, rest, hl);
	host[hl] = '\0';
	*why = "the proxy's port must be 1 to 65535";
	if (port_parse(colon + 1, &p->port) == -1)
		return -1;
	/* the supervisor resolves nothing: only a literal, or localhost */
	*why = "the proxy's host must be an IP address or localhost";
	if (strcmp(host, "localhost") == 0) {
		p->family = 4;
		p->ip[0] = 127;
		p->ip[3] = 1;
		return 0;
	}
	return ip_parse(host, &p->family, p->ip);
}
