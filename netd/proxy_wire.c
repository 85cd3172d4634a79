/* Proxy handshakes, a pure codec: see proxy_wire.h. */
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "netd/proxy_wire.h"

void
socks5_greeting(struct wr *w)
{
	wr_u8(w, SOCKS5_VERSION);
	wr_u8(w, 1);		/* one method offered: */
	wr_u8(w, 0);		/* no authentication */
}

long
socks5_method_read(const uint8_t *p, size_t len)
{
	struct rd	r;
	uint8_t		ver, method;

	if (len < SOCKS5_METHOD_LEN)
		return len > 0 && p[0] != SOCKS5_VERSION ? -1 : 0;
	rd_init(&r, p, SOCKS5_METHOD_LEN);
	rd_u8(&r, &ver);
	rd_u8(&r, &method);
	if (!rd_done(&r) || ver != SOCKS5_VERSION || method != 0)
		return -1;	/* 0xff: none of ours acceptable */
	return SOCKS5_METHOD_LEN;
}

void
socks5_connect(struct wr *w, const struct proxy_target *t)
{
	size_t	n;

	wr_u8(w, SOCKS5_VERSION);
	wr_u8(w, 1);		/* CONNECT */
	wr_u8(w, 0);		/* reserved */
	switch (t->family) {
	case 4:
		wr_u8(w, SOCKS5_ATYP_IPV4);
		wr_bytes(w, t->ip, 4);
		break;
	case 6:
		wr_u8(w, SOCKS5_ATYP_IPV6);
		wr_bytes(w, t->ip, 16);
		break;
	case 0:
		n = strnlen(t->name, sizeof(t->name));
		if (n == 0 || n > PROXY_NAME_MAX) {
			wr_fail(w);
			return;
		}
		wr_u8(w, SOCKS5_ATYP_NAME);
		wr_u8(w, (uint8_t)n);
		wr_bytes(w, t->name, n);
		break;
	default:
		wr_fail(w);
		return;
	}
	wr_u16(w, t->port);
}

long
socks5_reply_read(const uint8_t *p, size_t len, struct socks5_reply *out)
{
	struct rd	r;
	uint8_t		ver, rsv;
	size_t		need;

	memset(out, 0, sizeof(*out));
	/* how long the reply is follows from its first 4 or 5 bytes */
	if (len >= 1 && p[0] != SOCKS5_VERSION)
		return -1;
	if (len < 4)
		return 0;
	switch (p[3]) {
	case SOCKS5_ATYP_IPV4:
		need = 4 + 4 + 2;
		break;
	case SOCKS5_ATYP_IPV6:
		need = 4 + 16 + 2;
		break;
	case SOCKS5_ATYP_NAME:
		if (len < 5)
			return 0;
		need = 4 + 1 + (size_t)p[4] + 2;
		break;
	default:
		return -1;
	}
	if (len < need)
		return 0;
	rd_init(&r, p, need);
	rd_u8(&r, &ver);
	rd_u8(&r, &out->rep);
	rd_u8(&r, &rsv);
	rd_u8(&r, &out->atyp);
	if (out->atyp == SOCKS5_ATYP_NAME)
		rd_u8(&r, &out->addrlen);
	else
		out->addrlen = out->atyp == SOCKS5_ATYP_IPV4 ? 4 : 16;
	rd_bytes(&r, out->addr, out->addrlen);
	rd_u16(&r, &out->port);
	if (!rd_done(&r) || rsv != 0)
		return -1;
	return (long)need;
}

const char *
socks5_rep_str(uint8_t rep)
{
	static const char *const s[] = {
		"succeeded",
		"general SOCKS server failure",
		"connection not allowed by ruleset",
		"network unreachable",
		"host unreachable",
		"connection refused",
		"TTL expired",
		"command not supported",
		"address type not supported",
	};

	return rep < sizeof(s) / sizeof(s[0]) ? s[rep] : "unknown reply";
}

void
http_connect(struct wr *w, const struct proxy_target *t)
{
	char	host[PROXY_NAME_MAX + 3], line[2 * sizeof(host) + 64];
	char	ip[INET6_ADDRSTRLEN];
	size_t	n;
	int	len;

	switch (t->family) {
	case 4:
		inet_ntop(AF_INET, t->ip, ip, sizeof(ip));
		snprintf(host, sizeof(host), "%s", ip);
		break;
	case 6:
		inet_ntop(AF_INET6, t->ip, ip, sizeof(ip));
		snprintf(host, sizeof(host), "[%s]", ip);
		break;
	case 0:
		n = strnlen(t->name, sizeof(t->name));
		/* a name the request line can carry: no space, no CR/LF */
		if (n == 0 || n > PROXY_NAME_MAX ||
		    strcspn(t->name, " \t\r\n/@") != n) {
			wr_fail(w);
			return;
		}
		snprintf(host, sizeof(host), "%s", t->name);
		break;
	default:
		wr_fail(w);
		return;
	}
	len = snprintf(line, sizeof(line),
	    "CONNECT %s:%u HTTP/1.1\r\nHost: %s:%u\r\n\r\n",
	    host, (unsigned)t->port, host, (unsigned)t->port);
	if (len < 0 || (size_t)len >= sizeof(line)) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, line, (size_t)len);
}

long
http_reply_read(const uint8_t *p, size_t len, int *status)
{
	struct rd	 r;
	const uint8_t	*s;
	size_t		 i, end = 0, scan = len < PROXY_HTTP_MAX ? len :
			    PROXY_HTTP_MAX;
	uint8_t		 sp, d[3];

	*status = 0;
	/* the end of the head: a blank line, CRLF or bare LF */
	for (i = 0; i < scan; i++) {
		if (p[i] == '\0' || (p[i] < 0x20 && p[i] != '\r' &&
		    p[i] != '\n' && p[i] != '\t') || p[i] == 0x7f)
			return -1;
		if (p[i] != '\n')
			continue;
		if (i >= 1 && p[i - 1] == '\n') {
			end = i + 1;
			break;
		}
		if (i >= 2 && p[i - 1] == '\r' && p[i - 2] == '\n') {
			end = i + 1;
			break;
		}
	}
	if (end == 0)
		return len >= PROXY_HTTP_MAX ? -1 : 0;
	/* the status line: HTTP/1.x SP 3DIGIT (SP reason) */
	rd_init(&r, p, end);
	if ((s = rd_take(&r, 7)) == NULL || memcmp(s, "HTTP/1.", 7) != 0)
		return -1;
	if ((s = rd_take(&r, 1)) == NULL || (*s != '0' && *s != '1'))
		return -1;
	rd_u8(&r, &sp);
	rd_bytes(&r, d, sizeof(d));
	if (!rd_ok(&r) || sp != ' ')
		return -1;
	for (i = 0; i < sizeof(d); i++)
		if (d[i] < '0' || d[i] > '9')
			return -1;
	*status = (d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0');
	if (*status < 100 || *status > 599)
		return -1;
	rd_u8(&r, &sp);
	if (!rd_ok(&r) || (sp != ' ' && sp != '\r' && sp != '\n'))
		return -1;
	return (long)end;
}
