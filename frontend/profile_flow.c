/* Profile start-up and one-shot commands: see profile_flow.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/rd.h"
#include "frontend/passphrase.h"
#include "frontend/profile_flow.h"
#include "frontend/qr.h"
#include "frontend/ui.h"
#include "ipc/msg_core.h"
#include "ipc/msg_profile.h"

#define MAX_TRIES	3
#define ESAVE_MAGIC	"toxEsave"	/* the toxencryptsave header */

static struct flow_opts		 fo;
static void			(*on_ready)(void);
static struct ipc_profile_info	 info;
static struct pass		 fd_line[2];	/* from --passphrase-fd */
static int			 fd_lines = -1;	/* -1: no fd given */
static int			 tries;

static void	step_info(struct cmd_ctx *, struct ipc_msg *);

/* A pseudo command for the flow's own replies ("init", "unlock", ...). */
static struct cmd_ctx *
flow_ctx(const char *name)
{
	static struct cmd	cmds[8];
	static int		n;
	struct cmd_ctx		*ctx;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		fatal("%s: calloc", __func__);
	cmds[n % 8].name = name;
	ctx->cmd = &cmds[n++ % 8];
	return ctx;
}

static void
wipe_fd_lines(void)
{
	fd_lines = fd_lines >= 0 ? 0 : -1;
	pass_wipe(&fd_line[0]);
	pass_wipe(&fd_line[1]);
}

/* The profile is ready: a one-shot command has done its work. */
static void
ready(void)
{
	wipe_fd_lines();
	if (fo.run == NULL)
		on_ready();
	/* a one-shot command ends with its reply (ui_set_oneshot) */
}

static void	after_unlock(void);

/* Ends a one-shot command, or the session before it started. */
static void
give_up(void)
{
	frontend_exit(1);
}

/*
 * A passphrase: line `line` (0 or 1) of --passphrase-fd, else asked at the
 * terminal, twice if confirm.  -1 with a reply on ctx if there is none.
 */
static int
get_pass(struct cmd_ctx *ctx, int line, const char *prompt, int confirm,
    struct pass *out)
{
	struct pass	again;
	int		i;

	if (fd_lines >= 0) {
		if (line >= fd_lines) {
			ui_reply_err(ctx, "the passphrase input has no line %d",
			    line + 1);
			return -1;
		}
		*out = fd_line[line];
		return 0;
	}
	if (ui_mode == UI_JSON) {
		ui_reply_err(ctx, "a passphrase is needed: start with "
		    "--passphrase-fd N or --passphrase-file PATH");
		return -1;
	}
	for (i = 0; i < MAX_TRIES; i++) {
		if (pass_prompt(prompt, out) == -1) {
			ui_reply_err(ctx, "no passphrase read (standard input "
			    "is not a terminal, or the line is longer than %d "
			    "bytes): use --passphrase-fd or --passphrase-file",
			    PASS_MAX);
			return -1;
		}
		if (!confirm)
			return 0;
		if (out->len == 0) {
			ui_say("An empty passphrase protects nothing; to store "
			    "the profile unencrypted use --no-passphrase.");
			continue;
		}
		if (pass_prompt("Repeat the passphrase: ", &again) == -1)
			break;
		if (again.len == out->len &&
		    memcmp(again.p, out->p, out->len) == 0) {
			pass_wipe(&again);
			return 0;
		}
		pass_wipe(&again);
		ui_say("The passphrases differ; try again.");
	}
	pass_wipe(out);
	ui_reply_err(ctx, "no passphrase set");
	return -1;
}

/* A new passphrase (asked twice); never empty: that is --no-passphrase. */
static int
get_new_pass(struct cmd_ctx *ctx, int line, struct pass *out)
{
	if (get_pass(ctx, line, "New passphrase: ", 1, out) == -1)
		return -1;
	if (out->len == 0) {
		ui_reply_err(ctx, "an empty passphrase protects nothing: use "
		    "--no-passphrase to store the profile unencrypted");
		return -1;
	}
	return 0;
}

static void
to_wire(struct ipc_pass *dst, const struct pass *src)
{
	dst->len = (uint16_t)src->len;
	memcpy(dst->p, src->p, src->len);
}

/* keyd's error text, or "" when m is not an IPC_ERROR. */
static int
error_of(struct ipc_msg *m, struct ipc_error *e)
{
	struct rd	r;

	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type != IPC_ERROR || ipc_unpack_error(&r, e) == -1)
		return 0;
	return 1;
}

