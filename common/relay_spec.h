/*
 * TCP relays and proxies as the user writes them, one grammar for the
 * supervisor (which checks them before anything starts, and gives the
 * socket broker the relays' addresses and the proxy) and netd (which
 * keeps them for its relay client):
 *
 *	--tcp-relay HOST:PORT:KEY	HOST an IP literal (IPv6 bare or in
 *					brackets), or, with a proxy only, a
 *					host name the proxy resolves
 *					("xyz.onion"); KEY 64 hex digits
 *	--proxy socks5://HOST:PORT	HOST an IP literal or "localhost":
 *	--proxy http://HOST:PORT	nothing here resolves a name
 */
#ifndef BULKHEAD_RELAY_SPEC_H
#define BULKHEAD_RELAY_SPEC_H

#include <stddef.h>
#include <stdint.h>

#define RELAY_HOST_MAX	255	/* a DNS name's length limit */

struct relay_spec {
	char		host[RELAY_HOST_MAX + 1];	/* as written */
	uint8_t		family;		/* 4 or 6; 0: a host name */
	uint8_t		ip[16];		/* IPv4 in the first 4 bytes */
	uint16_t	port;
	uint8_t		pk[32];
};

enum proxy_kind {
	PROXY_NONE = 0,
	PROXY_SOCKS5,
	PROXY_HTTP,
};

struct proxy_spec {
	enum proxy_kind	kind;
	uint8_t		family;		/* 4 or 6 */
	uint8_t		ip[16];
	uint16_t	port;
};

/* HOST:PORT:KEY; -1 with what is wrong in *why.  A host name is accepted
 * (family 0) if it is a plausible DNS name: letters, digits, '-', '.'. */
int	relay_spec_parse(const char *, struct relay_spec *, const char **why);
/* socks5://HOST:PORT or http://HOST:PORT; -1 with *why. */
int	proxy_spec_parse(const char *, struct proxy_spec *, const char **why);

#endif
