/*
 * netd: speaks DHT, onion and TCP relays to the internet.  It faces every
 * stranger and so holds nothing worth stealing: no long-term key, no
 * session key, no plaintext message, no file access.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/packed_node.h"
#include "ipc/chan.h"
#include "netd/net.h"
#include "netd/netd_announce.h"
#include "netd/netd_dht.h"
#include "netd/netd_dhtpk.h"
#include "netd/netd_lan.h"
#include "netd/netd_nc.h"
#include "netd/netd_onion.h"
#include "netd/netd_onion_client.h"
#include "netd/netd_onion_out.h"
#include "netd/netd_sock.h"
#include "netd/netd_tcp.h"
#include "netd/netd_tcp_server.h"
#include "netd/nodes_feed.h"
#include "netd/tcp_conf.h"
#include "sandbox/role_rt.h"

enum {
	NETD_OPT_STANDALONE = RT_OPT_FIRST_ROLE,
};

static struct role_rt	rt;
static struct chan	ch_keyd;
/*
 * --standalone: no keyd channel (a bootstrap node's netd serves the DHT
 * alone).  Without it netd belongs to a session, and losing keyd ends it.
 */
static int		standalone;

/* A node of a nodes list: bootstrap from each address it has. */
static void
feed_bootstrap(const struct nodes_entry *e, void *arg)
{
	struct packed_node	pn;

	memset(&pn, 0, sizeof(pn));
	memcpy(pn.pk, e->pk, sizeof(pn.pk));
	pn.port = e->port;
	if (e->has_v4) {
		pn.family = PN_UDP4;
		memcpy(pn.ip, e->v4, 4);
		(void)netd_dht_bootstrap(&pn);
	}
	if (e->has_v6) {
		pn.family = PN_UDP6;
		memcpy(pn.ip, e->v6, 16);
		(void)netd_dht_bootstrap(&pn);
	}
}

/* A node with TCP ports: a relay we may link to. */
static void
feed_relay(const struct nodes_entry *e, void *arg)
{
	netd_tcp_node(e);
}

/* From the supervisor: the user's --nodes file. */
static int
on_nodes_fd(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	nodes_feed_fd(m->fd, NODES_SRC_FILE, NULL, NULL);
	m->fd = -1;
	return 0;
}

/* The answer to NODES_FETCHED, once the list is read and fed: the
 * supervisor has keyd keep the list only if it gave a usable node. */
static void
fetched_done(int used, void *arg)
{
	uint32_t	id = (uint32_t)(uintptr_t)arg;

	if (used > 0)
		(void)chan_reply_ok(&rt.sup, id);
	else
		(void)chan_reply_error(&rt.sup, id, IPC_ERR_INVALID,
		    "no usable node in the fetched list");
}

static int
on_nodes_fetched(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	nodes_feed_fd(m->fd, NODES_SRC_FETCH, fetched_done,
	    (void *)(uintptr_t)m->hdr.id);
	m->fd = -1;
	return 0;
}

static const struct chan_handler from_sup_rows[] = {
	{ IPC_NODES_FD,		0,	on_nodes_fd },
	{ IPC_NODES_FETCHED,	0,	on_nodes_fetched },
};
static const struct chan_table from_sup = { CHAN_ROWS(from_sup_rows), NULL };

static void
netd_shutdown(void)
{
	log_debug("exiting");
	exit(0);
}

/* keyd's copy of a list fetched earlier: its file, opened read-only. */
static int
on_nodes_cache(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	nodes_feed_fd(m->fd, NODES_SRC_CACHE, NULL, NULL);
	m->fd = -1;
	return 0;
}

static const struct chan_handler nodes_from_keyd_rows[] = {
	{ IPC_NODES_CACHE,	0,	on_nodes_cache },
};
static const struct chan_table nodes_from_keyd = { CHAN_ROWS(nodes_from_keyd_rows), NULL };
/* What netd handles from keyd: the DHT's rows, the nodes list's, onion
 * data to deliver, whose key to announce, net_crypto's handshakes,
 * states and sealed packets. */
