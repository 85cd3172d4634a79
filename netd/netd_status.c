/* netd's NET_STATUS to keyd: see netd_status.h. */
#include <string.h>

#include "common/log.h"
#include "common/mono.h"
#include "netd/netd_dht.h"
#include "netd/netd_onion_client.h"
#include "netd/netd_status.h"

static struct {
	struct chan		*keyd;
	struct ipc_net_status	 last;
	uint64_t		 last_sent;
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
