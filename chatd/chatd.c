/*
 * chatd: the messenger's compartment.  It will hold friends' state, the
 * lossless transport, friend_connection, the messenger protocol and
 * file-transfer control: every parser of a friend's decrypted data
 * (ARCHITECTURE.md, rule 4).  It holds no key, opens no socket and no
 * path, and keeps nothing durable: keyd stores what must survive, so the
 * supervisor can restart chatd at any moment and nothing is lost.
 *
 * Its sandbox is the smallest of all: an empty network namespace, no path
 * (chroot as root), no file writes, and only the base seccomp table.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chatd/dhtpk_in.h"
#include "chatd/fconn.h"
#include "chatd/avatar.h"
#include "chatd/file_ops.h"
#include "chatd/friend_ops.h"
#include "chatd/history_note.h"
#include "chatd/messenger.h"
#include "common/log.h"
#include "ipc/chan.h"
#include "sandbox/role_rt.h"

static struct role_rt	rt;
static struct chan	ch_keyd, ch_frontend, ch_mediad;

static void
chatd_shutdown(void)
{
	log_debug("exiting");
	exit(0);
}

/* Friends and requests (chatd/friend_ops.c), sessions (fconn.c), the
 * messenger and its outbox (messenger.c).  A request no table handles is
 * answered "not supported" by the channel. */
static const struct chan_tables from_keyd = {
	{ &friend_ops_from_keyd, &dhtpk_in_from_keyd, &fconn_from_keyd,
	  &messenger_from_keyd, &history_note_from_keyd, &avatar_from_keyd }
};
static const struct chan_tables from_frontend = {
	{ &friend_ops_from_frontend, &messenger_from_frontend,
	  &file_ops_from_frontend }
};
static const struct chan_tables from_peer = { { NULL } };

static void
peer_closed(struct chan *c, const char *why)
{
	log_info("%s channel closed: %s", role_name(c->peer), why);
	/* without keyd there is nothing to do: the supervisor restarts us
	 * with fresh channels if the session goes on */
	if (c->peer == ROLE_KEYD)
		chatd_shutdown();
}

static int
on_new_channel(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_new_channel	nc;

	if (ipc_unpack_new_channel(r, &nc) == -1 || nc.role != ROLE_MEDIAD)
		return -1;
	rt_reopen_peer(&ch_mediad, m->fd, ROLE_MEDIAD, &from_peer,
	    peer_closed);
	m->fd = -1;
	return 0;
}

static const struct chan_handler from_sup_rows[] = {
	{ IPC_NEW_CHANNEL,	0,	on_new_channel },
};
static const struct chan_table from_sup = { CHAN_ROWS(from_sup_rows), NULL };

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		RT_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct sandbox_conf	sb;
	int			ch;

	rt_init(&rt, ROLE_CHATD);
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (rt_option(&rt, ch, optarg))
			continue;
		fatalx("usage: chatd [options]");
	}
	/* Acquire: nothing; chatd's inputs all arrive on its channels. */
	memset(&sb, 0, sizeof(sb));
	rt.on_shutdown = chatd_shutdown;
	rt.sup_table = &from_sup;
	rt_lockdown(&rt, &sb);
	friend_ops_init(&ch_keyd, &ch_frontend);
	messenger_init(&ch_keyd, &ch_frontend);
	file_ops_init(&ch_frontend);
	avatar_init(&ch_keyd);
	history_note_init(&ch_keyd);
	rt_open_peer(&ch_keyd, FD_CHATD_KEYD, ROLE_KEYD, &from_keyd,
	    peer_closed);
	/* here, not in fconn_init: chan_open clears it */
	ch_keyd.on_drained = fconn_keyd_drained;
	rt_open_peer(&ch_frontend, FD_CHATD_FRONTEND, ROLE_FRONTEND,
	    &from_frontend, peer_closed);
	rt_open_peer(&ch_mediad, FD_CHATD_MEDIAD, ROLE_MEDIAD, &from_peer,
	    peer_closed);
	rt_serve(&rt);
}
