/*
 * keyd: holds the long-term identity and the profile, and does the
 * end-to-end crypto.  It has no network (empty network namespace, no socket
 * in its seccomp table) and touches no file outside the profile dir.
 * Every channel is hostile: netd's requests are parsed like packets.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "ipc/chan.h"
#include "keyd/avatar_ops.h"
#include "keyd/dhtpk_ops.h"
#include "keyd/friends.h"
#include "keyd/history_ops.h"
#include "keyd/nc_session.h"
#include "keyd/net_relay.h"
#include "keyd/onion_ops.h"
#include "keyd/outbox_ops.h"
#include "keyd/peers.h"
#include "keyd/profile_dispatch.h"
#include "keyd/target.h"
#include "sandbox/role_rt.h"

enum {
	OPT_PROFILE = RT_OPT_FIRST_ROLE,
	OPT_TARGET,
	OPT_HISTORY,
};

static struct role_rt	rt;
static struct chan	ch_frontend, ch_netd, ch_chatd, ch_mediad;

static void
keyd_shutdown(void)
{
	/* Every change was saved when it was made, but for a burst of
	 * friend changes (keyd/friends.h): this writes it, wipes and
	 * closes. */
	keyd_friends_flush();
	outbox_ops_flush();
	history_ops_flush();
	keyd_profile_close();
	log_debug("exiting");
	exit(0);
}

/* The directory part of a profile path, for Landlock. */
static void
profile_dir(const char *profile, char *out, size_t outsz)
{
	const char	*slash = strrchr(profile, '/');

	if (slash == NULL)
		snprintf(out, outsz, ".");
	else if (slash == profile)
		snprintf(out, outsz, "/");
	else
		snprintf(out, outsz, "%.*s", (int)(slash - profile), profile);
}

static void
peer_closed(struct chan *c, const char *why)
{
	/* netd, chatd and mediad come back through NEW_CHANNEL. */
	log_info("%s channel closed: %s", role_name(c->peer), why);
	keyd_peer_gone(c->peer);
	if (c->peer != ROLE_FRONTEND)
		return;
	/*
	 * The frontend is the user.  If it went away the session is ending:
	 * the supervisor says SHUTDOWN next.  If keyd cut it off (it broke
	 * the protocol, or stopped reading), a session that can no longer
	 * answer the user must not go on looking alive: end it, loudly; the
	 * supervisor tells the frontend why.
	 */
	if (strcmp(why, "peer closed the channel") != 0) {
		log_warnx("lost the frontend (%s): ending the session", why);
		keyd_profile_close();
		exit(1);
	}
}

/* Each peer's channel and tables, for start-up and NEW_CHANNEL. */
static const struct {
	struct chan			*c;
	int				 fd;
	const struct chan_tables	*tables;
} peers[ROLE_MAX] = {
	[ROLE_FRONTEND] = { &ch_frontend, FD_KEYD_FRONTEND,
	    &keyd_from_frontend },
	[ROLE_NETD] = { &ch_netd, FD_KEYD_NETD, &keyd_from_netd },
	[ROLE_CHATD] = { &ch_chatd, FD_KEYD_CHATD, &keyd_from_chatd },
	[ROLE_MEDIAD] = { &ch_mediad, FD_KEYD_MEDIAD, &keyd_from_mediad },
};


static int
on_new_channel(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_new_channel	nc;

	/* the roles that restart: netd, chatd, mediad */
	if (ipc_unpack_new_channel(r, &nc) == -1 ||
	    (nc.role != ROLE_NETD && nc.role != ROLE_CHATD &&
	    nc.role != ROLE_MEDIAD))
		return -1;
	rt_reopen_peer(peers[nc.role].c, m->fd, nc.role, peers[nc.role].tables,
	    peer_closed);
	m->fd = -1;
	if (nc.role == ROLE_NETD)
		keyd_netd_up();
	if (nc.role == ROLE_CHATD)
		keyd_chatd_up();
	log_info("new channel to restarted %s", role_name(nc.role));
	return 0;
}

