/* LAN discovery on the event loop: see netd_lan.h. */
#include <string.h>

#include "common/loop.h"
#include "netd/dht_packet.h"
#include "netd/lan.h"
#include "netd/net.h"
#include "netd/netd_dht.h"
#include "netd/netd_lan.h"

static void	lan_rx(void *, const struct ip_port *, const uint8_t *, size_t);
static void	lan_burst_end(void *);

static struct {
	int			 no_lan;
	struct lan		 lan;
	struct timer		 t;
	struct net_proto	 proto;
	struct netd_lan_stats	 stats;
} l = { .proto = { "lan", lan_rx, lan_burst_end, NULL, 0 } };

int
netd_lan_option(int opt, const char *arg)
{
	if (opt != NETD_LAN_OPT_NO_LAN)
		return 0;
	l.no_lan = 1;
	return 1;
}

static int
lan_on(void)
{
	return !l.no_lan && net_udp_up();
}

static void
lan_rx(void *arg, const struct ip_port *from, const uint8_t *pkt, size_t len)
{
	uint8_t	pk[DHT_PK_LEN];

	/* Whoever is not on our LAN has no business announcing itself. */
	if (!lan_on() || !ipp_is_lan(from)) {
		l.stats.refused++;
		return;
	}
	if (dhtp_lan_parse(pkt, len, pk) == -1) {
		l.stats.malformed++;
		return;
	}
	if (netd_dht_lan_peer(from, pk) == -1)
		l.stats.refused++;	/* our own announcement, echoed */
	else
		l.stats.asked++;
}

/* The DHT sent requests: its next deadline may have moved. */
static void
lan_burst_end(void *arg)
{
	netd_dht_changed();
}

static void
lan_fn(struct timer *t)
{
	struct ip_port	 to[LAN_MAX_TARGETS];
	uint8_t		 pkt[DHT_LAN_LEN];
	const uint8_t	*pk;
	unsigned	 i, n;

	if ((pk = netd_dht_self_pk()) != NULL &&
	    dhtp_lan_pack(pk, pkt, sizeof(pkt)) > 0) {
		n = lan_round(&l.lan, net_udp_v6(), to);
		for (i = 0; i < n; i++)
			(void)net_send(&to[i], pkt, sizeof(pkt));
	}
	timer_after(&l.t, LAN_INTERVAL_MS);
}

void
netd_lan_serve(void)
{
	lan_init(&l.lan);
	timer_init(&l.t, lan_fn, NULL);
	net_register(DHT_LAN, &l.proto);
	if (lan_on())
		timer_after(&l.t, 0);
}

const struct netd_lan_stats *
netd_lan_stats(void)
{
	return &l.stats;
}
