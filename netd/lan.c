/* LAN discovery targets: see lan.h. */
#include <string.h>

#include "netd/lan.h"
#include "netd/udp.h"

void
lan_init(struct lan *l)
{
	l->next_port = UDP_PORT_FIRST + 1;
}

static unsigned
add_ports(struct ip_port *out, unsigned n, const struct ip_port *base,
    uint16_t first, uint16_t last)
{
	uint32_t	p;

	out[n] = *base;
	out[n++].port = UDP_PORT_FIRST;
	for (p = first; p < last; p++) {
		out[n] = *base;
		out[n++].port = (uint16_t)p;
	}
	return n;
}

unsigned
lan_round(struct lan *l, int v6, struct ip_port out[LAN_MAX_TARGETS])
{
	static const uint8_t	bcast[4] = { 255, 255, 255, 255 };
	static const uint8_t	local[4] = { 127, 0, 0, 1 };
	static const uint8_t	all6[16] = { 0xff, 0x02, [15] = 0x01 };
	struct ip_port		base;
	uint16_t		first = l->next_port, last;
	unsigned		n = 0;

	last = (uint16_t)(first + LAN_PORTS_PER_ROUND);
	if (last > UDP_PORT_LAST)
		last = UDP_PORT_LAST;
	(void)ipp_set(&base, bcast, 4, 0);
	n = add_ports(out, n, &base, first, last);
	(void)ipp_set(&base, local, 4, 0);
	n = add_ports(out, n, &base, first, last);
	if (v6) {
		(void)ipp_set(&base, all6, 16, 0);
		n = add_ports(out, n, &base, first, last);
	}
	/* The default port is in every round; the window cycles the rest. */
	l->next_port = last != UDP_PORT_LAST ? last : UDP_PORT_FIRST + 1;
	return n;
}
