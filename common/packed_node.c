/* Packed node encoding: see packed_node.h. */
#include <string.h>

#include "common/packed_node.h"

int
packed_node_family_ok(uint8_t family, int tcp_ok)
{
	switch (family) {
	case PN_UDP4:
	case PN_UDP6:
		return 1;
	case PN_TCP4:
	case PN_TCP6:
		return tcp_ok != 0;
	default:
		return 0;
	}
}

size_t
packed_node_ip_len(uint8_t family)
{
	switch (family) {
	case PN_UDP4:
	case PN_TCP4:
		return 4;
	case PN_UDP6:
	case PN_TCP6:
		return 16;
	default:
		return 0;
	}
}

size_t
packed_node_size(const struct packed_node *n)
{
	size_t	iplen = packed_node_ip_len(n->family);

	return iplen == 0 ? 0 : 1 + iplen + 2 + PN_PK_LEN;
}

int
packed_node_unpack(struct rd *r, struct packed_node *n, int tcp_ok)
{
	uint8_t	family;
	size_t	iplen;

	memset(n, 0, sizeof(*n));
	if (rd_u8(r, &family) == -1)
		return -1;
	if (!packed_node_family_ok(family, tcp_ok)) {
		rd_fail(r);
		return -1;
	}
	n->family = family;
	iplen = packed_node_ip_len(family);
	rd_bytes(r, n->ip, iplen);
	rd_u16(r, &n->port);
	rd_bytes(r, n->pk, sizeof(n->pk));
	return rd_ok(r) ? 0 : -1;
}

void
packed_node_pack(struct wr *w, const struct packed_node *n)
{
	size_t	iplen = packed_node_ip_len(n->family);

	if (iplen == 0) {
		wr_fail(w);
		return;
	}
	wr_u8(w, n->family);
	wr_bytes(w, n->ip, iplen);
	wr_u16(w, n->port);
	wr_bytes(w, n->pk, sizeof(n->pk));
}

long
packed_nodes_count(const uint8_t *data, size_t len, int tcp_ok)
{
	struct packed_node	n;
	struct rd		r;
	long			count = 0;

	rd_init(&r, data, len);
	while (rd_left(&r) > 0) {
		if (packed_node_unpack(&r, &n, tcp_ok) == -1)
			return -1;
		count++;
	}
	return count;
}
