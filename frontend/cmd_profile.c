/*
 * Identity commands: id, self, set_name, set_status_message, set_status,
 * nospam, profile.  Each asks keyd; none ever sees a secret key.
 */
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "common/log.h"
#include "frontend/cmd.h"
#include "frontend/cmd_profile.h"
#include "frontend/frontend.h"
#include "frontend/qr.h"
#include "frontend/sanitize.h"
#include "ipc/msg_core.h"
#include "ipc/msg_profile.h"

static const char *const status_names[] = { "none", "away", "busy" };

/* Bytes from keyd as a JSON string: UTF-8 as is, anything else sanitized. */
static json_t *
bytes_json(const uint8_t *p, size_t n)
{
	char	 safe[4 * IPC_STATUSMSG_MAX + 1];
	json_t	*s;

	if ((s = json_stringn((const char *)p, n)) != NULL)
		return s;
	return json_string(sanitize_text((const char *)p, n, safe,
	    sizeof(safe)));
}

/* keyd's IPC_ERROR as this command's error; 0 if m was not an error. */
static int
reply_if_error(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	if (m->hdr.type != IPC_ERROR && m->hdr.type != IPC_OK)
		return 0;
	ui_reply_from_ok(ctx, m);
	return 1;
}

json_t *
id_json(const struct ipc_id *id)
{
	char	addr[2 * TOX_ADDRESS_LEN + 1], pk[2 * TOX_PK_LEN + 1];
	char	ns[2 * TOX_NOSPAM_LEN + 1];

	hex_encode(id->address, sizeof(id->address), addr);
	hex_encode(id->pk, sizeof(id->pk), pk);
	hex_encode(id->address + TOX_PK_LEN, TOX_NOSPAM_LEN, ns);
	return json_pack("{s:s, s:s, s:s}", "address", addr, "public_key", pk,
	    "nospam", ns);
}

static void
id_answer(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	struct ipc_id	id;
	struct rd	r;

	if (reply_if_error(ctx, m))
		return;
	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type != IPC_ID_ANS || ipc_unpack_id(&r, &id) == -1) {
		ui_reply_err(ctx, "bad answer from keyd");
		return;
	}
	ui_reply_ok(ctx, id_json(&id));
}

/* The ID, and for `bulkhead id --qr` at the terminal its QR code too. */
static void
id_qr_answer(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	struct ipc_id	 id;
	struct rd	 r;
	json_t		*j;
	char		 uri[8 + 2 * TOX_ADDRESS_LEN + 1];

	if (reply_if_error(ctx, m))
		return;
	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type != IPC_ID_ANS || ipc_unpack_id(&r, &id) == -1) {
		ui_reply_err(ctx, "bad answer from keyd");
		return;
	}
	j = id_json(&id);
	if (ui_mode == UI_CLI) {
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
cmd_id(struct cmd_ctx *ctx, json_t *args)
{
	ui_request(ctx, frontend_chan(ROLE_KEYD), IPC_ID_REQ, NULL, 0, -1,
	    json_is_true(json_object_get(args, "qr")) ? id_qr_answer :
	    id_answer);
}

static void
self_answer(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	static struct ipc_self	s;
	struct rd		r;

	if (reply_if_error(ctx, m))
		return;
	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type != IPC_SELF_ANS || ipc_unpack_self(&r, &s) == -1 ||
	    s.status > 2) {
		ui_reply_err(ctx, "bad answer from keyd");
		return;
	}
	ui_reply_ok(ctx, json_pack("{s:o, s:o, s:s}", "name",
	    bytes_json(s.name, s.name_len), "status_message",
	    bytes_json(s.status_msg, s.status_msg_len), "status",
	    status_names[s.status]));
}

static void
cmd_self(struct cmd_ctx *ctx, json_t *args)
{
	ui_request(ctx, frontend_chan(ROLE_KEYD), IPC_SELF_REQ, NULL, 0, -1, self_answer);
}

/* A string argument as bytes, at most max; NULL with a reply if bad. */
static const char *
text_arg(struct cmd_ctx *ctx, json_t *args, const char *key, size_t max,
    size_t *len)
{
	json_t	*v = json_object_get(args, key);
	char	 why[80];

	if (v == NULL || !json_is_string(v)) {
		ui_reply_err(ctx, "\"%s\" (a string) is required", key);
		return NULL;
	}
	if ((*len = json_string_length(v)) > max) {
		ui_reply_err(ctx, "%s is %zu bytes; at most %zu", key, *len,
		    max);
		return NULL;
	}
	/* what friends would see: refused here rather than shown as '?' */
	if (sanitize_check(json_string_value(v), *len, why,
	    sizeof(why)) != NULL) {
		ui_reply_err(ctx, "%s has %s; not set", key, why);
		return NULL;
	}
	return json_string_value(v);
}

