/*
 * Avatars seen from the user: see cmd_avatar.h.
 *
 * `avatar PATH`: the supervisor opens the file (FILE_OPEN READ, as for
 * file_send: the frontend opens nothing), keyd gets the descriptor
 * (AVATAR_SET), checks the PNG and stores it beside the profile, and
 * answers with its size, SHA-256 and path; chatd is told by keyd.
 * `avatar` alone (JSON: no "path", or null) removes ours.
 *
 * keyd tells the frontend every friend's avatar when the profile is
 * loaded and each change after (AVATAR_FRIEND): a small table by key,
 * which `friends` shows; a change is also the event friend_avatar
 * {"friend", "public_key", "path" (null: removed), "sha256"}.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/hex.h"
#include "frontend/cmd.h"
#include "frontend/cmd_avatar.h"
#include "frontend/frontend.h"
#include "frontend/ui.h"
#include "ipc/msg_avatar.h"
#include "ipc/msg_core.h"
#include "ipc/msg_file.h"
#include "ipc/msg_friend.h"

/* Friends' avatars as keyd last said; at most one per friend number. */
struct seen {
	uint8_t		pk[TOX_PK_LEN];
	uint8_t		sha[AVATAR_HASH_LEN];
	char		*path;		/* NULL: no entry */
};
static struct seen	seen[FRIEND_NUM_MAX];

static struct seen *
seen_find(const uint8_t pk[TOX_PK_LEN])
{
	size_t	i;

	for (i = 0; i < FRIEND_NUM_MAX; i++)
		if (seen[i].path != NULL && memcmp(seen[i].pk, pk,
		    TOX_PK_LEN) == 0)
			return &seen[i];
	return NULL;
}

static json_t *
path_json(const char *p)
{
	json_t	*s = p != NULL ? json_string(p) : NULL;

	return s != NULL ? s : json_null();	/* not UTF-8: unshowable */
}

static json_t *
hash_json(const uint8_t sha[AVATAR_HASH_LEN])
{
	char	hex[2 * AVATAR_HASH_LEN + 1];

	hex_encode(sha, AVATAR_HASH_LEN, hex);
	return json_string(hex);
}

json_t *
cmd_avatar_json(const uint8_t pk[TOX_PK_LEN])
{
	struct seen	*s = seen_find(pk);

	if (s == NULL)
		return json_null();
	return json_pack("{s:o, s:o}", "path", path_json(s->path), "sha256",
	    hash_json(s->sha));
}

static int
on_avatar_friend(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_avatar_friend	 f;
	char				 pkhex[2 * TOX_PK_LEN + 1];
	struct seen			*s;
	size_t				 i;

	if (ipc_unpack_avatar_friend(r, &f) == -1)
		return -1;
	if ((s = seen_find(f.pk)) != NULL) {
		free(s->path);
		s->path = NULL;
	}
	if ((f.flags & AVATAR_F_HAS) && f.len > 0) {
		for (i = 0; i < FRIEND_NUM_MAX && seen[i].path != NULL; i++)
			;
		if (i < FRIEND_NUM_MAX &&
		    (seen[i].path = strdup(f.path)) != NULL) {
			memcpy(seen[i].pk, f.pk, TOX_PK_LEN);
			memcpy(seen[i].sha, f.sha256, AVATAR_HASH_LEN);
		}
	}
	if (!(f.flags & AVATAR_F_NEWS))
		return 0;	/* a recap: nothing happened */
	hex_encode(f.pk, TOX_PK_LEN, pkhex);
	ui_event("friend_avatar", json_pack("{s:o, s:s, s:o, s:o}",
	    "friend", f.number == FRIEND_NUM_NONE ? json_null() :
	    json_integer(f.number), "public_key", pkhex,
	    "path", (f.flags & AVATAR_F_HAS) ? path_json(f.path) : json_null(),
	    "sha256", (f.flags & AVATAR_F_HAS) ? hash_json(f.sha256) :
	    json_null()));
	return 0;
}

