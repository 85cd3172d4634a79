/*
 * Proxy handshakes, a pure codec (no I/O): what netd writes to a socket
 * the supervisor connected to the proxy, and how it reads the answers,
 * before the socket carries a relay's bytes.
 *
 * SOCKS5 (RFC 1928), no authentication: the greeting 05 01 00, the
 * method choice 05 00; CONNECT 05 01 00 ATYP ADDR PORT with ATYP 1 (IPv4),
 * 4 (IPv6) or 3 (a host name, sent as is: "xyz.onion" reaches the proxy
 * as a name, nothing is resolved here); the reply 05 REP 00 ATYP ADDR
 * PORT, of any ATYP.
 *
 * HTTP CONNECT (RFC 9110): "CONNECT host:port HTTP/1.1", a Host header,
 * a blank line; the answer's status line and headers, read up to
 * PROXY_HTTP_MAX bytes; 2xx opens the tunnel.
 *
 * The readers take what has arrived so far: they return the number of
 * bytes the message took (what follows is the tunnel's), 0 if more must
 * arrive, or -1 if it is malformed, too long or a refusal.
 */
#ifndef BULKHEAD_NETD_PROXY_WIRE_H
#define BULKHEAD_NETD_PROXY_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "common/rd.h"

#define PROXY_NAME_MAX		255	/* SOCKS5 ATYP 3: one length byte */
#define PROXY_HTTP_MAX		4096	/* an HTTP answer's head, at most */

#define SOCKS5_VERSION		5
#define SOCKS5_ATYP_IPV4	1
#define SOCKS5_ATYP_NAME	3
#define SOCKS5_ATYP_IPV6	4
#define SOCKS5_REP_OK		0
#define SOCKS5_GREETING_LEN	3
#define SOCKS5_METHOD_LEN	2
/* The longest CONNECT and reply: 4 + 1 + 255 + 2. */
#define SOCKS5_MSG_MAX		(4 + 1 + PROXY_NAME_MAX + 2)

/* Where the tunnel goes: an address (family 4 or 6) or a name (0). */
struct proxy_target {
	uint8_t		family;
	uint8_t		ip[16];
	char		name[PROXY_NAME_MAX + 1];
	uint16_t	port;
};

struct socks5_reply {
	uint8_t		rep;		/* SOCKS5_REP_OK, or why not */
	uint8_t		atyp;
	uint8_t		addr[PROXY_NAME_MAX];	/* bound address, as sent */
	uint8_t		addrlen;
	uint16_t	port;
};

void	socks5_greeting(struct wr *);
/* The method choice: 2, 0, or -1 (not SOCKS5, or no method we offered). */
long	socks5_method_read(const uint8_t *, size_t);
/* CONNECT to t; wr's sticky error if t's name is empty or too long, or
 * its family neither 4, 6 nor a name. */
void	socks5_connect(struct wr *, const struct proxy_target *t);
/* The reply, of any ATYP; its length, 0, or -1 (malformed).  A refusal
 * parses: rep says it (socks5_rep_str). */
long	socks5_reply_read(const uint8_t *, size_t, struct socks5_reply *);
const char *socks5_rep_str(uint8_t rep);

/* CONNECT t HTTP/1.1, with Host; a name as it is, IPv6 in brackets. */
void	http_connect(struct wr *, const struct proxy_target *t);
/*
 * The answer's head, through its blank line: its length, 0 (more must
 * come, fewer than PROXY_HTTP_MAX bytes so far), or -1 (malformed, a NUL
 * or a control byte, or no end within PROXY_HTTP_MAX).  *status is the
 * status code (100-599); the caller opens the tunnel on 2xx only.
 */
long	http_reply_read(const uint8_t *, size_t, int *status);

#endif
