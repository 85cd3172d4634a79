/* keyd's relay of network plumbing: see net_relay.h. */
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/log.h"
#include "common/loop.h"
#include "common/mono.h"
#include "ipc/msg_core.h"
#include "ipc/msg_net.h"
#include "ipc/msg_relays.h"
#include "ipc/msg_nodes.h"
#include "keyd/net_relay.h"
#include "keyd/profile_dispatch.h"
#include "keyd/vault.h"

/* netd answers a bootstrap at once; the frontend waits longer. */
#define NET_RELAY_TIMEOUT_MS	10000

static struct chan	*netd, *frontend, *chatd;

static void	save_pending_nodes(void);

struct net_relay_stats	net_relay_stats;

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

/* keyd's copy of a fetched list, as a read-only descriptor: keyd reads
 * none of it; netd parses it (a file, so no size limit of one message). */
static void
send_nodes_cache(void)
{
	struct identity	*id = keyd_profile_identity();
	struct pstore	 cache;
	int		 fd;

	if (id == NULL || netd == NULL || !netd->open ||
	    pstore_sibling(&id->store, NODES_CACHE_FILE, &cache) == -1 ||
	    (fd = pstore_open_ro(&cache)) == -1)
		return;
	chan_send(netd, IPC_NODES_CACHE, 0, NULL, 0, fd);
	(void)close(fd);
}

/*
 * netd's DHT keypair, drawn once per session and given to every netd
 * that starts in it: a restarted netd is the same DHT node, so a friend
 * keeps its connection (c-toxcore drops one whose DHT key changes) and
 * its searches for us.  netd had this key anyway; keyd only outlives it.
 */
