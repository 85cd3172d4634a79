/*
 * A compromised netd, for tests: the real role runtime and sandbox, the
 * real IPC, and a flood of every message netd may send keyd on its own:
 * NET_STATUS with a changing state, NET_NODES_SAVE with a new set of 64
 * nodes each time.  It sends as fast as keyd reads (whenever its queue is
 * empty), for as long as it lives.  The supervisor starts it as netd when
 * a test puts it in a copy of libexec (tests/integration/
 * test_hostile_netd.c).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "common/packed_node.h"
#include "ipc/chan.h"
#include "ipc/msg_net.h"
#include "sandbox/role_rt.h"

#define BURST	64

static struct role_rt	rt;
static struct chan	ch_keyd;
static struct timer	flood_t;
static uint32_t		seq;

static void
quit(void)
{
	exit(0);
}

static void
closed(struct chan *c, const char *why)
{
	quit();
}

static void
send_status(void)
{
	struct ipc_net_status	st;
	uint8_t			buf[IPC_NET_STATUS_LEN];
	struct wr		w;

	memset(&st, 0, sizeof(st));
	st.state = seq & 1 ? NET_DHT_UDP : NET_DHT_NONE;
	st.good_nodes = seq;
	st.udp_port = 33445;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_status(&w, &st);
	chan_send_wr(&ch_keyd, IPC_NET_STATUS, 0, &w);
}

static void
send_nodes(void)
{
	static struct ipc_net_nodes	nn;
	static uint8_t			buf[IPC_NET_NODES_MAX_LEN];
	struct wr			w;
	int				i;

	memset(&nn, 0, sizeof(nn));
	nn.n = IPC_NET_NODES_MAX;
	for (i = 0; i < nn.n; i++) {
		nn.nodes[i].family = PN_UDP4;
		nn.nodes[i].ip[0] = 198;
		nn.nodes[i].ip[1] = 51;
		nn.nodes[i].ip[2] = 100;
		nn.nodes[i].ip[3] = (uint8_t)i;
		nn.nodes[i].port = (uint16_t)(1 + seq % 60000);
		if (getrandom(nn.nodes[i].pk, sizeof(nn.nodes[i].pk), 0) == -1)
			memset(nn.nodes[i].pk, seq, sizeof(nn.nodes[i].pk));
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_nodes(&w, &nn);
	chan_send_wr(&ch_keyd, IPC_NET_NODES_SAVE, 0, &w);
}

static void
flood(struct timer *t)
{
	int	i;

	/* as fast as keyd takes them: a burst whenever the queue is empty */
	if (ch_keyd.queued == 0)
		for (i = 0; i < BURST && ch_keyd.open; i++, seq++) {
			send_status();
			if (i % 8 == 0)
				send_nodes();
		}
	timer_after(&flood_t, 1);
}

static const struct chan_tables nothing = { { NULL } };

int
main(int argc, char *argv[])
{
	struct sandbox_conf	sb;
	int			i;

	rt_init(&rt, ROLE_NETD);
	/* the supervisor's common options; netd's own are ignored */
	for (i = 1; i < argc; i++)
		if (strncmp(argv[i], "--sandbox=", 10) == 0)
			(void)rt_option(&rt, RT_OPT_SANDBOX, argv[i] + 10);
	memset(&sb, 0, sizeof(sb));
	rt.on_shutdown = quit;
	rt_lockdown(&rt, &sb);
	rt_open_peer(&ch_keyd, FD_NETD_KEYD, ROLE_KEYD, &nothing, closed);
	timer_init(&flood_t, flood, NULL);
	timer_after(&flood_t, 0);
	rt_serve(&rt);
}
