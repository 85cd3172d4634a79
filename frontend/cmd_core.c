/* Commands of the foundation: status, quit, help. */
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/rd.h"
#include "frontend/ui.h"
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
	ui_reply_ok(ctx, json_pack("{s:i, s:o, s:o}", "processes", running,
	    "roles", roles, "dht", net_status_json()));
}

static void
cmd_status(struct cmd_ctx *ctx, json_t *args)
{
	ui_request(ctx, ui_sup(), IPC_STATUS_REQ, NULL, 0, -1, status_answer);
}

static void
cmd_quit(struct cmd_ctx *ctx, json_t *args)
{
	ui_exit_after_reply(0);		/* no prompt after this reply */
	ui_reply_ok(ctx, NULL);
}

static void
cmd_help_run(struct cmd_ctx *ctx, json_t *args)
{
	cmd_help();
	ui_reply_ok(ctx, NULL);
}

const struct cmd cmds_core[] = {
	{ "status", cmd_status, NULL,
	    "which processes run, their pids and sandboxes" },
	{ "quit", cmd_quit, NULL, "save and end the session" },
	{ "help", cmd_help_run, NULL, "this list" },
	{ NULL, NULL, NULL, NULL }
};
