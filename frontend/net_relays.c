/* The TCP relays netd reports: see net_relays.h. */
#include <string.h>

#include "common/hex.h"
#include "frontend/net_relays.h"
#include "ipc/msg_relays.h"

static const char *const state_names[IPC_RELAY_STATE_MAX] = {
	[IPC_RELAY_IDLE] = "idle",
	[IPC_RELAY_CONNECTING] = "connecting",
	[IPC_RELAY_UP] = "up",
	[IPC_RELAY_WAITING] = "waiting",
};

/* none served until netd says otherwise */
static struct ipc_net_relays	last = { .server_clients = IPC_RELAY_NO_SERVER };

int
net_relays_msg(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_net_relays	rl;

	if (ipc_unpack_net_relays(r, &rl) == -1)
		return -1;
	last = rl;
	return 0;
}

json_t *
net_relays_json(void)
{
	static const char *const src_names[] = {
		"configured", "nodes", "friend",
	};
	json_t	*a = json_array(), *src;
	char	 pk[65];
	size_t	 i, k;

	for (i = 0; i < last.n; i++) {
		src = json_array();
		for (k = 0; k < 3; k++)
			if (last.r[i].src & (1u << k))
				json_array_append_new(src,
				    json_string(src_names[k]));
		hex_encode(last.r[i].pk, sizeof(last.r[i].pk), pk);
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:o, "
		    "s:i}", "public_key", pk, "address", last.r[i].where,
		    "state", state_names[last.r[i].state], "source", src,
		    "friends", (int)last.r[i].friends));
	}
	return a;
}

json_t *
net_relay_server_json(void)
{
	if (last.server_clients == IPC_RELAY_NO_SERVER)
		return json_null();
	return json_pack("{s:i}", "clients", (int)last.server_clients);
}
