/*
 * frontend: the terminal.  It renders what keyd reports and turns the
 * user's lines (or a script's JSON lines) into commands.  It holds no key
 * and has no network; friend-controlled text is sanitized before display.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/loop.h"
#include "common/rd.h"
#include "frontend/cmd.h"
#include "frontend/cmd_avatar.h"
#include "frontend/cmd_chat.h"
#include "frontend/cmd_files.h"
#include "frontend/cmd_friends.h"
#include "frontend/cmd_net.h"
#include "frontend/net_relays.h"
#include "frontend/frontend.h"
#include "frontend/input.h"
#include "frontend/pass_ask.h"
#include "frontend/profile_flow.h"
#include "frontend/sanitize.h"
#include "ipc/msg_nodes.h"
#include "sandbox/role_rt.h"

enum {
	OPT_JSON = RT_OPT_FIRST_ROLE,
	OPT_RUN, OPT_RUN_ARG, OPT_PROFILE_NAME, OPT_FILE_NAME, OPT_PASS_FD,
	OPT_FILE_ENCRYPTED, OPT_NO_PASSPHRASE, OPT_REPLACE, OPT_PLAIN, OPT_QR,
};

/* Where the frontend is: what "idle" (no command in flight) means. */
enum phase {
	PH_START,	/* the profile flow runs */
	PH_CREATE,	/* the session's start-up runs init */
	PH_ONESHOT,	/* one command runs; its end is the process's */
	PH_SESSION,	/* commands from standard input */
};

static struct role_rt	 rt;
static struct chan	 ch_keyd, ch_mediad, ch_chatd;
static enum phase	 phase = PH_START;
static int		 quit_code = -1;	/* exit once idle, or -1 */
static const char	*profile_name = "the profile";
static const struct cmd	*oneshot;
static json_t		*oneshot_args;

struct chan *
frontend_chan(enum role r)
{
	switch (r) {
	case ROLE_SUP:
		return &rt.sup;
	case ROLE_KEYD:
		return &ch_keyd;
	case ROLE_CHATD:
		return &ch_chatd;
	case ROLE_MEDIAD:
		return &ch_mediad;
	default:
		fatalx("%s: no channel to %s", __func__, role_name(r));
	}
}

void
frontend_exit(int code)
{
	input_end();
	pass_ask_wipe();
	profile_flow_wipe();
	fflush(stdout);
	chan_flush(&rt.sup);
	exit(code);
}

void
frontend_quit(int code)
{
	quit_code = code;
	if (!ui_busy())
		frontend_exit(code);
}

static void
frontend_shutdown(void)
{
	frontend_exit(0);
}

/* Ctrl-C: the supervisor ends the session; a prompt must not wait. */
static void
on_sigint(int sig)
{
	pass_interrupted = 1;
}

static void
input_ended(void)
{
	ui_say("%s", "");
	frontend_quit(0);
}

static void
start_session(void)
{
	phase = PH_SESSION;
	pass_ask_wipe();
	profile_flow_wipe();
	if (ui_mode == UI_CLI)
		ui_say("bulkhead: type \"help\" for commands, Ctrl-D to quit.");
	ui_hold(0);
	input_start(input_ended);
}

/* No command in flight any more (ui.c's hook). */
static void
idle(void)
{
	switch (phase) {
	case PH_START:
		return;
	case PH_ONESHOT:
		frontend_exit(ui_errors ? 1 : 0);
	case PH_CREATE:
		if (ui_errors)
			frontend_exit(1);
		start_session();
		return;
	case PH_SESSION:
		if (quit_code != -1)
			frontend_exit(quit_code);
		input_idle();
		return;
	}
}

/* The profile flow has ended: run the one-shot command, or the session. */
static void
flow_done(enum flow_end e)
{
	const struct ipc_profile_info	*pi = profile_flow_info();
	json_t				*args;

	if (e == FLOW_FAILED)
		frontend_exit(1);
	if (oneshot != NULL) {
		if (e == FLOW_NO_PROFILE && !(oneshot->flags & CMD_LOCKED)) {
			ui_reply_err(ui_ctx(oneshot->name, NULL), "no profile "
			    "at %s: create one with `bulkhead init` or "
			    "`bulkhead import FILE`", profile_name);
			frontend_exit(1);
		}
		phase = PH_ONESHOT;
		cmd_run(oneshot, oneshot_args);
		return;
	}
	if (e == FLOW_NO_PROFILE && ui_mode == UI_CLI)
		frontend_exit(0);		/* "Nothing created." */
	if (e == FLOW_CREATE) {
		phase = PH_CREATE;
		args = json_pack("{s:s, s:s}", "cmd", "init", "profile",
		    profile_name);
		json_object_update(args, oneshot_args);
		cmd_run(cmd_find("init"), args);
		json_decref(args);
		return;
	}
	/* JSON mode: the profile's state, whatever it is (man page) */
	if (ui_mode == UI_JSON)
		ui_event("profile", json_pack("{s:b, s:b, s:b}", "exists",
		    pi->exists, "encrypted", pi->encrypted, "unlocked",
		    e == FLOW_UNLOCKED));
	start_session();
}

