/* Commands of the foundation: status, quit, help. */
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/rd.h"
#include "frontend/cmd.h"
#include "frontend/cmd_net.h"
#include "frontend/net_relays.h"
#include "frontend/frontend.h"
#include "ipc/msg_core.h"
#include "sandbox/sandbox.h"

static const char *const state_names[ROLE_STATE_MAX] = {
	[ROLE_STATE_STOPPED] = "stopped",
	[ROLE_STATE_RUNNING] = "running",
	[ROLE_STATE_RESTARTING] = "restarting",
};

static json_t *
sandbox_json(const struct ipc_role_status *s)
{
	json_t		*applied = json_array();
	const char	*name;
	uint32_t	 flag;
	size_t		 i;

	for (i = 0; (name = sandbox_flag_name(i, &flag)) != NULL; i++)
		if (s->sandbox.flags & flag)
			json_array_append_new(applied, json_string(name));
	return json_pack("{s:o, s:i, s:b, s:b}", "applied", applied,
	    "landlock_abi", s->sandbox.landlock_abi,
	    "permissive", s->sandbox.permissive,
	    "confined", (s->sandbox.flags & SB_COMPLETE) != 0);
}

/* The broker's view of --proxy (ipc_unpack_status checked the range). */
static const char *const proxy_names[IPC_PROXY_STATE_MAX] = {
	[IPC_PROXY_NONE] = "none",
	[IPC_PROXY_CHECKING] = "checking",
	[IPC_PROXY_OK] = "ok",
	[IPC_PROXY_UNREACHABLE] = "unreachable",
};

static void
status_answer(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	struct ipc_status	 st;
	struct rd		 r;
	json_t			*roles, *e;
	int			 i, running = 0;

	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type != IPC_STATUS_ANS || ipc_unpack_status(&r, &st) == -1) {
		ui_reply_err(ctx, "bad status answer from the supervisor");
		return;
	}
	roles = json_array();
	for (i = 0; i < st.n; i++) {
		const struct ipc_role_status *s = &st.roles[i];

		e = json_pack("{s:s, s:s, s:I, s:i}",
		    "role", role_name(s->role),
		    "state", state_names[s->state],
		    "pid", (json_int_t)s->pid,
		    "restarts", (int)s->restarts);
		if (s->role != ROLE_SUP)
			json_object_set_new(e, "sandbox", s->reported ?
			    sandbox_json(s) : json_null());
		if (s->state == ROLE_STATE_RUNNING)
			running++;
		json_array_append_new(roles, e);
	}
	ui_reply_ok(ctx, json_pack("{s:i, s:o, s:o, s:o, s:s, s:o, s:o}",
	    "processes", running, "roles", roles, "dht", net_status_json(),
	    "onion", net_onion_json(), "proxy", proxy_names[st.proxy],
	    "relays", net_relays_json(), "relay_server",
	    net_relay_server_json()));
}

static void
cmd_status(struct cmd_ctx *ctx, json_t *args)
{
	ui_request(ctx, frontend_chan(ROLE_SUP), IPC_STATUS_REQ, NULL, 0, -1, status_answer);
}

static void
cmd_quit(struct cmd_ctx *ctx, json_t *args)
{
	frontend_quit(0);		/* no prompt after this reply */
	ui_reply_ok(ctx, NULL);
}

static void
cmd_help(struct cmd_ctx *ctx, json_t *args)
{
	json_t		*l = cmd_list(), *c;
	const char	*a;
	size_t		 i;

	if (ui_mode == UI_JSON) {
		ui_reply_ok(ctx, json_pack("{s:o}", "commands", l));
		return;
	}
	json_array_foreach(l, i, c) {
		a = json_string_value(json_object_get(c, "args"));
		ui_say("  %-20s %s%s%s", json_string_value(json_object_get(c,
		    "name")), json_string_value(json_object_get(c, "help")),
		    a != NULL ? "  args: " : "", a != NULL ? a : "");
	}
	json_decref(l);
	ui_reply_ok(ctx, NULL);
}

const struct cmd cmds_core[] = {
	{ "status", cmd_status, NULL,
	    "which processes run, their pids and sandboxes", CMD_SESSION },
	{ "quit", cmd_quit, NULL, "save and end the session", CMD_SESSION },
	{ "help", cmd_help, NULL, "this list", CMD_SESSION },
	{ NULL, NULL, NULL, NULL, 0 }
};
