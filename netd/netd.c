/*
 * netd: speaks DHT, onion and TCP relays to the internet.  It faces every
 * stranger and so holds nothing worth stealing: no long-term key, no
 * session key, no plaintext message, no file access.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/packed_node.h"
#include "ipc/chan.h"
#include "netd/netd_dht.h"
#include "netd/nodes_feed.h"
#include "sandbox/role_rt.h"

static struct role_rt	rt;
static struct chan	ch_keyd;

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

/* A fetched list that parsed, re-serialised: keyd keeps it on disk. */
static void
feed_save(const uint8_t *p, size_t n, void *arg)
{
	if (ch_keyd.open)
		chan_send(&ch_keyd, IPC_NODES_CACHE_SAVE, 0, p, n, -1);
}

/* From the supervisor: a nodes list to read (file or fetchd's pipe). */
static void
sup_msg(struct chan *c, struct ipc_msg *m)
{
	if (m->hdr.type != IPC_NODES_FD || m->data[0] < NODES_SRC_FILE ||
	    m->data[0] > NODES_SRC_FETCH) {
		chan_close(c, "unexpected message from the supervisor");
		return;
	}
	nodes_feed_fd(m->fd, (enum nodes_source)m->data[0]);
	m->fd = -1;
}

static void
netd_shutdown(void)
{
	log_debug("exiting");
	exit(0);
}

static void
keyd_msg(struct chan *c, struct ipc_msg *m)
{
	if (netd_dht_keyd_msg(c, m))		/* DHT (netd_dht.c) */
		return;
	if (m->hdr.type == IPC_NODES_CACHE) {	/* keyd's copy of a list */
		nodes_feed_buf((const char *)m->data, m->hdr.len, 0);
		return;
	}
	log_debug("keyd: unhandled %s", ipc_type_name(m->hdr.type));
}

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
		NETD_DHT_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct sandbox_conf	sb;
	int			ch;

	rt_init(&rt, ROLE_NETD);
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (rt_option(&rt, ch, optarg))
			continue;
		if (netd_dht_option(ch, optarg))	/* DHT (netd_dht.c) */
			continue;
		fatalx("usage: netd [options]");
	}

	memset(&sb, 0, sizeof(sb));
	/* Acquire before the sandbox: libsodium, the DHT's UDP socket. */
	if (sodium_init() < 0)
		fatalx("libsodium cannot be initialised");
	/* jansson seeds its hash tables from /dev/urandom on first use:
	 * do it now, while netd may still open a file. */
	json_object_seed(0);
	netd_dht_start();
	if (netd_dht_fd() != -1)
		sb.keep_fds[sb.nkeep++] = netd_dht_fd();
	rt.on_shutdown = netd_shutdown;
	rt.on_sup_msg = sup_msg;
	rt_lockdown(&rt, &sb);
	chan_open(&ch_keyd, FD_NETD_KEYD, ROLE_NETD, ROLE_KEYD, keyd_msg,
	    keyd_closed, NULL);
	ch_keyd.name = "keyd";
	netd_dht_serve(&ch_keyd);		/* DHT (netd_dht.c) */
	nodes_feed_init(&(struct nodes_feed_ops){ feed_bootstrap, feed_save,
	    NULL });
	rt_serve(&rt);
}
