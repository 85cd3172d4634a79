/*
 * mediad: encodes and decodes Opus and VP8 and frames RTP.  A friend's
 * media is parsed here, where neither a key nor a file nor a socket is
 * within reach.  Codecs are set up before lockdown, single-threaded.
 */
#include <opus/opus.h>
#include <vpx/vpx_codec.h>

#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ipc/chan.h"
#include "sandbox/role_rt.h"

static struct role_rt	rt;
static struct chan	ch_keyd, ch_frontend, ch_chatd;

static void
mediad_shutdown(void)
{
	log_debug("exiting");
	exit(0);
}

/* Calls arrive in a later issue: nothing to handle from either peer. */
static const struct chan_tables from_peer = { { NULL } };

static void	peer_closed(struct chan *, const char *);

/* chatd restarts with a fresh channel to us. */
static int
on_new_channel(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_new_channel	nc;

	if (ipc_unpack_new_channel(r, &nc) == -1 || nc.role != ROLE_CHATD)
		return -1;
	rt_reopen_peer(&ch_chatd, m->fd, ROLE_CHATD, &from_peer, peer_closed);
	m->fd = -1;
	return 0;
}

static const struct chan_handler from_sup_rows[] = {
	{ IPC_NEW_CHANNEL,	0,	on_new_channel },
};
static const struct chan_table from_sup = { CHAN_ROWS(from_sup_rows), NULL };

static void
peer_closed(struct chan *c, const char *why)
{
	log_info("%s channel closed: %s", role_name(c->peer), why);
	if (c->peer == ROLE_KEYD)
		mediad_shutdown();
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		RT_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct sandbox_conf	sb;
	int			ch;

	rt_init(&rt, ROLE_MEDIAD);
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (rt_option(&rt, ch, optarg))
			continue;
		fatalx("usage: mediad [options]");
	}
	/* Calls, and so the codec instances, arrive in a later issue. */
	log_debug("codecs: %s, libvpx %s", opus_get_version_string(),
	    vpx_codec_version_str());

	memset(&sb, 0, sizeof(sb));
	rt.on_shutdown = mediad_shutdown;
	rt.sup_table = &from_sup;
	rt_lockdown(&rt, &sb);
	rt_open_peer(&ch_keyd, FD_MEDIAD_KEYD, ROLE_KEYD, &from_peer,
	    peer_closed);
	rt_open_peer(&ch_frontend, FD_MEDIAD_FRONTEND, ROLE_FRONTEND,
	    &from_peer, peer_closed);
	rt_open_peer(&ch_chatd, FD_MEDIAD_CHATD, ROLE_CHATD, &from_peer,
	    peer_closed);
	rt_serve(&rt);
}