/* --- creating ---------------------------------------------------------- */

static void
created(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	struct ipc_error	e;
	struct ipc_id		id;
	struct rd		r;
	json_t			*j;

	if (error_of(m, &e)) {
		ui_reply_err(ctx, "%s", e.text);
		give_up();
	}
	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type != IPC_ID_ANS || ipc_unpack_id(&r, &id) == -1) {
		ui_reply_err(ctx, "bad answer from keyd");
		give_up();
	}
	if (fo.no_passphrase)
		ui_say("The profile is stored UNENCRYPTED (--no-passphrase): "
		    "anyone who can read %s has your identity.", fo.profile);
	j = id_json(&id);
	json_object_set_new(j, "profile", json_string(fo.profile));
	json_object_set_new(j, "encrypted", json_boolean(!fo.no_passphrase));
	ui_reply_ok(ctx, j);
	ready();
}

static void
create(struct cmd_ctx *ctx)
{
	static struct ipc_profile_create	pc;
	static uint8_t				buf[IPC_PASS_MAX + 16];
	struct pass				p;
	struct wr				w;

	memset(&pc, 0, sizeof(pc));
	if (fo.no_passphrase)
		pc.flags = IPC_PF_NOPASS;
	else {
		if (get_new_pass(ctx, 0, &p) == -1)
			give_up();
		to_wire(&pc.pass, &p);
		pass_wipe(&p);
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_profile_create(&w, &pc);
	ui_request(ctx, &ch_keyd, IPC_PROFILE_CREATE, buf, w.len, -1,
	    created);
	explicit_bzero(buf, sizeof(buf));
	explicit_bzero(&pc, sizeof(pc));
}

/* --- unlocking --------------------------------------------------------- */

static void	unlock(struct cmd_ctx *);

static void
unlocked(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	struct ipc_error	e;

	if (m->hdr.type == IPC_OK) {
		if (ui_mode == UI_JSON && fo.run == NULL)
			ui_event("profile", json_pack("{s:b, s:b, s:b}",
			    "exists", 1, "encrypted", info.encrypted,
			    "unlocked", 1));
		ctx->done = 1;		/* the flow's own step: no reply */
		after_unlock();
		return;
	}
	if (!error_of(m, &e)) {
		ui_reply_err(ctx, "bad answer from keyd");
		give_up();
	}
	if (e.code == IPC_ERR_AUTH && fd_lines < 0 && ui_mode == UI_CLI &&
	    ++tries < MAX_TRIES) {
		ui_say("%s", e.text);
		unlock(ctx);
		return;
	}
	ui_reply_err(ctx, "%s", e.text);
	give_up();
}

static void
unlock(struct cmd_ctx *ctx)
{
	static struct ipc_pass	ip;
	static uint8_t		buf[IPC_PASS_MAX + 8];
	struct pass		p;
	char			prompt[512];
	struct wr		w;

	memset(&p, 0, sizeof(p));
	snprintf(prompt, sizeof(prompt), "Passphrase for %s: ", fo.profile);
	if (info.encrypted && get_pass(ctx, 0, prompt, 0, &p) == -1)
		give_up();
	memset(&ip, 0, sizeof(ip));
	to_wire(&ip, &p);
	pass_wipe(&p);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_pass(&w, &ip);
	ui_request(ctx, &ch_keyd, IPC_PROFILE_UNLOCK, buf, w.len, -1,
	    unlocked);
	explicit_bzero(buf, sizeof(buf));
	explicit_bzero(&ip, sizeof(ip));
}

/* --- the one-shot commands -------------------------------------------- */

static void
qr_after_id(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	struct ipc_id	 id;
	struct rd	 r;
	json_t		*j;
	char		 uri[8 + 2 * TOX_ADDRESS_LEN + 1];

	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type != IPC_ID_ANS || ipc_unpack_id(&r, &id) == -1) {
		ui_reply_from_ok(ctx, m);
		return;
	}
	j = id_json(&id);
	if (fo.qr && ui_mode == UI_CLI) {
		snprintf(uri, sizeof(uri), "tox:%s",
		    json_string_value(json_object_get(j, "address")));
		if (qr_print(uri) == -1) {
			json_decref(j);
			ui_reply_err(ctx, "could not draw the QR code");
			return;
		}
	}
	ui_reply_ok(ctx, j);
}

