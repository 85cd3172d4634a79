/* keyd's relay of network plumbing: see net_relay.h. */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ipc/msg_core.h"
#include "ipc/msg_net.h"
#include "keyd/net_relay.h"
#include "keyd/profile_dispatch.h"
#include "keyd/vault.h"

/* Bootstrap requests in flight: the frontend's id for netd's id. */
#define RELAY_MAX_PENDING	16

static struct chan	*netd, *frontend;
static struct {
	uint32_t	netd_id, frontend_id;
} pending[RELAY_MAX_PENDING];

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

static void
save_nodes(struct ipc_msg *m)
{
	static struct ipc_net_nodes	 nn;
	struct packed_node		*copy;
	struct profile			*p = loaded_profile();
	struct id_err			 e;
	struct rd			 r;

	rd_init(&r, m->data, m->hdr.len);
	if (ipc_unpack_net_nodes(&r, &nn) == -1) {
		chan_close(netd, "bad NET_NODES_SAVE");
		return;
	}
	if (p == NULL)
		return;		/* locked: nothing to save them in */
	if ((copy = calloc(nn.n, sizeof(*copy))) == NULL)
		fatal("%s: calloc", __func__);
	memcpy(copy, nn.nodes, nn.n * sizeof(*copy));
	free(p->dht_nodes);
	p->dht_nodes = copy;
	p->ndht_nodes = nn.n;
	if (identity_save(keyd_profile_identity(), &e) == -1)
		log_warnx("saving DHT nodes: %s", e.text);
}

static void
save_cache(struct ipc_msg *m)
{
	struct identity	*id = keyd_profile_identity();
	struct pstore	 cache;
	enum pstore_err	 err;

	/* Bytes netd produced from a list it parsed; kept, never parsed. */
	if (id == NULL || pstore_sibling(&id->store, NODES_CACHE_FILE,
	    &cache) == -1)
		return;
	if ((err = pstore_write(&cache, m->data, m->hdr.len)) != PSTORE_OK)
		log_warnx("saving the nodes list: %s", pstore_strerror(err));
}

static void
forward_status(struct ipc_msg *m)
{
	struct ipc_net_status	st;
	uint8_t			buf[IPC_NET_STATUS_LEN];
	struct rd		r;
	struct wr		w;

	rd_init(&r, m->data, m->hdr.len);
	if (ipc_unpack_net_status(&r, &st) == -1) {
		chan_close(netd, "bad NET_STATUS");
		return;
	}
	if (!frontend->open)
		return;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_status(&w, &st);
	chan_send_wr(frontend, IPC_NET_STATUS, 0, &w);
}

static void
answer_back(struct ipc_msg *m)
{
	size_t	i;

	for (i = 0; i < RELAY_MAX_PENDING; i++) {
		if (pending[i].netd_id == 0 || pending[i].netd_id != m->hdr.id)
			continue;
		if (frontend->open) {
			/* OK is empty; an ERROR's text is shown sanitized */
			if (m->hdr.type == IPC_OK)
				chan_reply_ok(frontend, pending[i].frontend_id);
			else
				chan_send(frontend, IPC_ERROR,
				    pending[i].frontend_id, m->data, m->hdr.len,
				    -1);
		}
		pending[i].netd_id = 0;
		return;
	}
	log_debug("netd: answer to no request (id %u)", m->hdr.id);
}

void
net_relay_from_netd(struct chan *c, struct ipc_msg *m)
{
	struct ipc_error	e;
	struct rd		r;

	switch (m->hdr.type) {
	case IPC_NET_STATUS:
		forward_status(m);
		return;
	case IPC_NET_NODES_SAVE:
		save_nodes(m);
		return;
	case IPC_NODES_CACHE_SAVE:
		save_cache(m);
		return;
	case IPC_OK:
		answer_back(m);
		return;
	case IPC_ERROR:
		rd_init(&r, m->data, m->hdr.len);
		if (ipc_unpack_error(&r, &e) == -1) {
			chan_close(c, "bad ERROR");
			return;
		}
		answer_back(m);
		return;
	default:
		log_debug("netd: unhandled %s", ipc_type_name(m->hdr.type));
	}
}

void
net_relay_from_frontend(struct chan *c, struct ipc_msg *m)
{
	struct packed_node	pn;
	uint8_t			buf[64];
	struct rd		r;
	struct wr		w;
	size_t			i;
	uint32_t		id;

	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type != IPC_NET_BOOTSTRAP ||
	    ipc_unpack_net_bootstrap(&r, &pn) == -1) {
		chan_close(c, "bad network request");
		return;
	}
	if (!netd->open) {
		chan_reply_error(c, m->hdr.id, IPC_ERR_STATE,
		    "netd is restarting; try again");
		return;
	}
	for (i = 0; i < RELAY_MAX_PENDING; i++)
		if (pending[i].netd_id == 0)
			break;
	if (i == RELAY_MAX_PENDING) {
		chan_reply_error(c, m->hdr.id, IPC_ERR_STATE,
		    "too many bootstrap requests in flight");
		return;
	}
	id = chan_new_id(netd);
	pending[i].netd_id = id;
	pending[i].frontend_id = m->hdr.id;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_bootstrap(&w, &pn);
	chan_send_wr(netd, IPC_NET_BOOTSTRAP, id, &w);
}
