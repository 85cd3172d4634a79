/* Getting the profile to "unlocked": see profile_flow.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/rd.h"
#include "frontend/frontend.h"
#include "frontend/pass_ask.h"
#include "frontend/profile_flow.h"
#include "frontend/ui.h"
#include "ipc/msg_core.h"

#define MAX_TRIES	3

enum flow_state {
	FLOW_INFO,		/* PROFILE_INFO_REQ sent */
	FLOW_ASK_CREATE,	/* no profile: ask whether to make one */
	FLOW_UNLOCK,		/* PROFILE_UNLOCK sent */
	FLOW_END,
};

static struct flow_conf		 conf;
static enum flow_state		 state;
static void			(*on_done)(enum flow_end);
static struct ipc_profile_info	 info;
static struct pass		 used;		/* what unlocked it */
static int			 tries;

static void	step(struct ipc_msg *);

const struct ipc_profile_info *
profile_flow_info(void)
{
	return &info;
}

const struct pass *
profile_flow_pass(void)
{
	return &used;
}

void
profile_flow_wipe(void)
{
	pass_wipe(&used);
}

static void
answered(void *arg, struct ipc_msg *m, struct rd *r)
{
	step(m);
}

static void
end(enum flow_end e)
{
	state = FLOW_END;
	on_done(e);
}

/* Says why (as the reply of conf.name) and ends. */
static void
fail(const char *why)
{
	ui_reply_err(ui_ctx(conf.name, NULL), "%s", why);
	end(FLOW_FAILED);
}

/* Sends a passphrase to keyd (none for a plain file, which tells why it
 * did not load). */
static void
send_unlock(void)
{
	static uint8_t	 buf[IPC_PASS_MAX + 8];
	struct ipc_pass	 ip;
	char		 prompt[512], why[256];
	struct wr	 w;
	int		 rv;

	pass_wipe(&used);
	if (info.encrypted) {
		snprintf(prompt, sizeof(prompt), "Passphrase for %s: ",
		    conf.profile);
		if ((rv = pass_ask(0, prompt, 0, &used, why,
		    sizeof(why))) == PASS_INTR)
			frontend_exit(130);
		if (rv != 0) {
			fail(why);
			return;
		}
	}
	memset(&ip, 0, sizeof(ip));
	ip.len = (uint16_t)used.len;
	memcpy(ip.p, used.p, used.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_pass(&w, &ip);
	explicit_bzero(&ip, sizeof(ip));
	state = FLOW_UNLOCK;
	if (chan_call(frontend_chan(ROLE_KEYD), IPC_PROFILE_UNLOCK, buf, w.len,
	    -1, 0, answered, NULL) == -1)
		fail("keyd is not available");
	explicit_bzero(buf, sizeof(buf));
}

/* "No profile at ...  Create a new Tox identity? [y/N]" */
static void
ask_create(void)
{
	char	line[16];
	ssize_t	n;

	printf("No profile at %s.\nCreate a new Tox identity? [y/N] ",
	    conf.profile);
	fflush(stdout);
	while ((n = read(STDIN_FILENO, line, sizeof(line) - 1)) == -1 &&
	    errno == EINTR && !pass_interrupted)
		;
	if (pass_interrupted) {
		printf("\n");
		frontend_exit(130);
	}
	if (n <= 0 || (line[0] != 'y' && line[0] != 'Y')) {
		ui_say("%sNothing created.", n <= 0 ? "\n" : "");
		end(FLOW_NO_PROFILE);
		return;
	}
	end(FLOW_CREATE);
}

/* The one transition function: m is keyd's answer in the current state. */
static void
step(struct ipc_msg *m)
{
	struct ipc_error	e;
	struct rd		r;

	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type == IPC_ERROR && state == FLOW_INFO) {
		/* keyd went away or took too long: the channel says so */
		if (ipc_unpack_error(&r, &e) == -1)
			e.text[0] = '\0';
		fail(e.text[0] != '\0' ? e.text : "bad answer from keyd");
		return;
	}
	switch (state) {
	case FLOW_INFO:
		if (m->hdr.type != IPC_PROFILE_INFO_ANS ||
		    ipc_unpack_profile_info(&r, &info) == -1) {
			fail("bad answer from keyd");
			return;
		}
		if (!info.exists) {
			state = FLOW_ASK_CREATE;
			if (conf.session && ui_mode == UI_CLI)
				ask_create();
			else
				end(FLOW_NO_PROFILE);
		} else if (info.unlocked || !conf.unlock)
			end(info.unlocked ? FLOW_UNLOCKED : FLOW_LOCKED);
		else if (info.encrypted && ui_mode == UI_JSON &&
		    !pass_ask_from_fd() && conf.session)
			end(FLOW_LOCKED);	/* a session: stays locked */
		else
			send_unlock();
		return;
	case FLOW_UNLOCK:
		if (m->hdr.type == IPC_OK) {
			info.unlocked = 1;
			end(FLOW_UNLOCKED);
			return;
		}
		if (m->hdr.type != IPC_ERROR ||
		    ipc_unpack_error(&r, &e) == -1) {
			fail("bad answer from keyd");
			return;
		}
		if (e.code == IPC_ERR_AUTH && !pass_ask_from_fd() &&
		    ui_mode == UI_CLI && ++tries < MAX_TRIES) {
			ui_say("%s", e.text);
			send_unlock();
			return;
		}
		pass_wipe(&used);
		fail(e.text);
		return;
	case FLOW_ASK_CREATE:
	case FLOW_END:
		break;
	}
	fatalx("%s: answer in state %d", __func__, (int)state);
}

void
profile_flow_start(const struct flow_conf *c, void (*done)(enum flow_end))
{
	conf = *c;
	on_done = done;
	state = FLOW_INFO;
	if (chan_call(frontend_chan(ROLE_KEYD), IPC_PROFILE_INFO_REQ, NULL, 0,
	    -1, 0, answered, NULL) == -1)
		fail("keyd is not available");
}
