/*
 * netd: speaks DHT, onion and TCP relays to the internet.  It faces every
 * stranger and so holds nothing worth stealing: no long-term key, no
 * session key, no plaintext message, no file access.
 */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ipc/chan.h"
#include "netd/netd_dht.h"
#include "sandbox/role_rt.h"

static struct role_rt	rt;
static struct chan	ch_keyd;

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
	/* Acquire before the sandbox: the DHT's UDP socket. */
	netd_dht_start();
	if (netd_dht_fd() != -1)
		sb.keep_fds[sb.nkeep++] = netd_dht_fd();
	rt.on_shutdown = netd_shutdown;
	rt_lockdown(&rt, &sb);
	chan_open(&ch_keyd, FD_NETD_KEYD, ROLE_NETD, ROLE_KEYD, keyd_msg,
	    keyd_closed, NULL);
	ch_keyd.name = "keyd";
	netd_dht_serve(&ch_keyd);		/* DHT (netd_dht.c) */
	rt_serve(&rt);
}
