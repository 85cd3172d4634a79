/*
 * netd's onion relay on the event loop: see netd_onion.h.  One engine,
 * one timer (the secret's rotation); no polling.
 */
#include <stdint.h>

#include "common/log.h"
#include "common/loop.h"
#include "common/mono.h"
#include "netd/net.h"
#include "netd/netd_dht.h"
#include "netd/netd_onion.h"

static const uint8_t	onion_kinds[] = {
	ONION_REQ_0, ONION_REQ_1, ONION_REQ_2,
	ONION_RESP_3, ONION_RESP_2, ONION_RESP_1,
};

static void	onion_rx(void *, const struct ip_port *, const uint8_t *, size_t);

static struct {
	struct onion_relay	relay;
	struct net_proto	proto;
	struct timer		rotate;
} g = { .proto = { "onion", onion_rx, NULL, NULL, 0 } };

static int
send_cb(void *arg, const struct ip_port *to, const uint8_t *pkt, size_t len)
{
	return net_send(to, pkt, len);
}

static void
rotate_fn(struct timer *t)
{
	uint64_t	before = onion_relay_stats(&g.relay)->rotations;

	onion_relay_tick(&g.relay, mono_ms());
	timer_at(&g.rotate, onion_relay_deadline(&g.relay));
	if (onion_relay_stats(&g.relay)->rotations != before)
		log_debug("onion: sendback secret rotated");
}

/* A datagram of one of onion_kinds[], from the switch.  The rotation a
 * late packet may do moves the deadline later, never earlier, so the
 * timer needs no re-arming here: firing early it finds nothing due. */
static void
onion_rx(void *arg, const struct ip_port *from, const uint8_t *pkt, size_t len)
{
	(void)onion_relay_handle(&g.relay, from, pkt, len, mono_ms());
}

void
netd_onion_serve(void)
{
	struct dht_keys	*k;
	size_t		 i;

	if ((k = netd_dht_keys()) == NULL)
		fatalx("onion relay before the DHT");
	onion_relay_init(&g.relay, k, send_cb, NULL, mono_ms());
	timer_init(&g.rotate, rotate_fn, NULL);
	timer_at(&g.rotate, onion_relay_deadline(&g.relay));
	for (i = 0; i < sizeof(onion_kinds); i++)
		net_register(onion_kinds[i], &g.proto);
}

const struct onion_relay_stats *
netd_onion_stats(void)
{
	return onion_relay_stats(&g.relay);
}

void
netd_onion_tcp(const struct ip_port *from, const uint8_t *data, size_t len)
{
	(void)onion_relay_tcp(&g.relay, from, data, len, mono_ms());
}
