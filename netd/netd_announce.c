/* The announce store on the event loop: see netd_announce.h. */
#include <string.h>

#include "common/log.h"
#include "common/mono.h"
#include "netd/dht.h"
#include "netd/net.h"
#include "netd/netd_announce.h"
#include "netd/netd_dht.h"

static void	ann_rx(void *, const struct ip_port *, const uint8_t *, size_t);

static struct {
	struct announce		a;	/* fixed: about 43 KB, never grows */
	struct net_proto	proto;
} g = { .proto = { "announce", ann_rx, NULL, NULL, 0 } };

static int
send_cb(void *arg, const struct ip_port *to, const uint8_t *pkt, size_t len)
{
	return net_send(to, pkt, len);
}

static unsigned
close_cb(void *arg, const uint8_t *target, int requester_lan,
    struct dht_node out[DHT_GET_CLOSE_MAX])
{
	return dht_get_close(netd_dht_engine(), target, requester_lan, out);
}

static void
ann_rx(void *arg, const struct ip_port *from, const uint8_t *pkt, size_t len)
{
	(void)announce_handle_packet(&g.a, from, pkt, len, mono_ms());
}

void
netd_announce_serve(void)
{
	struct dht	*d;

	if ((d = netd_dht_engine()) == NULL)
		fatalx("announce store: no DHT engine");
	announce_init(&g.a, &d->keys, send_cb, NULL, close_cb, NULL);
	net_register(ONION_ANNOUNCE_REQ, &g.proto);
	net_register(ONION_DATA_REQ, &g.proto);
}

const struct announce_stats *
netd_announce_stats(void)
{
	return &g.a.stats;
}