static void
send_dht_key(void)
{
	static uint8_t	*sk;	/* secbuf_alloc: never in a core */
	uint8_t		 pk[32], buf[IPC_NET_DHT_KEY_LEN];
	struct wr	 w;

	if (netd == NULL || !netd->open)
		return;
	if (sk == NULL) {
		if ((sk = secbuf_alloc(32)) == NULL) {
			log_warnx("no memory for netd's DHT key: a netd "
			    "restart will be seen by friends");
			return;
		}
		crypto_box_keypair(pk, sk);
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_dht_key(&w, sk);
	(void)chan_send_wr(netd, IPC_NET_DHT_KEY, 0, &w);
	sodium_memzero(buf, sizeof(buf));
}

void
net_relay_netd_up(void)
{
	send_dht_key();		/* first: before netd meets anyone */
	send_nodes_cache();
	send_saved_nodes();
}

void
net_relay_profile_loaded(void)
{
	send_saved_nodes();
	save_pending_nodes();	/* what netd reported while it was locked */
}

/*
 * netd's good nodes, for the profile's DHT section.  netd is hostile: a
 * flood of them must not become a flood of writes (audit M2).  The first
 * set is saved at once (a new node's only way back next time); later
 * ones at most every NODES_SAVE_MIN_MS, and only when the set differs
 * from what is on disk; in between, only the latest is kept.
 */
static struct ipc_net_nodes	nodes_pending;
static int			nodes_have_pending;
static uint64_t			nodes_saved_at;	/* mono ms; 0: never */
static struct timer		nodes_timer;

static int
same_node(const struct packed_node *a, const struct packed_node *b)
{
	return a->family == b->family && a->port == b->port &&
	    memcmp(a->ip, b->ip, sizeof(a->ip)) == 0 &&
	    memcmp(a->pk, b->pk, sizeof(a->pk)) == 0;
}

static int
same_as_saved(const struct profile *p, const struct ipc_net_nodes *nn)
{
	size_t	i;

	if (p->ndht_nodes != nn->n)
		return 0;
	for (i = 0; i < nn->n; i++)
		if (!same_node(&p->dht_nodes[i], &nn->nodes[i]))
			return 0;
	return 1;
}

static void
save_pending_nodes(void)
{
	struct profile		*p = loaded_profile();
	struct packed_node	*copy;
	struct id_err		 e;

	if (!nodes_have_pending || p == NULL)
		return;
	nodes_have_pending = 0;
	if (same_as_saved(p, &nodes_pending))
		return;
	if ((copy = calloc(nodes_pending.n, sizeof(*copy))) == NULL)
		fatal("%s: calloc", __func__);
	memcpy(copy, nodes_pending.nodes, nodes_pending.n * sizeof(*copy));
	free(p->dht_nodes);
	p->dht_nodes = copy;
	p->ndht_nodes = nodes_pending.n;
	nodes_saved_at = mono_ms();
	net_relay_stats.node_saves++;
	if (identity_save(keyd_profile_identity(), &e) == -1)
		log_warnx("saving DHT nodes: %s", e.text);
}

static void
nodes_timer_cb(struct timer *t)
{
	save_pending_nodes();
}

static int
on_nodes_save(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	uint64_t	due;

	if (ipc_unpack_net_nodes(r, &nodes_pending) == -1)
		return -1;
	nodes_have_pending = 1;
	if (loaded_profile() == NULL)
		return 0;	/* locked: kept until it is unlocked */
	due = nodes_saved_at == 0 ? 0 : nodes_saved_at + NODES_SAVE_MIN_MS;
	if (due <= mono_ms())
		save_pending_nodes();
	else if (!timer_armed(&nodes_timer))
		timer_at(&nodes_timer, due);
	return 0;
}

/*
 * netd's status, on to the frontend: re-packed (netd's bytes are checked
 * first), and coalesced (audit M1): only a change is forwarded, at most
 * one per STATUS_MIN_MS; in between only the latest value is kept.  A
 * flood of status messages costs the frontend nothing.
 */
static struct ipc_net_status	status_latest, status_sent;
static int			status_have_sent;
static uint64_t			status_sent_at;
static struct timer		status_timer;

static int
same_status(const struct ipc_net_status *a, const struct ipc_net_status *b)
{
	return a->state == b->state && a->udp_port == b->udp_port &&
	    a->good_nodes == b->good_nodes && a->onion == b->onion &&
	    a->onion_nodes == b->onion_nodes &&
	    memcmp(a->dht_pk, b->dht_pk, sizeof(a->dht_pk)) == 0;
}

static void
forward_status(void)
{
	uint8_t		buf[IPC_NET_STATUS_LEN];
	struct wr	w;

	if (status_have_sent && same_status(&status_latest, &status_sent))
		return;
	if (!frontend->open)
		return;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_status(&w, &status_latest);
	if (chan_send_wr(frontend, IPC_NET_STATUS, 0, &w) == 0) {
		status_sent = status_latest;
		status_have_sent = 1;
		status_sent_at = mono_ms();
		net_relay_stats.status_forwarded++;
	}
}

static void
status_timer_cb(struct timer *t)
{
	forward_status();
}

static int
on_status(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_net_status	st;
	uint64_t		due;

	if (ipc_unpack_net_status(r, &st) == -1)
		return -1;
	status_latest = st;
	due = status_sent_at + STATUS_MIN_MS;
	if (!status_have_sent || due <= mono_ms())
		forward_status();
	else if (!timer_armed(&status_timer))
		timer_at(&status_timer, due);
	return 0;
}

/*
 * A fetched nodes list that netd parsed, from the supervisor (never from
 * netd: netd has no path to this file, audit M3): a sealed memfd with the
 * very bytes fetchd got.  Kept, never parsed here.
 */
void
net_relay_cache_store(int fd)
{
	struct identity	*id = keyd_profile_identity();
	struct pstore	 cache;
	enum pstore_err	 err;
	struct stat	 st;
	uint8_t		*buf;
	size_t		 len;

	if (id == NULL || pstore_sibling(&id->store, NODES_CACHE_FILE,
	    &cache) == -1)
		return;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size < 2 ||
	    st.st_size > NODES_LIST_MAX) {
		log_warnx("nodes list to keep: not a list-sized file");
		return;
	}
	if ((err = pstore_read_fd(fd, &buf, &len)) != PSTORE_OK) {
		log_warnx("nodes list to keep: %s", pstore_strerror(err));
		return;
	}
	if (len == (size_t)st.st_size &&
	    (err = pstore_write(&cache, buf, len)) != PSTORE_OK)
		log_warnx("saving the nodes list: %s", pstore_strerror(err));
	secbuf_free(buf);
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

/* netd's relays, on to the frontend for `status` (checked, not kept). */
static int
on_relays(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_net_relays	rl;
	static uint8_t			buf[IPC_NET_RELAYS_MAX_LEN];
	struct wr			w;

	if (ipc_unpack_net_relays(r, &rl) == -1)
		return -1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_relays(&w, &rl);
	if (frontend->open)
		(void)chan_send_wr(frontend, IPC_NET_RELAYS, 0, &w);
	/* chatd shares the ones that are up with friends (SHARE_RELAYS) */
	if (chatd != NULL && chatd->open)
		(void)chan_send_wr(chatd, IPC_NET_RELAYS, 0, &w);
	return 0;
}

static const struct chan_handler from_netd_rows[] = {
	{ IPC_NET_STATUS,	0,	on_status },
	{ IPC_NET_RELAYS,	0,	on_relays },
	{ IPC_NET_NODES_SAVE,	0,	on_nodes_save },
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

void
net_relay_init(struct chan *n, struct chan *f, struct chan *c)
{
	netd = n;
	frontend = f;
	chatd = c;
	timer_init(&nodes_timer, nodes_timer_cb, NULL);
	timer_init(&status_timer, status_timer_cb, NULL);
}