static void
imported(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	created(ctx, m);
}

static void
run_import(struct cmd_ctx *ctx)
{
	static struct ipc_profile_create	pc;
	static uint8_t				buf[IPC_PASS_MAX + 16];
	char					magic[8], prompt[512];
	struct pass				p;
	struct wr				w;
	int					enc;

	if (info.exists && !fo.replace) {
		ui_reply_err(ctx, "a profile already exists at %s; it is left "
		    "alone (import --replace FILE overwrites it)", fo.profile);
		give_up();
	}
	/* Only to know which passphrase to ask for; keyd parses the file. */
	enc = read(fo.file_fd, magic, sizeof(magic)) == (ssize_t)sizeof(magic)
	    && memcmp(magic, ESAVE_MAGIC, sizeof(magic)) == 0;
	if (lseek(fo.file_fd, 0, SEEK_SET) == -1) {
		ui_reply_err(ctx, "%s: cannot rewind", fo.file);
		give_up();
	}
	memset(&pc, 0, sizeof(pc));
	memset(&p, 0, sizeof(p));
	pc.flags = (fo.replace ? IPC_PF_REPLACE : 0) |
	    (fo.no_passphrase ? IPC_PF_NOPASS : 0);
	snprintf(prompt, sizeof(prompt), "Passphrase of %s: ", fo.file);
	if (enc && get_pass(ctx, 0, prompt, 0, &p) == -1)
		give_up();
	if (!enc && !fo.no_passphrase) {
		ui_say("%s is not encrypted; choose a passphrase for the "
		    "stored copy.", fo.file);
		if (get_new_pass(ctx, 0, &p) == -1)
			give_up();
	}
	to_wire(&pc.pass, &p);
	pass_wipe(&p);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_profile_import(&w, &pc);
	ui_request(ctx, &ch_keyd, IPC_PROFILE_IMPORT, buf, w.len, fo.file_fd,
	    imported);
	explicit_bzero(buf, sizeof(buf));
	explicit_bzero(&pc, sizeof(pc));
}

static void
exported(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	if (m->hdr.type == IPC_OK)
		ui_reply_ok(ctx, json_pack("{s:s, s:b}", "file", fo.file,
		    "encrypted", !fo.plain));
	else
		ui_reply_from_ok(ctx, m);
}

static void
passwd_done(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	if (m->hdr.type == IPC_OK && fo.no_passphrase)
		ui_say("The profile is now stored UNENCRYPTED "
		    "(--no-passphrase).");
	if (m->hdr.type == IPC_OK)
		ui_reply_ok(ctx, json_pack("{s:b}", "encrypted",
		    !fo.no_passphrase));
	else
		ui_reply_from_ok(ctx, m);
}

