/*
 * Commands that write the profile, run once as `bulkhead init | import
 * FILE [--replace] | export FILE [--plain] | passwd`: each is an entry of
 * the command table like any other; frontend.c fills its arguments from
 * the command line ("file", "replace", "plain", "no_passphrase",
 * "profile").  The file itself never reaches the frontend: the supervisor
 * opens it and hands it to keyd (audit M4), and says whether an import
 * file is encrypted ("file_encrypted").
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/rd.h"
#include "frontend/cmd.h"
#include "frontend/cmd_profile.h"
#include "frontend/frontend.h"
#include "frontend/pass_ask.h"
#include "frontend/profile_flow.h"
#include "ipc/msg_core.h"
#include "ipc/msg_profile.h"


static int
flag(json_t *args, const char *key)
{
	return json_is_true(json_object_get(args, key));
}

static const char *
str(json_t *args, const char *key, const char *dflt)
{
	const char	*s = json_string_value(json_object_get(args, key));

	return s != NULL ? s : dflt;
}

/* A passphrase, or a reply saying why not (-1); Ctrl-C ends here. */
static int
ask(struct cmd_ctx *ctx, int line, const char *prompt, int isnew,
    struct pass *out)
{
	char	why[256];
	int	rv;

	rv = isnew ? pass_ask_new(line, out, why, sizeof(why)) :
	    pass_ask(line, prompt, 0, out, why, sizeof(why));
	if (rv == PASS_INTR)
		frontend_exit(130);
	if (rv != 0)
		ui_reply_err(ctx, "%s", why);
	return rv == 0 ? 0 : -1;
}

static void
to_wire(struct ipc_pass *dst, const struct pass *src)
{
	dst->len = (uint16_t)src->len;
	memcpy(dst->p, src->p, src->len);
}

/* ID_ANS of a new or imported profile: the ID, where, and how kept. */
static struct {
	char	profile[1024];
	int	nopass;
} made;

static void
created(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	struct ipc_id	 id;
	struct rd	 r;
	json_t		*j;

	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type != IPC_ID_ANS || ipc_unpack_id(&r, &id) == -1) {
		ui_reply_from_ok(ctx, m);
		return;
	}
	if (made.nopass)
		ui_say("The profile is stored UNENCRYPTED (--no-passphrase): "
		    "anyone who can read %s has your identity.", made.profile);
	j = id_json(&id);
	json_object_set_new(j, "profile", json_string(made.profile));
	json_object_set_new(j, "encrypted", json_boolean(!made.nopass));
	ui_reply_ok(ctx, j);
}

