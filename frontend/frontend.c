/*
 * frontend: the terminal.  It renders what keyd reports and turns the
 * user's lines (or a script's JSON lines) into commands.  It holds no key
 * and has no network; friend-controlled text is sanitized before display.
 */
#include <sys/epoll.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/loop.h"
#include "common/rd.h"
#include "frontend/json_cmd.h"
#include "frontend/profile_flow.h"
#include "frontend/ui.h"
#include "sandbox/role_rt.h"

enum {
	OPT_JSON = RT_OPT_FIRST_ROLE,
	OPT_RUN, OPT_RUN_ARG, OPT_PROFILE_NAME, OPT_FILE_NAME, OPT_PASS_FD,
	OPT_FILE_FD, OPT_NO_PASSPHRASE, OPT_REPLACE, OPT_PLAIN, OPT_QR,
};

static struct role_rt	 rt;
struct chan		 ch_keyd, ch_mediad;
static struct chan	 ch_chatd;

static struct ev_src	 in_src;
static char		 inbuf[JSON_CMD_MAX_LINE + 2];
static size_t		 inlen;
static int		 discarding;	/* an over-long line is being skipped */

struct chan *
ui_sup(void)
{
	return &rt.sup;
}

void
frontend_exit(int code)
{
	fflush(stdout);
	chan_flush(&rt.sup);
	exit(code);
}

static void
frontend_shutdown(void)
{
	frontend_exit(0);
}

static void
run_line(const char *line, size_t len)
{
	if (ui_mode == UI_JSON)
		json_mode_line(line, len);
	else
		cli_line(line, len);
}

static void
stdin_cb(struct ev_src *src, uint32_t events)
{
	char	*nl;
	ssize_t	 n;
	size_t	 used;

	n = read(src->fd, inbuf + inlen, sizeof(inbuf) - inlen);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		fatal("read stdin");
	}
	if (n == 0) {			/* Ctrl-D or the script closed stdin */
		if (inlen > 0 && !discarding)
			run_line(inbuf, inlen);
		inlen = 0;
		loop_del(src);
		ui_say("%s", "");
		ui_exit_when_idle(0);
		return;
	}
	inlen += (size_t)n;
	while ((nl = memchr(inbuf, '\n', inlen)) != NULL) {
		used = (size_t)(nl - inbuf) + 1;
		if (!discarding)
			run_line(inbuf, used - 1);
		discarding = 0;
		memmove(inbuf, inbuf + used, inlen - used);
		inlen -= used;
	}
	if (inlen == sizeof(inbuf)) {
		/* Longer than any request may be: answer once, skip to '\n'. */
		if (!discarding)
			run_line(inbuf, inlen);	/* the parser rejects it */
		discarding = 1;
		inlen = 0;
	}
}

static void	peer_closed(struct chan *, const char *);

/* Events from keyd: the network's status, relayed. */
static int
on_net_status(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	return net_status_msg(r);
}

static const struct chan_handler from_keyd_rows[] = {
	{ IPC_NET_STATUS,	0,	on_net_status },
};
static const struct chan_table from_keyd_table = { CHAN_ROWS(from_keyd_rows), NULL };
static const struct chan_tables from_keyd = { { &from_keyd_table } };
/* mediad and chatd send nothing yet: calls and messages arrive in later
 * issues. */
static const struct chan_tables from_mediad = { { NULL } };
static const struct chan_tables from_chatd = { { NULL } };

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

static const struct chan_handler from_sup_rows[] = {
	{ IPC_SESSION_END,	CH_ONCE,	on_session_end },
	{ IPC_ROLE_EVENT,	0,		on_role_event },
	{ IPC_NEW_CHANNEL,	0,		on_new_channel },
};
static const struct chan_table from_sup = { CHAN_ROWS(from_sup_rows), NULL };

static void
peer_closed(struct chan *c, const char *why)
{
	log_info("%s channel closed: %s", role_name(c->peer), why);
}

/* The profile is ready: now the user's commands. */
static void
start_input(void)
{
	in_src.fd = STDIN_FILENO;
	in_src.cb = stdin_cb;
	loop_add(&in_src, EPOLLIN);
	if (ui_mode == UI_CLI)
		ui_say("bulkhead: type \"help\" for commands, Ctrl-D to quit.");
	ui_started();
	if (ui_mode == UI_CLI)
		cli_prompt();
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
		{ "file-fd", required_argument, NULL, OPT_FILE_FD },
		{ "no-passphrase", no_argument, NULL, OPT_NO_PASSPHRASE },
		{ "replace", no_argument, NULL, OPT_REPLACE },
		{ "plain", no_argument, NULL, OPT_PLAIN },
		{ "qr", no_argument, NULL, OPT_QR },
		{ NULL, 0, NULL, 0 }
	};
	struct sandbox_conf	sb;
	struct flow_opts	fo;
	int			ch;

	memset(&fo, 0, sizeof(fo));
	fo.pass_fd = fo.file_fd = -1;
	fo.profile = "the profile";
	fo.file = "the file";

	rt_init(&rt, ROLE_FRONTEND);
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (rt_option(&rt, ch, optarg))
			continue;
		switch (ch) {
		case OPT_JSON:
			ui_mode = UI_JSON;
			break;
		case OPT_RUN:
			fo.run = optarg;
			break;
		case OPT_RUN_ARG:
			fo.run_arg = optarg;
			break;
		case OPT_PROFILE_NAME:
			fo.profile = optarg;
			break;
		case OPT_FILE_NAME:
			fo.file = optarg;
			break;
		case OPT_PASS_FD:
			fo.pass_fd = fd_arg(optarg);
			break;
		case OPT_FILE_FD:
			fo.file_fd = fd_arg(optarg);
			break;
		case OPT_NO_PASSPHRASE:
			fo.no_passphrase = 1;
			break;
		case OPT_REPLACE:
			fo.replace = 1;
			break;
		case OPT_PLAIN:
			fo.plain = 1;
			break;
		case OPT_QR:
			fo.qr = 1;
			break;
		default:
			fatalx("usage: frontend [--json] [options]");
		}
	}

	/* jansson seeds its hash tables from /dev/urandom on first use: do
	 * it before Landlock, or it falls back to a guessable seed. */
	json_object_seed(0);
	memset(&sb, 0, sizeof(sb));
	if (fo.pass_fd != -1)
		sb.keep_fds[sb.nkeep++] = fo.pass_fd;
	if (fo.file_fd != -1)
		sb.keep_fds[sb.nkeep++] = fo.file_fd;
	rt.on_shutdown = frontend_shutdown;
	rt.sup_table = &from_sup;
	rt_lockdown(&rt, &sb);
	rt_open_peer(&ch_keyd, FD_FRONTEND_KEYD, ROLE_KEYD, &from_keyd,
	    peer_closed);
	rt_open_peer(&ch_mediad, FD_FRONTEND_MEDIAD, ROLE_MEDIAD, &from_mediad,
	    peer_closed);
	rt_open_peer(&ch_chatd, FD_FRONTEND_CHATD, ROLE_CHATD, &from_chatd,
	    peer_closed);

	/*
	 * stdin stays blocking: O_NONBLOCK would leak into the user's shell
	 * through the shared terminal; one read() per EPOLLIN never blocks.
	 * It is watched once the profile is ready (profile_flow.c).
	 */
	profile_flow_start(&fo, start_input);
	rt_serve(&rt);
}