static const struct chan_tables from_keyd = {
	{ &netd_dht_from_keyd, &nodes_from_keyd, &netd_onion_out_from_keyd,
	  &netd_oc_from_keyd, &netd_dhtpk_from_keyd, &netd_nc_from_keyd }
};

static void
keyd_closed(struct chan *c, const char *why)
{
	/* Without keyd there is nothing to serve; the supervisor decides. */
	log_info("keyd channel closed: %s", why);
	netd_shutdown();
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		RT_LONGOPTS,
		NET_LONGOPTS,
		NETD_LAN_LONGOPTS,
		NETD_DHT_LONGOPTS,
		TCP_CONF_LONGOPTS,
		{ "standalone", no_argument, NULL, NETD_OPT_STANDALONE },
		{ NULL, 0, NULL, 0 }
	};
	struct sandbox_conf	sb;
	const char		*probe;
	int			ch;

	rt_init(&rt, ROLE_NETD);
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (rt_option(&rt, ch, optarg))
			continue;
		if (net_option(ch, optarg))		/* sockets (net.c) */
			continue;
		if (netd_lan_option(ch, optarg))	/* netd_lan.c */
			continue;
		if (netd_dht_option(ch, optarg))	/* DHT (netd_dht.c) */
			continue;
		if (tcp_conf_option(ch, optarg))	/* relays, proxy */
			continue;
		if (ch == NETD_OPT_STANDALONE) {
			standalone = 1;
			continue;
		}
		fatalx("usage: netd [options]");
	}

	tcp_conf_finish();
	memset(&sb, 0, sizeof(sb));
	/* Acquire before the sandbox: libsodium, the UDP socket. */
	if (sodium_init() < 0)
		fatalx("libsodium cannot be initialised");
	/* jansson seeds its hash tables from /dev/urandom on first use:
	 * do it now, while netd may still open a file. */
	json_object_seed(0);
	net_start();
	sb.nkeep += (int)net_fds(sb.keep_fds + sb.nkeep,
	    SANDBOX_MAX_KEEP - (size_t)sb.nkeep);
	sb.nkeep += (int)netd_tcp_server_fds(sb.keep_fds + sb.nkeep,
	    SANDBOX_MAX_KEEP - (size_t)sb.nkeep);
	netd_dht_start();
	rt.on_shutdown = netd_shutdown;
	rt.sup_table = &from_sup;
	/* the test hook that asks the broker, not a sandbox selftest */
	probe = rt.selftest != NULL && strncmp(rt.selftest, "sock-open=",
	    10) == 0 ? rt.selftest : NULL;
	if (probe != NULL)
		rt.selftest = NULL;
	rt_lockdown(&rt, &sb);
	netd_sock_init(&rt.sup);			/* netd_sock.c */
	(void)netd_sock_selftest(probe);
	net_serve();
	if (standalone)
		log_info("standalone: no keyd channel");
	else if (!rt_open_peer(&ch_keyd, FD_NETD_KEYD, ROLE_KEYD, &from_keyd,
	    keyd_closed))
		/* else fd 4 would be whatever netd opened there since */
		fatalx("no keyd channel (descriptor %d): netd runs under "
		    "the supervisor, or with --standalone", FD_NETD_KEYD);
	netd_dht_serve(standalone ? NULL : &ch_keyd);	/* netd_dht.c */
	netd_onion_serve();				/* netd_onion.c */
	netd_announce_serve();				/* netd_announce.c */
	netd_oc_serve(standalone ? NULL : &ch_keyd);	/* netd_onion_client.c */
	netd_dhtpk_serve(standalone ? NULL : &ch_keyd);	/* netd_dhtpk.c */
	netd_lan_serve();				/* netd_lan.c */
	netd_nc_serve(standalone ? NULL : &ch_keyd);	/* netd_nc.c */
	netd_tcp_serve();				/* netd_tcp.c */
	netd_tcp_server_serve();			/* netd_tcp_server.c */
	nodes_feed_init(&(struct nodes_feed_ops){ .bootstrap = feed_bootstrap,
	    .relay = feed_relay });
	rt_serve(&rt);
}
