/* netd's NET_STATUS to keyd: see netd_status.h. */
#include <string.h>

#include "common/log.h"
#include "common/mono.h"
#include "netd/netd_dht.h"
#include "common/loop.h"
#include "ipc/msg_relays.h"
#include "netd/netd_onion_client.h"
#include "netd/netd_status.h"
#include "netd/netd_tcp.h"
#include "netd/netd_tcp_server.h"

static struct {
	struct chan		*keyd;
	struct ipc_net_status	 last;
	uint64_t		 last_sent;
	struct ipc_net_relays	 relays;		/* as last sent */
	struct timer		 relays_timer;
	int			 relays_init;
} g;

void
netd_status_init(struct chan *keyd)
{
	g.keyd = keyd;
}

void
netd_status_get(struct ipc_net_status *s)
{
	netd_dht_status(s);
	netd_oc_status(s);
}

void
netd_status_report(void)
{
	struct ipc_net_status	s;
	uint8_t			buf[IPC_NET_STATUS_LEN];
	struct wr		w;
	uint64_t		now = mono_ms();
	int			state_changed;

	/* under keyd, the key is keyd's: nothing said before it is ours */
	if (g.keyd != NULL && !netd_dht_key_final())
		return;
	netd_status_get(&s);
	/* a new DHT key (keyd's, just after start) is news at once */
	state_changed = g.last_sent == 0 || s.state != g.last.state ||
	    s.onion != g.last.onion ||
	    memcmp(s.dht_pk, g.last.dht_pk, sizeof(s.dht_pk)) != 0;
	if (!state_changed && s.good_nodes == g.last.good_nodes &&
	    s.onion_nodes == g.last.onion_nodes)
		return;
	if (!state_changed && now < g.last_sent + NETD_STATUS_MIN_MS)
		return;
	if (s.state != g.last.state || g.last_sent == 0)
		log_info("DHT %s, %u good nodes",
		    s.state == NET_DHT_UDP ? "connected over UDP" :
		    "not connected", s.good_nodes);
	if (s.onion != g.last.onion && s.onion != NET_ONION_OFF)
		log_info("onion: %s, %u announce nodes",
		    s.onion == NET_ONION_ANNOUNCED ? "announced" :
		    "not announced", s.onion_nodes);
	g.last = s;
	g.last_sent = now;
	if (g.keyd == NULL)
		return;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_status(&w, &s);
	(void)chan_send_wr(g.keyd, IPC_NET_STATUS, 0, &w);
}

/* The relays now, as NET_RELAYS carries them. */
static void
relays_now(struct ipc_net_relays *m)
{
	static struct netd_tcp_relay_info	info[IPC_NET_RELAYS_MAX];
	size_t					n, i;

	memset(m, 0, sizeof(*m));
	m->server_clients = netd_tcp_server_stats() == NULL ?
	    IPC_RELAY_NO_SERVER : (uint16_t)netd_tcp_server_clients();
	n = netd_tcp_relays(info, IPC_NET_RELAYS_MAX);
	for (i = 0; i < n; i++) {
		memcpy(m->r[i].pk, info[i].pk, sizeof(m->r[i].pk));
		m->r[i].state = info[i].st;
		m->r[i].src = info[i].src;
		m->r[i].friends = info[i].peers_online;
		if (info[i].ipp.family == IPP_V4 ||
		    info[i].ipp.family == IPP_V6) {
			m->r[i].family = info[i].ipp.family == IPP_V4 ? 4 : 6;
			memcpy(m->r[i].ip, info[i].ipp.ip, sizeof(m->r[i].ip));
			m->r[i].port = info[i].ipp.port;
		}
		memcpy(m->r[i].where, info[i].where,
		    sizeof(m->r[i].where) - 1);
	}
	m->n = (uint8_t)n;
}

static void
relays_report(struct timer *t)
{
	static struct ipc_net_relays	now;
	static uint8_t			buf[IPC_NET_RELAYS_MAX_LEN];
	struct wr			w;

	(void)t;
	relays_now(&now);
	if (memcmp(&now, &g.relays, sizeof(now)) == 0)
		return;
	g.relays = now;
	if (g.keyd == NULL || !g.keyd->open)
		return;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_relays(&w, &now);
	if (wr_ok(&w))
		(void)chan_send_wr(g.keyd, IPC_NET_RELAYS, 0, &w);
}

void
netd_status_relays(void)
{
	if (!g.relays_init) {
		timer_init(&g.relays_timer, relays_report, NULL);
		g.relays_init = 1;
	}
	if (!timer_armed(&g.relays_timer))
		timer_after(&g.relays_timer, NETD_RELAYS_MIN_MS);
}
