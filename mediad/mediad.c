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
static struct chan	ch_keyd, ch_frontend;

static void
mediad_shutdown(void)
{
	log_debug("exiting");
	exit(0);
}

/* Calls arrive in a later issue: nothing to handle from either peer. */
static const struct chan_tables from_peer = { { NULL } };

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
	rt_lockdown(&rt, &sb);
	chan_open(&ch_keyd, FD_MEDIAD_KEYD, ROLE_MEDIAD, ROLE_KEYD, &from_peer,
	    peer_closed, NULL);
	ch_keyd.name = "keyd";
	chan_open(&ch_frontend, FD_MEDIAD_FRONTEND, ROLE_MEDIAD,
	    ROLE_FRONTEND, &from_peer, peer_closed, NULL);
	ch_frontend.name = "frontend";
	rt_serve(&rt);
}