static const struct chan_handler from_keyd_rows[] = {
	{ IPC_AVATAR_FRIEND,	0,	on_avatar_friend },
};
const struct chan_table cmd_avatar_from_keyd = {
	CHAN_ROWS(from_keyd_rows), NULL
};

/* avatar */

static void
set_done(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	static struct ipc_avatar_self	s;
	struct ipc_error		e;
	struct rd			r;

	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type == IPC_ERROR) {
		if (ipc_unpack_error(&r, &e) == 0)
			ui_reply_err(ctx, "avatar: %s", e.text);
		else
			ui_reply_err(ctx, "avatar: refused");
		return;
	}
	if (m->hdr.type != IPC_AVATAR_SET_ANS ||
	    ipc_unpack_avatar_self(&r, &s) == -1) {
		ui_reply_err(ctx, "bad answer from keyd");
		return;
	}
	if (s.size == 0)
		ui_reply_ok(ctx, json_pack("{s:n, s:n, s:i}", "path",
		    "sha256", "size", 0));
	else
		ui_reply_ok(ctx, json_pack("{s:o, s:o, s:I}", "path",
		    path_json(s.len > 0 ? s.path : NULL), "sha256",
		    hash_json(s.sha256), "size", (json_int_t)s.size));
}

/* Asks keyd to set ours from fd, or (-1) to remove it. */
static void
set_req(struct cmd_ctx *ctx, int fd)
{
	uint8_t	remove = fd == -1;

	(void)ui_request(ctx, frontend_chan(ROLE_KEYD), IPC_AVATAR_SET,
	    &remove, sizeof(remove), fd, set_done);
}

static void
opened(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	static struct ipc_file_opened	o;
	struct ipc_error		e;
	struct rd			r;

	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type == IPC_ERROR) {
		if (ipc_unpack_error(&r, &e) == 0)
			ui_reply_err(ctx, "%s", e.text);
		else
			ui_reply_err(ctx, "cannot open the file");
		return;
	}
	if (m->hdr.type != IPC_FILE_OPENED ||
	    ipc_unpack_file_opened(&r, &o) == -1) {
		ui_reply_err(ctx, "bad answer from the supervisor");
		return;
	}
	if (o.err != 0 || m->fd == -1) {
		ui_reply_err(ctx, "%s", o.err != 0 ? strerror(o.err) :
		    "the supervisor sent no file");
		return;
	}
	if (o.size > AVATAR_MAX) {
		ui_reply_err(ctx, "avatar: larger than %d bytes", AVATAR_MAX);
		return;
	}
	/* the channel sends a copy; m's own closes with it */
	set_req(ctx, m->fd);
}

static void
cmd_avatar(struct cmd_ctx *ctx, json_t *args)
{
	static struct ipc_file_open	 q;
	static uint8_t			 buf[IPC_FILE_OPEN_MAX];
	json_t				*p = json_object_get(args, "path");
	struct wr			 w;
	size_t				 len;

	if (p == NULL || json_is_null(p) || (json_is_string(p) &&
	    json_string_length(p) == 0)) {
		set_req(ctx, -1);
		return;
	}
	if (!json_is_string(p) || (len = json_string_length(p)) >
	    IPC_FILE_PATH_MAX || strlen(json_string_value(p)) != len) {
		ui_reply_err(ctx, "\"path\" is a PNG file, or null to remove "
		    "the avatar");
		return;
	}
	memset(&q, 0, sizeof(q));
	q.mode = IPC_FILE_READ;
	q.len = (uint16_t)len;
	memcpy(q.path, json_string_value(p), len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_open(&w, &q);
	if (!wr_ok(&w)) {
		ui_reply_err(ctx, "that file name cannot be used");
		return;
	}
	(void)ui_request(ctx, frontend_chan(ROLE_SUP), IPC_FILE_OPEN, buf,
	    w.len, -1, opened);
}

const struct cmd cmds_avatar[] = {
	{ "avatar", cmd_avatar, "path*",
	    "set your avatar from a PNG file (64 KiB at most), sent to your "
	    "friends; without a path, remove it", CMD_SESSION },
	{ NULL, NULL, NULL, NULL, 0 }
};
