/*
 * Network commands and events: the DHT connection as netd reports it
 * (through keyd), and `bootstrap HOST PORT KEY`.
 */
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/log.h"
#include "frontend/ui.h"
#include "ipc/msg_net.h"

static const char *const state_names[NET_DHT_STATE_MAX] = {
	[NET_DHT_NONE] = "none",
	[NET_DHT_UDP] = "udp",
};

static struct ipc_net_status	last;
static int			have_last;

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
net_status_msg(struct rd *r)
{
	struct ipc_net_status	st;
	int			changed;

	if (ipc_unpack_net_status(r, &st) == -1)
		return -1;
	/* An event when the connection state changes, not per node. */
	changed = !have_last || st.state != last.state;
	last = st;
	have_last = 1;
	if (changed)
		ui_event("dht", net_status_json());
	return 0;
}

/* HOST (an IP literal: netd resolves no names), PORT, KEY (64 hex). */
static int
parse_node(json_t *args, struct packed_node *pn, const char **why)
{
	json_t		*h = json_object_get(args, "host");
	json_t		*p = json_object_get(args, "port");
	json_t		*k = json_object_get(args, "key");
	const char	*host;
	char		*end;
	long		 port;

	memset(pn, 0, sizeof(*pn));
	*why = "\"host\" must be an IPv4 or IPv6 address (no names: netd "
	    "does no DNS)";
	if (!json_is_string(h))
		return -1;
	host = json_string_value(h);
	if (inet_pton(AF_INET, host, pn->ip) == 1)
		pn->family = PN_UDP4;
	else if (inet_pton(AF_INET6, host, pn->ip) == 1)
		pn->family = PN_UDP6;
	else
		return -1;
	*why = "\"port\" must be 1 to 65535";
	if (json_is_integer(p))
		port = (long)json_integer_value(p);
	else if (json_is_string(p)) {
		port = strtol(json_string_value(p), &end, 10);
		if (*end != '\0' || end == json_string_value(p))
			return -1;
	} else
		return -1;
	if (port < 1 || port > 65535)
		return -1;
	pn->port = (uint16_t)port;
	*why = "\"key\" must be the node's 64-digit hex DHT public key";
	if (!json_is_string(k) || hex_decode(json_string_value(k),
	    json_string_length(k), pn->pk, sizeof(pn->pk)) == -1)
		return -1;
	return 0;
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
	ui_request(ctx, &ch_keyd, IPC_NET_BOOTSTRAP, buf, w.len, -1,
	    ui_reply_from_ok);
}

const struct cmd cmds_net[] = {
	{ "bootstrap", cmd_bootstrap, "host port key",
	    "bootstrap the DHT from a node: IP address, port, DHT key" },
	{ NULL, NULL, NULL, NULL }
};
