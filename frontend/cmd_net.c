/*
 * Network commands and events: the DHT connection as netd reports it
 * (through keyd), and `bootstrap HOST PORT KEY` (or HOST:PORT:KEY, as
 * --bootstrap and the configuration take it).
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/log.h"
#include "common/node_spec.h"
#include "frontend/cmd.h"
#include "frontend/cmd_net.h"
#include "frontend/frontend.h"
#include "ipc/msg_net.h"

static const char *const state_names[NET_DHT_STATE_MAX] = {
	[NET_DHT_NONE] = "none",
	[NET_DHT_UDP] = "udp",
};

static struct ipc_net_status	last;
static int			have_last;

json_t *
net_onion_json(void)
{
	if (!have_last)
		return json_null();
	return json_pack("{s:b, s:i}", "announced",
	    last.onion == NET_ONION_ANNOUNCED, "nodes",
	    (int)last.onion_nodes);
}

json_t *
net_status_json(void)
{
	char	pk[2 * PN_PK_LEN + 1];

	if (!have_last)
		return json_null();
	hex_encode(last.dht_pk, sizeof(last.dht_pk), pk);
	return json_pack("{s:s, s:s, s:i, s:I}", "state",
	    state_names[last.state], "dht_public_key", pk, "udp_port",
	    (int)last.udp_port, "good_nodes", (json_int_t)last.good_nodes);
}

int
net_status_msg(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_net_status	st;
	int			changed, onion_changed;

	if (ipc_unpack_net_status(r, &st) == -1)
		return -1;
	/* An event when a state changes, not per node. */
	changed = !have_last || st.state != last.state;
	onion_changed = (have_last ? last.onion : NET_ONION_OFF) != st.onion &&
	    (st.onion == NET_ONION_ANNOUNCED || (have_last &&
	    last.onion == NET_ONION_ANNOUNCED));
	last = st;
	have_last = 1;
	if (changed)
		ui_event("dht", net_status_json());
	if (onion_changed)
		ui_event("onion", net_onion_json());
	return 0;
}

/* {"host", "port", "key"}, or {"host": "HOST:PORT:KEY"}. */
static int
parse_node(json_t *args, struct packed_node *pn, const char **why)
{
	json_t		*h = json_object_get(args, "host");
	json_t		*p = json_object_get(args, "port");
	json_t		*k = json_object_get(args, "key");
	char		 hb[INET6_ADDRSTRLEN + 8], pb[16], kb[2 * PN_PK_LEN + 2];
	char		 port[24];

	memset(pn, 0, sizeof(*pn));
	*why = "give the node as HOST PORT KEY or HOST:PORT:KEY";
	if (!json_is_string(h))
		return -1;
	if (p == NULL && k == NULL) {
		if (node_spec_split(json_string_value(h), hb, sizeof(hb), pb,
		    sizeof(pb), kb, sizeof(kb)) == -1)
			return -1;
		return node_spec_from(hb, pb, kb, pn, why);
	}
	if (json_is_integer(p))
		snprintf(port, sizeof(port), "%lld",
		    (long long)json_integer_value(p));
	else if (json_is_string(p) && json_string_length(p) < sizeof(port))
		snprintf(port, sizeof(port), "%s", json_string_value(p));
	else {
		*why = "\"port\" must be 1 to 65535";
		return -1;
	}
	if (!json_is_string(k)) {
		*why = "\"key\" must be the node's 64-digit hex DHT public key";
		return -1;
	}
	return node_spec_from(json_string_value(h), port, json_string_value(k),
	    pn, why);
}

static void
cmd_bootstrap(struct cmd_ctx *ctx, json_t *args)
{
	struct packed_node	 pn;
	const char		*why;
	uint8_t			 buf[64];
	struct wr		 w;

	if (parse_node(args, &pn, &why) == -1) {
		ui_reply_err(ctx, "%s", why);
		return;
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_bootstrap(&w, &pn);
	ui_request(ctx, frontend_chan(ROLE_KEYD), IPC_NET_BOOTSTRAP, buf, w.len, -1,
	    ui_reply_from_ok);
}

const struct cmd cmds_net[] = {
	{ "bootstrap", cmd_bootstrap, "host port key",
	    "bootstrap the DHT from a node: IP address, port, DHT key "
	    "(or HOST:PORT:KEY)", CMD_SESSION },
	{ NULL, NULL, NULL, NULL, 0 }
};
