/* IP address and port helpers: see ipp.h. */
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "netd/ipp.h"

static const uint8_t v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

int
ipp_equal(const struct ip_port *a, const struct ip_port *b)
{
	return ipp_same_ip(a, b) && a->port == b->port;
}

int
ipp_same_ip(const struct ip_port *a, const struct ip_port *b)
{
	if (a->family != b->family)
		return 0;
	if (a->family == IPP_V4)
		return memcmp(a->ip, b->ip, 4) == 0;
	if (a->family == IPP_V6)
		return memcmp(a->ip, b->ip, 16) == 0;
	if (ipp_is_virtual(a))
		return memcmp(a->ip, b->ip, 4) == 0;
	return 0;
}

int
ipp_isset(const struct ip_port *a)
{
	static const uint8_t	zero[16];

	if (a->family == IPP_V4)
		return memcmp(a->ip, zero, 4) != 0;
	if (a->family == IPP_V6)
		return memcmp(a->ip, zero, 16) != 0;
	return ipp_is_virtual(a);
}

int
ipp_is_virtual(const struct ip_port *a)
{
	return a->family == IPP_TCP || a->family == IPP_RELAY ||
	    a->family == IPP_SRV;
}

static void
virtual_set(struct ip_port *a, uint8_t family, unsigned i)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	a->ip[0] = (uint8_t)(i >> 24);
	a->ip[1] = (uint8_t)(i >> 16);
	a->ip[2] = (uint8_t)(i >> 8);
	a->ip[3] = (uint8_t)i;
}

static long
virtual_index(const struct ip_port *a, uint8_t family)
{
	if (a->family != family)
		return -1;
	return (long)((uint32_t)a->ip[0] << 24 | (uint32_t)a->ip[1] << 16 |
	    (uint32_t)a->ip[2] << 8 | a->ip[3]);
}

void
ipp_tcp(struct ip_port *a, unsigned i)
{
	virtual_set(a, IPP_TCP, i);
}

long
ipp_tcp_index(const struct ip_port *a)
{
	return virtual_index(a, IPP_TCP);
}

void
ipp_relay(struct ip_port *a, unsigned i)
{
	virtual_set(a, IPP_RELAY, i);
}

long
ipp_relay_index(const struct ip_port *a)
{
	return virtual_index(a, IPP_RELAY);
}

void
ipp_srv(struct ip_port *a, unsigned i)
{
	virtual_set(a, IPP_SRV, i);
}

long
ipp_srv_index(const struct ip_port *a)
{
	return virtual_index(a, IPP_SRV);
}

void
ipp_normalize(struct ip_port *a)
{
	if (a->family != IPP_V6 || memcmp(a->ip, v4mapped, 12) != 0)
		return;
	memmove(a->ip, a->ip + 12, 4);
	memset(a->ip + 4, 0, 12);
	a->family = IPP_V4;
}

static int
v4_is_lan(const uint8_t *ip)
{
	if (ip[0] == 127 || ip[0] == 10)
		return 1;
	if (ip[0] == 172 && ip[1] >= 16 && ip[1] <= 31)
		return 1;
	if (ip[0] == 192 && ip[1] == 168)
		return 1;
	if (ip[0] == 169 && ip[1] == 254 && ip[2] != 0 && ip[2] != 255)
		return 1;
	if (ip[0] == 100 && (ip[1] & 0xc0) == 64)
		return 1;
	return 0;
}

int
ipp_is_lan(const struct ip_port *a)
{
	static const uint8_t	loop6[16] = { [15] = 1 };

	if (a->family == IPP_V4)
		return v4_is_lan(a->ip);
	if (a->family != IPP_V6)
		return 0;
	if (memcmp(a->ip, loop6, 16) == 0)
		return 1;
	if (a->ip[0] == 0xff && a->ip[1] < 3 && a->ip[15] == 1)
		return 1;
	if (a->ip[0] == 0xfe && (a->ip[1] & 0xc0) == 0x80)
		return 1;
	if (memcmp(a->ip, v4mapped, 12) == 0)
		return v4_is_lan(a->ip + 12);
	return 0;
}

int
ipp_set(struct ip_port *a, const uint8_t *ip, size_t iplen, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	if (iplen == 4)
		a->family = IPP_V4;
	else if (iplen == 16)
		a->family = IPP_V6;
	else
		return -1;
	memcpy(a->ip, ip, iplen);
	a->port = port;
	return 0;
}

int
ipp_to_node(const struct ip_port *a, const uint8_t pk[PN_PK_LEN],
    struct packed_node *n)
{
	uint8_t	key[PN_PK_LEN];

	memcpy(key, pk, sizeof(key));	/* pk may point into n */
	memset(n, 0, sizeof(*n));
	if (a->family == IPP_V4)
		n->family = PN_UDP4;
	else if (a->family == IPP_V6)
		n->family = PN_UDP6;
	else
		return -1;
	memcpy(n->ip, a->ip, sizeof(n->ip));
	n->port = a->port;
	memcpy(n->pk, key, PN_PK_LEN);
	return 0;
}

int
ipp_from_node(const struct packed_node *n, struct ip_port *a)
{
	if (n->family == PN_UDP4)
		return ipp_set(a, n->ip, 4, n->port);
	if (n->family == PN_UDP6)
		return ipp_set(a, n->ip, 16, n->port);
	memset(a, 0, sizeof(*a));
	return -1;
}

const char *
ipp_fmt(const struct ip_port *a, char buf[IPP_STRLEN])
{
	char	ip[INET6_ADDRSTRLEN];

	if (a->family == IPP_V4 &&
	    inet_ntop(AF_INET, a->ip, ip, sizeof(ip)) != NULL)
		(void)snprintf(buf, IPP_STRLEN, "%s:%u", ip, a->port);
	else if (a->family == IPP_V6 &&
	    inet_ntop(AF_INET6, a->ip, ip, sizeof(ip)) != NULL)
		(void)snprintf(buf, IPP_STRLEN, "[%s]:%u", ip, a->port);
	else if (a->family == IPP_TCP)
		(void)snprintf(buf, IPP_STRLEN, "tcp relay peer %ld",
		    ipp_tcp_index(a));
	else if (a->family == IPP_RELAY)
		(void)snprintf(buf, IPP_STRLEN, "tcp relay %ld",
		    ipp_relay_index(a));
	else if (a->family == IPP_SRV)
		(void)snprintf(buf, IPP_STRLEN, "relay client %ld",
		    ipp_srv_index(a));
	else
		(void)snprintf(buf, IPP_STRLEN, "(none)");
	return buf;
}

int
ipp_parse(const char *ip, uint16_t port, struct ip_port *a)
{
	uint8_t	b[16];

	if (inet_pton(AF_INET, ip, b) == 1)
		return ipp_set(a, b, 4, port);
	if (inet_pton(AF_INET6, ip, b) == 1) {
		(void)ipp_set(a, b, 16, port);
		ipp_normalize(a);
		return 0;
	}
	memset(a, 0, sizeof(*a));
	return -1;
}