static void
run_passwd(struct cmd_ctx *ctx)
{
	static struct ipc_passwd	pw;
	static uint8_t			buf[2 * IPC_PASS_MAX + 16];
	struct pass			p;
	struct wr			w;
	int				newline = 0;

	memset(&pw, 0, sizeof(pw));
	memset(&p, 0, sizeof(p));
	if (info.encrypted) {
		if (get_pass(ctx, 0, "Current passphrase: ", 0, &p) == -1)
			give_up();
		to_wire(&pw.old, &p);
		pass_wipe(&p);
		newline = 1;
	}
	if (fo.no_passphrase)
		pw.flags = IPC_PF_NOPASS;
	else {
		if (get_new_pass(ctx, newline, &p) == -1)
			give_up();
		to_wire(&pw.new, &p);
		pass_wipe(&p);
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_passwd(&w, &pw);
	ui_request(ctx, &ch_keyd, IPC_PASSWD, buf, w.len, -1, passwd_done);
	explicit_bzero(buf, sizeof(buf));
	explicit_bzero(&pw, sizeof(pw));
}

/* Once unlocked: the one-shot commands that need the identity. */
static void
run_unlocked(void)
{
	struct cmd_ctx	*ctx = flow_ctx(fo.run);
	uint8_t		 buf[8];
	struct wr	 w;
	json_t		*args;

	if (strcmp(fo.run, "passwd") == 0) {
		run_passwd(ctx);	/* unlocked with the current passphrase */
	} else if (strcmp(fo.run, "id") == 0) {
		ui_request(ctx, &ch_keyd, IPC_ID_REQ, NULL, 0, -1, qr_after_id);
	} else if (strcmp(fo.run, "export") == 0) {
		wr_init(&w, buf, sizeof(buf));
		ipc_pack_profile_export(&w, fo.plain ? IPC_PF_PLAIN : 0);
		ui_request(ctx, &ch_keyd, IPC_PROFILE_EXPORT, buf, w.len,
		    fo.file_fd, exported);
	} else {
		/* nospam and self: the session commands, run once */
		free(ctx);
		args = json_object();
		if (fo.run_arg != NULL)
			json_object_set_new(args, "nospam",
			    json_string(fo.run_arg));
		cmd_run(cmd_find(fo.run), args);
		json_decref(args);
	}
}

/* --- start ------------------------------------------------------------ */

static void
after_unlock(void)
{
	if (fo.run == NULL || strcmp(fo.run, "passwd") != 0)
		wipe_fd_lines();	/* passwd still needs the new one */
	if (fo.run != NULL)
		run_unlocked();
	else
		on_ready();
}

static void
ask_create(struct cmd_ctx *ctx)
{
	char	line[16];
	ssize_t	n;

	if (ui_mode == UI_JSON) {
		ui_event("profile", json_pack("{s:b, s:b, s:b}", "exists", 0,
		    "encrypted", 0, "unlocked", 0));
		free(ctx);
		on_ready();
		return;
	}
	printf("No profile at %s.\nCreate a new Tox identity? [y/N] ",
	    fo.profile);
	fflush(stdout);
	n = read(STDIN_FILENO, line, sizeof(line) - 1);
	if (n <= 0 || (line[0] != 'y' && line[0] != 'Y')) {
		ui_say("Nothing created.");
		free(ctx);
		frontend_exit(0);
	}
	create(ctx);
}

static void
step_info(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	struct rd	r;

	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type != IPC_PROFILE_INFO_ANS ||
	    ipc_unpack_profile_info(&r, &info) == -1) {
		ui_reply_err(ctx, "bad answer from keyd");
		give_up();
	}
	ctx->done = 1;		/* the info step itself is not a reply */
	ctx = flow_ctx(fo.run != NULL ? fo.run : "unlock");
	if (fo.run != NULL && strcmp(fo.run, "init") == 0) {
		if (info.exists) {
			ui_reply_err(ctx, "a profile already exists at %s; "
			    "nothing was changed", fo.profile);
			give_up();
		}
		create(ctx);
		return;
	}
	if (fo.run != NULL && strcmp(fo.run, "import") == 0) {
		run_import(ctx);
		return;
	}
	if (!info.exists) {
		if (fo.run != NULL) {
			ui_reply_err(ctx, "no profile at %s: create one with "
			    "`bulkhead init` or `bulkhead import FILE`",
			    fo.profile);
			give_up();
		}
		ask_create(ctx);
		return;
	}
	if (fo.run != NULL && strcmp(fo.run, "passwd") == 0 &&
	    (info.unlocked || !info.encrypted)) {
		run_passwd(ctx);
		return;
	}
	if (info.unlocked) {
		free(ctx);
		after_unlock();
		return;
	}
	if (!info.encrypted || ui_mode == UI_CLI || fd_lines >= 0 ||
	    fo.run != NULL) {
		/* (a plain file that did not load gets its reason this way) */
		unlock(ctx);
		return;
	}
	/* JSON session without a passphrase source: stay locked. */
	ui_event("profile", json_pack("{s:b, s:b, s:b}", "exists", 1,
	    "encrypted", 1, "unlocked", 0));
	free(ctx);
	on_ready();
}

void
profile_flow_start(const struct flow_opts *o, void (*ready_cb)(void))
{
	struct cmd_ctx	*ctx;

	fo = *o;
	on_ready = ready_cb;
	if (fo.run != NULL)
		ui_set_oneshot();
	if (fo.pass_fd != -1) {
		if ((fd_lines = pass_read_fd(fo.pass_fd, &fd_line[0],
		    &fd_line[1])) == -1) {
			ctx = flow_ctx("unlock");
			ui_reply_err(ctx, "the passphrase input is longer than "
			    "%d bytes a line, or unreadable", PASS_MAX);
			give_up();
		}
		close(fo.pass_fd);
	}
	ctx = flow_ctx("profile");
	ui_request(ctx, &ch_keyd, IPC_PROFILE_INFO_REQ, NULL, 0, -1,
	    step_info);
}