static void
set_bytes(struct cmd_ctx *ctx, json_t *args, const char *key, size_t max,
    uint16_t type)
{
	static struct ipc_bytes	b;
	static uint8_t		buf[IPC_STATUSMSG_MAX + 8];
	const char		*s;
	struct wr		w;
	size_t			n;

	if ((s = text_arg(ctx, args, key, max, &n)) == NULL)
		return;
	b.len = (uint16_t)n;
	memcpy(b.b, s, n);
	wr_init(&w, buf, sizeof(buf));
	if (type == IPC_SET_NAME)
		ipc_pack_set_name(&w, &b);
	else
		ipc_pack_set_status_msg(&w, &b);
	ui_request(ctx, frontend_chan(ROLE_KEYD), type, buf, w.len, -1, ui_reply_from_ok);
}

static void
cmd_set_name(struct cmd_ctx *ctx, json_t *args)
{
	set_bytes(ctx, args, "name", IPC_NAME_MAX, IPC_SET_NAME);
}

static void
cmd_set_status_message(struct cmd_ctx *ctx, json_t *args)
{
	set_bytes(ctx, args, "status_message", IPC_STATUSMSG_MAX,
	    IPC_SET_STATUS_MSG);
}

static void
cmd_set_status(struct cmd_ctx *ctx, json_t *args)
{
	const char	*s = json_string_value(json_object_get(args, "status"));
	uint8_t		 buf[4], i;
	struct wr	 w;

	for (i = 0; s != NULL && i < 3; i++)
		if (strcmp(s, status_names[i]) == 0)
			break;
	if (s == NULL || i == 3) {
		ui_reply_err(ctx, "\"status\" is one of none, away, busy");
		return;
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_set_status(&w, i);
	ui_request(ctx, frontend_chan(ROLE_KEYD), IPC_SET_STATUS, buf, w.len, -1,
	    ui_reply_from_ok);
}

static void
cmd_nospam(struct cmd_ctx *ctx, json_t *args)
{
	struct ipc_nospam	 ns;
	json_t			*v = json_object_get(args, "nospam");
	uint8_t			 buf[8];
	struct wr		 w;

	memset(&ns, 0, sizeof(ns));
	if (v != NULL) {
		if (!json_is_string(v) || hex_decode(json_string_value(v),
		    json_string_length(v), ns.nospam, sizeof(ns.nospam)) == -1) {
			ui_reply_err(ctx, "\"nospam\" is 8 hexadecimal digits");
			return;
		}
		ns.has_value = 1;
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nospam(&w, &ns);
	ui_request(ctx, frontend_chan(ROLE_KEYD), IPC_NOSPAM_SET, buf, w.len, -1, id_answer);
}

static void
info_answer(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	struct ipc_profile_info	pi;
	struct rd		r;

	if (reply_if_error(ctx, m))
		return;
	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type != IPC_PROFILE_INFO_ANS ||
	    ipc_unpack_profile_info(&r, &pi) == -1) {
		ui_reply_err(ctx, "bad answer from keyd");
		return;
	}
	ui_reply_ok(ctx, json_pack("{s:b, s:b, s:b}", "exists", pi.exists,
	    "encrypted", pi.encrypted, "unlocked", pi.unlocked));
}

static void
cmd_profile(struct cmd_ctx *ctx, json_t *args)
{
	ui_request(ctx, frontend_chan(ROLE_KEYD), IPC_PROFILE_INFO_REQ, NULL, 0, -1,
	    info_answer);
}

const struct cmd cmds_profile[] = {
	{ "id", cmd_id, NULL, "your Tox ID (address) and public key",
	    CMD_SESSION | CMD_ONESHOT },
	{ "self", cmd_self, NULL, "your name, status message and status",
	    CMD_SESSION | CMD_ONESHOT },
	{ "set_name", cmd_set_name, "name*", "set your name (128 bytes)",
	    CMD_SESSION },
	{ "set_status_message", cmd_set_status_message, "status_message*",
	    "set your status message (1007 bytes)", CMD_SESSION },
	{ "set_status", cmd_set_status, "status",
	    "none, away or busy", CMD_SESSION },
	{ "nospam", cmd_nospam, "nospam",
	    "new Tox ID, same key: a random nospam, or 8 hex digits",
	    CMD_SESSION | CMD_ONESHOT },
	{ "profile", cmd_profile, NULL,
	    "whether a profile exists, is encrypted, is unlocked",
	    CMD_SESSION },
	{ NULL, NULL, NULL, NULL, 0 }
};