/* A fetched nodes list that netd parsed: only the supervisor, which
 * started the fetch, hands one over (audit M3). */
static int
on_nodes_cache_store(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	net_relay_cache_store(m->fd);
	return 0;
}

static const struct chan_handler from_sup_rows[] = {
	{ IPC_NEW_CHANNEL,		0,	on_new_channel },
	{ IPC_NODES_CACHE_STORE,	0,	on_nodes_cache_store },
};
static const struct chan_table from_sup = { CHAN_ROWS(from_sup_rows), NULL };

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		RT_LONGOPTS,
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ "target", required_argument, NULL, OPT_TARGET },
		{ "history", no_argument, NULL, OPT_HISTORY },
		{ NULL, 0, NULL, 0 }
	};
	struct sandbox_conf	 sb;
	const char		*profile = NULL;
	char			 dir[4096], why[128];
	int			 ch, i, target = TARGET_NONE, history = 0;

	rt_init(&rt, ROLE_KEYD);
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (rt_option(&rt, ch, optarg))
			continue;
		switch (ch) {
		case OPT_PROFILE:
			profile = optarg;
			break;
		case OPT_TARGET:
			if ((target = target_kind_parse(optarg)) == -1)
				fatalx("--target: import or export");
			break;
		case OPT_HISTORY:
			history = 1;
			break;
		default:
			fatalx("usage: keyd --profile PATH [options]");
		}
	}
	if (profile == NULL)
		fatalx("no --profile given");

	/* The file of a one-shot import or export, from the supervisor:
	 * checked before keyd opens anything that could take its number. */
	if (target != TARGET_NONE) {
		if (target_check(FD_KEYD_TARGET, target, why, sizeof(why)) ==
		    -1) {
			log_warnx("%s: refused", why);
			keyd_profile_set_target(-1, target, why);
		} else
			keyd_profile_set_target(FD_KEYD_TARGET, target, NULL);
	}
	/* Acquire: libsodium (it reads the page size and probes the RNG
	 * once), then the profile directory, the only path keyd may touch. */
	if (sodium_init() < 0)
		fatalx("libsodium cannot be initialised");
	keyd_friends_init(&ch_chatd);
	outbox_ops_init(&ch_chatd);
	history_ops_init(&ch_chatd, history);
	avatar_ops_init(&ch_chatd, &ch_frontend, profile);
	if (nc_session_init(&ch_netd, &ch_chatd) == -1)
		fatalx("no memory for sessions");
	if (keyd_profile_open(profile, keyd_on_profile, NULL) == -1)
		fatal("cannot open the profile directory of %s", profile);
	/* the directory's listing, which the sandbox forbids */
	avatar_ops_scan();
	profile_dir(profile, dir, sizeof(dir));
	memset(&sb, 0, sizeof(sb));
	sb.keep_fds[sb.nkeep++] = keyd_profile_dirfd();
	if (target != TARGET_NONE && keyd_profile_target_fd() != -1)
		sb.keep_fds[sb.nkeep++] = FD_KEYD_TARGET;
	sb.rw_paths[0] = dir;
	rt.on_shutdown = keyd_shutdown;
	rt.sup_table = &from_sup;
	rt_lockdown(&rt, &sb);
	for (i = 0; i < ROLE_MAX; i++)
		if (peers[i].c != NULL)
			rt_open_peer(peers[i].c, peers[i].fd, (enum role)i,
			    peers[i].tables, peer_closed);
	net_relay_init(&ch_netd, &ch_frontend, &ch_chatd);
	onion_ops_init(&ch_netd, &ch_chatd);
	dhtpk_ops_init(&ch_netd, &ch_chatd);
	/* (no session exists yet: the sessions' part of each is a no-op) */
	keyd_netd_up();
	keyd_chatd_up();
	rt_serve(&rt);
}