static void	peer_closed(struct chan *, const char *);

/* Events from keyd: the network's status, relayed. */
static const struct chan_handler from_keyd_rows[] = {
	{ IPC_NET_STATUS,	0,	net_status_msg },
	{ IPC_NET_RELAYS,	0,	net_relays_msg },
};
static const struct chan_table from_keyd_table = {
	CHAN_ROWS(from_keyd_rows), NULL
};
static const struct chan_tables from_keyd = { { &from_keyd_table,
    &cmd_avatar_from_keyd } };
/* mediad sends nothing yet: calls arrive in a later issue.  chatd's
 * events: friend requests (cmd_friends.c), conversations (cmd_chat.c). */
static const struct chan_tables from_mediad = { { NULL } };
static const struct chan_tables from_chatd = { { &cmd_friends_from_chatd,
    &cmd_chat_from_chatd, &cmd_files_from_chatd } };

static int
on_session_end(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_session_end	se;

	if (ipc_unpack_session_end(r, &se) == -1)
		return -1;
	ui_event("session_end", json_pack("{s:s, s:s}", "role",
	    role_name(se.role), "reason", se.text));
	frontend_exit(1);
}

static int
on_role_event(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_role_event	ev;

	if (ipc_unpack_role_event(r, &ev) == -1)
		return -1;
	ui_event(ev.kind == ROLE_EV_DIED ? "role_died" : "role_restarted",
	    json_pack("{s:s, s:I, s:i}", "role", role_name(ev.role), "pid",
	    (json_int_t)ev.pid, "status", (int)ev.status));
	return 0;
}

static int
on_new_channel(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_new_channel	nc;

	if (ipc_unpack_new_channel(r, &nc) == -1 ||
	    (nc.role != ROLE_MEDIAD && nc.role != ROLE_CHATD))
		return -1;
	if (nc.role == ROLE_MEDIAD)
		rt_reopen_peer(&ch_mediad, m->fd, ROLE_MEDIAD, &from_mediad,
		    peer_closed);
	else
		rt_reopen_peer(&ch_chatd, m->fd, ROLE_CHATD, &from_chatd,
		    peer_closed);
	m->fd = -1;
	return 0;
}

/* How a nodes-list fetch went: an event, held while a prompt is up. */
static int
on_fetch_event(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_fetch_result	fr;
	char			safe[sizeof(fr.text)];

	if (ipc_unpack_fetch_event(r, &fr) == -1)
		return -1;
	if (fr.ok)
		ui_event("nodes_fetch", json_pack("{s:b}", "ok", 1));
	else
		ui_event("nodes_fetch", json_pack("{s:b, s:s}", "ok", 0,
		    "error", sanitize_text(fr.text, strlen(fr.text), safe,
		    sizeof(safe))));
	return 0;
}

static const struct chan_handler from_sup_rows[] = {
	{ IPC_SESSION_END,	CH_ONCE,	on_session_end },
	{ IPC_NODES_FETCH_EVENT, 0,		on_fetch_event },
	{ IPC_ROLE_EVENT,	0,		on_role_event },
	{ IPC_NEW_CHANNEL,	0,		on_new_channel },
};
static const struct chan_table from_sup = { CHAN_ROWS(from_sup_rows), NULL };

static void
peer_closed(struct chan *c, const char *why)
{
	log_info("%s channel closed: %s", role_name(c->peer), why);
}