static void
cmd_init(struct cmd_ctx *ctx, json_t *args)
{
	static uint8_t			buf[IPC_PASS_MAX + 16];
	struct ipc_profile_create	pc;
	struct pass			p;
	struct wr			w;

	snprintf(made.profile, sizeof(made.profile), "%s",
	    str(args, "profile", "the profile"));
	made.nopass = flag(args, "no_passphrase");
	if (profile_flow_info()->exists) {
		ui_reply_err(ctx, "a profile already exists at %s; nothing "
		    "was changed", made.profile);
		return;
	}
	memset(&pc, 0, sizeof(pc));
	if (made.nopass)
		pc.flags = IPC_PF_NOPASS;
	else {
		if (ask(ctx, 0, NULL, 1, &p) == -1)
			return;
		to_wire(&pc.pass, &p);
		pass_wipe(&p);
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_profile_create(&w, &pc);
	explicit_bzero(&pc, sizeof(pc));
	ui_request(ctx, frontend_chan(ROLE_KEYD), IPC_PROFILE_CREATE, buf,
	    w.len, -1, created);
	explicit_bzero(buf, sizeof(buf));
}

/* import: its arguments, kept across the unlock of the profile it
 * replaces. */
static struct {
	char	file[1024];
	int	replace;
	int	encrypted;	/* the supervisor looked at its header */
	int	line;		/* of --passphrase-fd for the file's */
} imp;

static void
import_send(struct cmd_ctx *ctx)
{
	static uint8_t			buf[IPC_PASS_MAX + 16];
	struct ipc_profile_create	pc;
	char				prompt[1100];
	struct pass			p;
	struct wr			w;
	int				enc = imp.encrypted;

	memset(&pc, 0, sizeof(pc));
	memset(&p, 0, sizeof(p));
	pc.flags = (imp.replace ? IPC_PF_REPLACE : 0) |
	    (made.nopass ? IPC_PF_NOPASS : 0);
	snprintf(prompt, sizeof(prompt), "Passphrase of %s: ", imp.file);
	if (enc && ask(ctx, imp.line, prompt, 0, &p) == -1)
		return;
	if (!enc && !made.nopass) {
		ui_say("%s is not encrypted; choose a passphrase for the "
		    "stored copy.", imp.file);
		if (ask(ctx, imp.line, NULL, 1, &p) == -1)
			return;
	}
	to_wire(&pc.pass, &p);
	pass_wipe(&p);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_profile_import(&w, &pc);
	explicit_bzero(&pc, sizeof(pc));
	ui_request(ctx, frontend_chan(ROLE_KEYD), IPC_PROFILE_IMPORT, buf,
	    w.len, -1, created);
	explicit_bzero(buf, sizeof(buf));
}

static void
import_unlocked(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	if (m->hdr.type == IPC_OK)
		import_send(ctx);
	else
		ui_reply_from_ok(ctx, m);
}

static void
cmd_import(struct cmd_ctx *ctx, json_t *args)
{
	static uint8_t			 buf[IPC_PASS_MAX + 8];
	const struct ipc_profile_info	*pi = profile_flow_info();
	struct ipc_pass			 ip;
	struct pass			 p;
	char				 prompt[1100];
	struct wr			 w;

	snprintf(imp.file, sizeof(imp.file), "%s", str(args, "file",
	    "the file"));
	snprintf(made.profile, sizeof(made.profile), "%s",
	    str(args, "profile", "the profile"));
	imp.replace = flag(args, "replace");
	imp.encrypted = flag(args, "file_encrypted");
	made.nopass = flag(args, "no_passphrase");
	imp.line = 0;
	if (pi->exists && !imp.replace) {
		ui_reply_err(ctx, "a profile already exists at %s; it is left "
		    "alone (import --replace FILE overwrites it)",
		    made.profile);
		return;
	}
	if (!pi->exists || pi->unlocked || !pi->encrypted) {
		import_send(ctx);
		return;
	}
	/* keyd replaces only what it could open: the current passphrase
	 * first (line 1 of --passphrase-fd), then the file's (line 2) */
	snprintf(prompt, sizeof(prompt), "Current passphrase for %s: ",
	    made.profile);
	if (ask(ctx, 0, prompt, 0, &p) == -1)
		return;
	imp.line = 1;
	memset(&ip, 0, sizeof(ip));
	to_wire(&ip, &p);
	pass_wipe(&p);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_pass(&w, &ip);
	explicit_bzero(&ip, sizeof(ip));
	ui_request(ctx, frontend_chan(ROLE_KEYD), IPC_PROFILE_UNLOCK, buf,
	    w.len, -1, import_unlocked);
	explicit_bzero(buf, sizeof(buf));
}

static struct {
	char	file[1024];
	int	plain;
} ex;

static void
exported(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	if (m->hdr.type == IPC_OK)
		ui_reply_ok(ctx, json_pack("{s:s, s:b}", "file", ex.file,
		    "encrypted", !ex.plain));
	else
		ui_reply_from_ok(ctx, m);
}

/*
 * The target was opened by the supervisor and handed to keyd.  An export
 * without encryption puts the secret key in the clear: keyd asks for the
 * passphrase again (a line of --passphrase-fd after the unlock's, if the
 * profile is encrypted).
 */
static void
cmd_export(struct cmd_ctx *ctx, json_t *args)
{
	static uint8_t			 buf[IPC_PASS_MAX + 16];
	const struct ipc_profile_info	*pi = profile_flow_info();
	struct ipc_profile_create	 pc;
	struct pass			 p;
	char				 prompt[1100];
	struct wr			 w;

	snprintf(ex.file, sizeof(ex.file), "%s", str(args, "file",
	    "the file"));
	ex.plain = flag(args, "plain");
	memset(&pc, 0, sizeof(pc));
	memset(&p, 0, sizeof(p));
	pc.flags = ex.plain ? IPC_PF_PLAIN : 0;
	if (ex.plain && pi->encrypted) {
		snprintf(prompt, sizeof(prompt), "The export is NOT encrypted; "
		    "passphrase of %s again: ", str(args, "profile",
		    "the profile"));
		if (ask(ctx, 1, prompt, 0, &p) == -1)
			return;
		to_wire(&pc.pass, &p);
		pass_wipe(&p);
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_profile_export(&w, &pc);
	explicit_bzero(&pc, sizeof(pc));
	ui_request(ctx, frontend_chan(ROLE_KEYD), IPC_PROFILE_EXPORT, buf,
	    w.len, -1, exported);
	explicit_bzero(buf, sizeof(buf));
}

static int	passwd_nopass;

static void
passwd_done(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	if (m->hdr.type != IPC_OK) {
		ui_reply_from_ok(ctx, m);
		return;
	}
	if (passwd_nopass)
		ui_say("The profile is now stored UNENCRYPTED "
		    "(--no-passphrase).");
	ui_reply_ok(ctx, json_pack("{s:b}", "encrypted", !passwd_nopass));
}

/*
 * The profile was unlocked with the current passphrase (profile_flow.c,
 * which told a wrong one at once): only the new one is asked here.
 */
static void
cmd_passwd(struct cmd_ctx *ctx, json_t *args)
{
	static uint8_t		 buf[2 * IPC_PASS_MAX + 16];
	const struct pass	*cur = profile_flow_pass();
	struct ipc_passwd	 pw;
	struct pass		 p;
	struct wr		 w;

	memset(&pw, 0, sizeof(pw));
	passwd_nopass = flag(args, "no_passphrase");
	to_wire(&pw.old, cur);
	if (passwd_nopass)
		pw.flags = IPC_PF_NOPASS;
	else {
		/* line 2 of --passphrase-fd if line 1 unlocked the profile */
		if (ask(ctx, profile_flow_info()->encrypted ? 1 : 0, NULL, 1,
		    &p) == -1) {
			explicit_bzero(&pw, sizeof(pw));
			return;
		}
		to_wire(&pw.new, &p);
		pass_wipe(&p);
	}
	profile_flow_wipe();
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_passwd(&w, &pw);
	explicit_bzero(&pw, sizeof(pw));
	ui_request(ctx, frontend_chan(ROLE_KEYD), IPC_PASSWD, buf, w.len, -1,
	    passwd_done);
	explicit_bzero(buf, sizeof(buf));
}

const struct cmd cmds_store[] = {
	{ "init", cmd_init, NULL, "create a new identity and profile",
	    CMD_ONESHOT | CMD_LOCKED },
	{ "import", cmd_import, NULL, "make a c-toxcore profile file yours",
	    CMD_ONESHOT | CMD_LOCKED },
	{ "export", cmd_export, NULL, "write the profile to a new file",
	    CMD_ONESHOT },
	{ "passwd", cmd_passwd, NULL, "change the profile's passphrase",
	    CMD_ONESHOT },
	{ NULL, NULL, NULL, NULL, 0 }
};
