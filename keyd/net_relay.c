/* keyd's relay of network plumbing: see net_relay.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ipc/msg_core.h"
#include "ipc/msg_net.h"
#include "ipc/msg_nodes.h"
#include "keyd/net_relay.h"
#include "keyd/profile_dispatch.h"
#include "keyd/vault.h"

/* netd answers a bootstrap at once; the frontend waits longer. */
#define NET_RELAY_TIMEOUT_MS	10000

static struct chan	*netd, *frontend;

void
net_relay_init(struct chan *n, struct chan *f)
{
	netd = n;
	frontend = f;
}

static struct profile *
loaded_profile(void)
{
	struct identity	*id = keyd_profile_identity();

	return id != NULL ? id->prof : NULL;
}

static void
send_saved_nodes(void)
{
	static struct ipc_net_nodes	 nn;
	static uint8_t			 buf[IPC_NET_NODES_MAX_LEN];
	struct profile			*p = loaded_profile();
	struct wr			 w;
	size_t				 i;

	/* (a plain profile loads before the channels exist: see keyd.c) */
	if (netd == NULL || p == NULL || p->ndht_nodes == 0 || !netd->open)
		return;
	nn.n = 0;
	for (i = 0; i < p->ndht_nodes && nn.n < IPC_NET_NODES_MAX; i++)
		nn.nodes[nn.n++] = p->dht_nodes[i];
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_nodes(&w, &nn);
	chan_send_wr(netd, IPC_NET_NODES_LOAD, 0, &w);
}

static void
send_nodes_cache(void)
{
	struct identity	*id = keyd_profile_identity();
	struct pstore	 cache;
	uint8_t		*buf;
	size_t		 len;

	if (id == NULL || netd == NULL || !netd->open ||
	    pstore_sibling(&id->store, NODES_CACHE_FILE, &cache) == -1 ||
	    pstore_read(&cache, &buf, &len) != PSTORE_OK)
		return;
	if (len >= 2 && len <= IPC_MAX_PAYLOAD)
		chan_send(netd, IPC_NODES_CACHE, 0, buf, len, -1);
	secbuf_free(buf);
}

void
net_relay_netd_up(void)
{
	send_nodes_cache();
	send_saved_nodes();
}

void
net_relay_profile_loaded(void)
{
	send_saved_nodes();
}

static int
on_nodes_save(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_net_nodes	 nn;
	struct packed_node		*copy;
	struct profile			*p = loaded_profile();
	struct id_err			 e;

	if (ipc_unpack_net_nodes(r, &nn) == -1)
		return -1;
	if (p == NULL)
		return 0;	/* locked: nothing to save them in */
	if ((copy = calloc(nn.n, sizeof(*copy))) == NULL)
		fatal("%s: calloc", __func__);
	memcpy(copy, nn.nodes, nn.n * sizeof(*copy));
	free(p->dht_nodes);
	p->dht_nodes = copy;
	p->ndht_nodes = nn.n;
	if (identity_save(keyd_profile_identity(), &e) == -1)
		log_warnx("saving DHT nodes: %s", e.text);
	return 0;
}

static int
on_cache_save(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct identity	*id = keyd_profile_identity();
	struct pstore	 cache;
	enum pstore_err	 err;
	const uint8_t	*list;
	size_t		 len;

	/* Bytes netd produced from a list it parsed; kept, never parsed. */
	if (ipc_unpack_nodes_list(r, &list, &len) == -1)
		return -1;
	if (id == NULL || pstore_sibling(&id->store, NODES_CACHE_FILE,
	    &cache) == -1)
		return 0;
	if ((err = pstore_write(&cache, list, len)) != PSTORE_OK)
		log_warnx("saving the nodes list: %s", pstore_strerror(err));
	return 0;
}

static int
on_status(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_net_status	st;
	uint8_t			buf[IPC_NET_STATUS_LEN];
	struct wr		w;

	if (ipc_unpack_net_status(r, &st) == -1)
		return -1;
	if (!frontend->open)
		return 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_status(&w, &st);
	chan_send_wr(frontend, IPC_NET_STATUS, 0, &w);
	return 0;
}

/* netd's answer to a bootstrap, or the channel's ERROR when netd went
 * away or took too long: passed on to the frontend's request. */
static void
bootstrap_done(void *arg, struct ipc_msg *m, struct rd *r)
{
	uint32_t		frontend_id = (uint32_t)(uintptr_t)arg;
	struct ipc_error	e;

	if (!frontend->open)
		return;
	if (m->hdr.type == IPC_OK) {
		chan_reply_ok(frontend, frontend_id);
		return;
	}
	/* re-packed, not forwarded: netd's bytes are checked first */
	if (ipc_unpack_error(r, &e) == -1) {
		chan_close(netd, "malformed ERROR");
		e.code = IPC_ERR_INTERNAL;
		(void)snprintf(e.text, sizeof(e.text),
		    "netd gave a malformed answer");
	}
	chan_reply_error(frontend, frontend_id, e.code, e.text);
}

static int
on_bootstrap(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct packed_node	pn;
	uint8_t			buf[IPC_NET_BOOTSTRAP_MAX_LEN];
	struct wr		w;

	if (ipc_unpack_net_bootstrap(r, &pn) == -1)
		return -1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_bootstrap(&w, &pn);
	if (chan_call_wr(netd, IPC_NET_BOOTSTRAP, &w, NET_RELAY_TIMEOUT_MS,
	    bootstrap_done, (void *)(uintptr_t)m->hdr.id) == -1)
		chan_reply_error(c, m->hdr.id, IPC_ERR_STATE,
		    netd->open ? "too many requests to netd in flight" :
		    "netd is restarting; try again");
	return 0;
}

static const struct chan_handler from_netd_rows[] = {
	{ IPC_NET_STATUS,	0,	on_status },
	{ IPC_NET_NODES_SAVE,	0,	on_nodes_save },
	{ IPC_NODES_CACHE_SAVE,	0,	on_cache_save },
};
const struct chan_table net_relay_from_netd = {
	CHAN_ROWS(from_netd_rows), NULL
};

static const struct chan_handler from_frontend_rows[] = {
	{ IPC_NET_BOOTSTRAP,	0,	on_bootstrap },
};
const struct chan_table net_relay_from_frontend = {
	CHAN_ROWS(from_frontend_rows), NULL
};