/* A descriptor number the supervisor passed; never 0..FD_ROLE_EXTRA-1. */
static int
fd_arg(const char *s)
{
	char	*end;
	long	 v = strtol(s, &end, 10);

	if (*end != '\0' || v < FD_ROLE_EXTRA || v > FD_ROLE_EXTRA + 8)
		fatalx("bad descriptor argument %s", s);
	return (int)v;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		RT_LONGOPTS,
		{ "json", no_argument, NULL, OPT_JSON },
		{ "run", required_argument, NULL, OPT_RUN },
		{ "run-arg", required_argument, NULL, OPT_RUN_ARG },
		{ "profile-name", required_argument, NULL, OPT_PROFILE_NAME },
		{ "file-name", required_argument, NULL, OPT_FILE_NAME },
		{ "pass-fd", required_argument, NULL, OPT_PASS_FD },
		{ "file-encrypted", no_argument, NULL, OPT_FILE_ENCRYPTED },
		{ "no-passphrase", no_argument, NULL, OPT_NO_PASSPHRASE },
		{ "replace", no_argument, NULL, OPT_REPLACE },
		{ "plain", no_argument, NULL, OPT_PLAIN },
		{ "qr", no_argument, NULL, OPT_QR },
		{ NULL, 0, NULL, 0 }
	};
	struct sandbox_conf	 sb;
	struct flow_conf	 fc;
	struct sigaction	 sa;
	const char		*run = NULL;
	int			 ch, pass_fd = -1;

	/* the one-shot command's arguments, from its words (command.c) */
	oneshot_args = json_object();
	rt_init(&rt, ROLE_FRONTEND);
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (rt_option(&rt, ch, optarg))
			continue;
		switch (ch) {
		case OPT_JSON:
			ui_mode = UI_JSON;
			break;
		case OPT_RUN:
			run = optarg;
			break;
		case OPT_RUN_ARG:
			json_object_set_new(oneshot_args, "nospam",
			    json_string(optarg));
			break;
		case OPT_PROFILE_NAME:
			profile_name = optarg;
			break;
		case OPT_FILE_NAME:
			json_object_set_new(oneshot_args, "file",
			    json_string(optarg));
			break;
		case OPT_PASS_FD:
			pass_fd = fd_arg(optarg);
			break;
		case OPT_FILE_ENCRYPTED:
			/* the supervisor looked: keyd gets the file itself */
			json_object_set_new(oneshot_args, "file_encrypted",
			    json_true());
			break;
		case OPT_NO_PASSPHRASE:
			json_object_set_new(oneshot_args, "no_passphrase",
			    json_true());
			break;
		case OPT_REPLACE:
			json_object_set_new(oneshot_args, "replace",
			    json_true());
			break;
		case OPT_PLAIN:
			json_object_set_new(oneshot_args, "plain", json_true());
			break;
		case OPT_QR:
			json_object_set_new(oneshot_args, "qr", json_true());
			break;
		default:
			fatalx("usage: frontend [--json] [options]");
		}
	}
	if (run != NULL && ((oneshot = cmd_find(run)) == NULL ||
	    !(oneshot->flags & CMD_ONESHOT)))
		fatalx("--run %s: not a one-shot command", run);
	json_object_set_new(oneshot_args, "profile", json_string(profile_name));

	/*
	 * Ctrl-C reaches every process of the terminal's group; the
	 * supervisor ends the session, and a prompt blocked in read() must
	 * end at once, echo back on: no SA_RESTART, so the read fails EINTR.
	 * Set before lockdown, which allows no sigaction.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) == -1)
		fatal("sigaction");
	/* jansson seeds its hash tables from /dev/urandom on first use: do
	 * it before Landlock, or it falls back to a guessable seed. */
	json_object_seed(0);
	/* libedit reads the terminal's description (terminfo) */
	if (oneshot == NULL)
		input_init();
	memset(&sb, 0, sizeof(sb));
	if (pass_fd != -1)
		sb.keep_fds[sb.nkeep++] = pass_fd;
	rt.on_shutdown = frontend_shutdown;
	rt.sup_table = &from_sup;
	rt_lockdown(&rt, &sb);
	rt_open_peer(&ch_keyd, FD_FRONTEND_KEYD, ROLE_KEYD, &from_keyd,
	    peer_closed);
	rt_open_peer(&ch_mediad, FD_FRONTEND_MEDIAD, ROLE_MEDIAD, &from_mediad,
	    peer_closed);
	rt_open_peer(&ch_chatd, FD_FRONTEND_CHATD, ROLE_CHATD, &from_chatd,
	    peer_closed);

	ui_set_idle(idle);
	if (oneshot != NULL)
		ui_quiet();		/* a one-shot command prints its answer */
	else if (ui_mode == UI_CLI)
		ui_hold(1);		/* no event in the middle of a prompt */
	memset(&fc, 0, sizeof(fc));
	fc.name = oneshot != NULL ? oneshot->name : "unlock";
	fc.profile = profile_name;
	fc.unlock = oneshot == NULL || !(oneshot->flags & CMD_LOCKED);
	fc.session = oneshot == NULL;
	if (pass_ask_init(pass_fd) == -1) {
		ui_reply_err(ui_ctx(fc.name, NULL), "the passphrase input is "
		    "longer than %d bytes a line, or unreadable", PASS_MAX);
		frontend_exit(1);
	}
	profile_flow_start(&fc, flow_done);
	rt_serve(&rt);
}
