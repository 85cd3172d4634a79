/*
 * DRAFT, not called yet: the onion client on the event loop; see
 * netd_onion_client.h.
 */
#include <string.h>

#include "common/log.h"
#include "common/loop.h"
#include "common/mono.h"
#include "netd/net.h"
#include "netd/netd_dht.h"
#include "netd/netd_onion_client.h"

static void	oc_rx(void *, const struct ip_port *, const uint8_t *, size_t);
static void	oc_burst_end(void *);

static struct {
	struct onion_client	*oc;
	struct oc_ops		 ops;
	struct net_proto	 proto;
	struct timer		 tick;
	int			 announced;
} g = { .proto = { "onion client", oc_rx, oc_burst_end, NULL, 0 } };

static int
send_cb(void *arg, const struct ip_port *to, const uint8_t *pkt, size_t len)
{
	return net_send(to, pkt, len) == -1 ? -1 : 0;
}

static void
rearm(void)
{
	struct oc_status	st;
	uint64_t		next = onion_client_next_deadline(g.oc);

	if (next == UINT64_MAX)
		timer_cancel(&g.tick);
	else
		timer_at(&g.tick, next);
	onion_client_status(g.oc, mono_ms(), &st);
	if (st.announced != g.announced)
		log_info("onion: %s (%u of %u nodes hold us)",
		    st.announced ? "announced" : "not announced", st.stored,
		    st.nodes);
	g.announced = st.announced;
}

static void
tick_fn(struct timer *t)
{
	(void)onion_client_tick(g.oc, mono_ms());
	rearm();
}

static void
oc_rx(void *arg, const struct ip_port *from, const uint8_t *pkt, size_t len)
{
	(void)onion_client_handle(g.oc, from, pkt, len, mono_ms());
}

static void
oc_burst_end(void *arg)
{
	rearm();
}

void
netd_oc_serve(const uint8_t self_pk[ONION_PK_LEN],
    const struct netd_oc_codecs *c)
{
	const uint8_t	*dht_pk = netd_dht_self_pk();

	if (dht_pk == NULL)
		fatalx("%s: no DHT key yet", __func__);
	g.ops.onion_pack = c->onion_pack;
	g.ops.announce_pack = c->announce_pack;
	g.ops.announce_open = c->announce_open;
	g.ops.self_seal = c->self_seal;
	g.ops.self_open = c->self_open;
	g.ops.data_in = c->data_in;
	g.ops.send = send_cb;
	/* Every op gets the codecs' arg; send ignores it. */
	if ((g.oc = onion_client_new(&g.ops, c->arg, self_pk, dht_pk,
	    mono_ms())) == NULL)
		fatal("%s: onion_client_new", __func__);
	timer_init(&g.tick, tick_fn, NULL);
	net_register(ONION_ANNOUNCE_RESP, &g.proto);
	net_register(ONION_DATA_RESP, &g.proto);
	rearm();
}

int
netd_oc_add_node(const uint8_t pk[ONION_PK_LEN], const struct ip_port *ipp,
    int bootstrap)
{
	int	rv;

	if (g.oc == NULL)
		return -1;
	rv = onion_client_add_node(g.oc, pk, ipp, bootstrap);
	rearm();
	return rv;
}

void
netd_oc_self_sealed(uint32_t ctx, const uint8_t *req, size_t len)
{
	if (g.oc == NULL)
		return;
	onion_client_self_sealed(g.oc, ctx, req, len, mono_ms());
	rearm();
}

void
netd_oc_self_opened(uint32_t ctx, const struct oc_announce_result *res)
{
	if (g.oc == NULL)
		return;
	onion_client_self_opened(g.oc, ctx, res, mono_ms());
	rearm();
}

struct onion_client *
netd_oc(void)
{
	return g.oc;
}

void
netd_oc_changed(void)
{
	if (g.oc != NULL)
		rearm();
}
