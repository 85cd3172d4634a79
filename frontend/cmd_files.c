/*
 * File transfer commands: file_send, file_accept, file_decline,
 * file_pause, file_resume, file_cancel; and chatd's FILE_EVENTs:
 * file_offer, file_accepted, file_paused, file_resumed, file_cancelled,
 * file_progress, file_done.
 *
 * The frontend opens no file.  It asks the supervisor (FILE_OPEN) to
 * open the file the user names, or to create the file an offer is saved
 * to (in the download directory under the friend's name, which the
 * supervisor makes safe and unique; or at the path the user gave), and
 * hands the descriptor to chatd with FILE_SEND or FILE_CTL.  It keeps a
 * small table of the transfers it knows (an offer's raw name and file
 * id, the path of a file) to name the file in file_done.  Names friends
 * chose are neutralised before they are shown, in JSON mode too.
 *
 * Resume: keyd remembers, across restarts, which friend's file id went
 * to which file (PARTIAL_PUT once accepted, PARTIAL_DEL once done or
 * cancelled by the user).  An offer accepted into the download directory
 * is first looked up (PARTIAL_GET); a file found there is opened again
 * (FILE_OPEN RESUME) and the transfer goes on from its size.
 *
 * The other way round, keyd remembers which id each file we send went
 * under (SEND_ID at file_send, with the file's size, mtime, device and
 * inode from FILE_OPENED; SEND_DEL once it was sent whole or the user
 * cancelled it): the same file sent again to the same friend is offered
 * under the same id, and the friend can resume it (it asks for a seek
 * before it accepts, and chatd sends from there).  A changed file gets a
 * new id.  Without keyd's answer chatd picks a random id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/hex.h"
#include "common/log.h"
#include "common/toxid.h"
#include "frontend/cmd.h"
#include "frontend/cmd_files.h"
#include "frontend/cmd_friends.h"
#include "frontend/frontend.h"
#include "frontend/sanitize.h"
#include "ipc/msg_core.h"
#include "ipc/msg_file.h"
#include "ipc/msg_partial.h"
#include "ipc/msg_xfer.h"

/* Transfers the frontend knows of; an offer beyond it is still usable
 * (accepted under the name "file"). */
#define FX_MAX		512

struct fx {
	int		 used;
	uint16_t	 number;
	uint8_t		 pk[TOX_PK_LEN];
	uint32_t	 file;
	uint16_t	 name_len;		/* an offer: its raw name */
	uint8_t		 name[XFER_NAME_MAX];
	int		 has_id;		/* an offer: its file id */
	uint8_t		 id[XFER_ID_LEN];
	uint64_t	 size;
	char		*path;			/* once opened */
};

static struct fx	fxs[FX_MAX];

static struct fx *
fx_find(const struct ipc_friend_remove *ref, uint32_t file)
{
	size_t	i;

	for (i = 0; i < FX_MAX; i++)
		if (fxs[i].used && fxs[i].file == file && (ref->by_pk ?
		    memcmp(fxs[i].pk, ref->pk, TOX_PK_LEN) == 0 :
		    fxs[i].number == ref->number))
			return &fxs[i];
	return NULL;
}

static struct fx *
fx_of(uint16_t number, const uint8_t *pk, uint32_t file, int make)
{
	struct ipc_friend_remove	 ref;
	struct fx			*x;
	size_t				 i;

	memset(&ref, 0, sizeof(ref));
	ref.by_pk = 1;
	memcpy(ref.pk, pk, TOX_PK_LEN);
	if ((x = fx_find(&ref, file)) != NULL || !make)
		return x;
	for (i = 0; i < FX_MAX; i++)
		if (!fxs[i].used) {
			x = &fxs[i];
			memset(x, 0, sizeof(*x));
			x->used = 1;
			x->number = number;
			memcpy(x->pk, pk, TOX_PK_LEN);
			x->file = file;
			return x;
		}
	return NULL;
}

/*
 * Whether another transfer with the friend the same way (in or out),
 * opened and not ended, goes under this one's file id.  In: a friend
 * (or a client that reuses ids) may offer one id twice, and the second,
 * resumed, would write into the first one's file.  Out: the same file
 * sent twice goes under one id, and keyd's record of it must stay while
 * either is unfinished.
 */
static int
fx_id_busy(const struct fx *self)
{
	int	in = self->file >= XFER_NUM_IN(0);
	size_t	i;

	for (i = 0; i < FX_MAX; i++)
		if (fxs[i].used && &fxs[i] != self && fxs[i].has_id &&
		    fxs[i].path != NULL &&
		    (fxs[i].file >= XFER_NUM_IN(0)) == in &&
		    memcmp(fxs[i].pk, self->pk, TOX_PK_LEN) == 0 &&
		    memcmp(fxs[i].id, self->id, XFER_ID_LEN) == 0)
			return 1;
	return 0;
}

static void
fx_drop(struct fx *x)
{
	if (x == NULL)
		return;
	free(x->path);
	explicit_bzero(x, sizeof(*x));
}

static json_t *
head_json(uint16_t number, const uint8_t *pk, uint32_t file)
{
	char	hex[TOX_PK_HEX_LEN + 1];

	hex_encode(pk, TOX_PK_LEN, hex);
	return json_pack("{s:i, s:s, s:I}", "friend", (int)number,
	    "public_key", hex, "file", (json_int_t)file);
}

static json_t *
size_json(uint64_t size)
{
	return size == XFER_SIZE_UNKNOWN ? json_null() :
	    json_integer((json_int_t)size);
}

/* A friend's name for a file, made safe to show. */
static json_t *
name_json(const uint8_t *name, size_t len)
{
	char	safe[4 * XFER_NAME_MAX + 1];

	return json_string(sanitize_text((const char *)name, len, safe,
	    sizeof(safe)));
}

/* "file": a file number (JSON integer; the CLI's words are strings). */
static int
file_arg(struct cmd_ctx *ctx, json_t *args, uint32_t *file)
{
	json_t		*v = json_object_get(args, "file");
	long long	 n = -1;
	unsigned	 slot;
	int		 out;
	char		*end;

	if (json_is_integer(v))
		n = json_integer_value(v);
	else if (json_is_string(v) && *json_string_value(v) != '\0') {
		n = strtoll(json_string_value(v), &end, 10);
		if (*end != '\0')
			n = -1;
	}
	if (n < 0 || n > UINT32_MAX ||
	    xfer_num_parse((uint32_t)n, &slot, &out) == -1) {
		ui_reply_err(ctx, "\"file\" is a file number, as file_send "
		    "or file_offer gave it");
		return -1;
	}
	*file = (uint32_t)n;
	return 0;
}

/* A multi-step command's state (ctx->data). */
struct step {
	struct ipc_friend_remove ref;
	uint32_t		 file;
	uint64_t		 size;
	char			 path[IPC_FILE_PATH_MAX + 1];
	/* file_accept: the offer, as the table had it */
	uint16_t		 name_len;
	uint8_t			 name[XFER_NAME_MAX];
	int			 has_id;
	uint8_t			 pk[TOX_PK_LEN];
	uint8_t			 id[XFER_ID_LEN];
	uint64_t		 seek;		/* resumed from */
	/* file_send: the file opened, its stamp, and keyd's id (has_id) */
	int			 has_fd;
	int			 fd;
	uint64_t		 mtime, dev, ino;
	int			 again;		/* an earlier offer's id */
};

/* keyd's record of unfinished incoming files (resume). */

static void
partial_done(void *arg, struct ipc_msg *m, struct rd *r)
{
	if (m->hdr.type != IPC_OK)
		log_debug("keyd did not keep or drop a file's resume record");
}

static void
partial_call(uint16_t type, const uint8_t *pk, const uint8_t *id,
    uint64_t size, const char *path)
{
	static struct ipc_partial_put	q;
	static uint8_t			buf[IPC_PARTIAL_PUT_MAX];
	struct wr			w;

	memset(&q, 0, sizeof(q));
	memcpy(q.key.pk, pk, sizeof(q.key.pk));
	memcpy(q.key.file_id, id, sizeof(q.key.file_id));
	wr_init(&w, buf, sizeof(buf));
	if (type == IPC_PARTIAL_PUT) {
		q.size = size;
		q.len = (uint16_t)strlen(path);
		memcpy(q.path, path, q.len);
		ipc_pack_partial_put(&w, &q);
	} else
		ipc_pack_partial_key(&w, &q.key);
	if (wr_ok(&w))
		(void)chan_call(frontend_chan(ROLE_KEYD), type, buf, w.len, -1,
		    0, partial_done, NULL);
	explicit_bzero(buf, w.len);
}

/* keyd's record of unfinished outgoing files: forget one. */
static void
send_del(const uint8_t *pk, const uint8_t *id)
{
	struct ipc_partial_key	k;
	uint8_t			buf[IPC_PARTIAL_KEY_LEN];
	struct wr		w;

	memcpy(k.pk, pk, sizeof(k.pk));
	memcpy(k.file_id, id, sizeof(k.file_id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_partial_key(&w, &k);
	if (wr_ok(&w))
		(void)chan_call(frontend_chan(ROLE_KEYD), IPC_SEND_DEL, buf,
		    w.len, -1, 0, partial_done, NULL);
}

/* A step's state freed, with the file it may still hold. */
static void
step_free(void *p)
{
	struct step	*s = p;

	if (s != NULL && s->has_fd)
		close(s->fd);
	free(s);
}

static void
step_end(struct cmd_ctx *ctx)
{
	step_free(ctx->data);
	ctx->data = NULL;
}

/* An ERROR answer, or one of another type than want: the reply. */
static int
reply_if_not(struct cmd_ctx *ctx, struct ipc_msg *m, uint16_t want)
{
	struct ipc_error	e;
	struct rd		r;

	if (m->hdr.type == want)
		return 0;
	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type == IPC_ERROR && ipc_unpack_error(&r, &e) == 0)
		ui_reply_err(ctx, "%s", e.text);
	else
		ui_reply_err(ctx, "unexpected answer %s",
		    ipc_type_name(m->hdr.type));
	return 1;
}

/* FILE_OPENED: 0 with its descriptor taken into *fd, or -1 replied. */
static int
opened(struct cmd_ctx *ctx, struct ipc_msg *m, struct ipc_file_opened *o,
    int *fd)
{
	struct rd	r;

	if (reply_if_not(ctx, m, IPC_FILE_OPENED))
		return -1;
	rd_init(&r, m->data, m->hdr.len);
	if (ipc_unpack_file_opened(&r, o) == -1) {
		ui_reply_err(ctx, "bad answer from the supervisor");
		return -1;
	}
	if (o->err != 0) {
		ui_reply_err(ctx, "%s: %s", ((struct step *)ctx->data)->path,
		    strerror(o->err));
		return -1;
	}
	if (m->fd == -1) {
		ui_reply_err(ctx, "the supervisor sent no file");
		return -1;
	}
	*fd = m->fd;
	m->fd = -1;
	return 0;
}

static int
open_req(struct cmd_ctx *ctx, uint8_t mode, const void *p, size_t len,
    void (*cb)(struct cmd_ctx *, struct ipc_msg *))
{
	static struct ipc_file_open	q;
	static uint8_t			buf[IPC_FILE_OPEN_MAX];
	struct wr			w;
	int				rv;

	memset(&q, 0, sizeof(q));
	q.mode = mode;
	q.len = (uint16_t)len;
	memcpy(q.path, p, len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_open(&w, &q);
	if (!wr_ok(&w)) {
		ui_reply_err(ctx, "that file name cannot be used");
		return -1;
	}
	rv = ui_request(ctx, frontend_chan(ROLE_SUP), IPC_FILE_OPEN, buf,
	    w.len, -1, cb);
	explicit_bzero(buf, w.len);
	return rv;
}

/* file_send */

static void
sent(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	struct step		*s = ctx->data;
	struct ipc_file_ans	 a;
	struct fx		*x;
	struct rd		 r;
	const char		*base;
	char			 idhex[2 * XFER_ID_LEN + 1];
	json_t			*o;

	if (reply_if_not(ctx, m, IPC_FILE_ANS)) {
		step_end(ctx);
		return;
	}
	rd_init(&r, m->data, m->hdr.len);
	if (ipc_unpack_file_ans(&r, &a) == -1) {
		ui_reply_err(ctx, "bad answer from chatd");
		step_end(ctx);
		return;
	}
	if ((x = fx_of(a.number, a.pk, a.file, 1)) != NULL) {
		free(x->path);
		x->path = strdup(s->path);
		/* keyd keeps this id until the file is done or cancelled */
		x->has_id = s->has_id;
		memcpy(x->id, s->id, sizeof(x->id));
	}
	base = strrchr(s->path, '/') != NULL ? strrchr(s->path, '/') + 1 :
	    s->path;
	o = head_json(a.number, a.pk, a.file);
	json_object_set_new(o, "name", name_json((const uint8_t *)base,
	    strlen(base)));
	json_object_set_new(o, "size", size_json(s->size));
	json_object_set_new(o, "path", json_string(s->path));
	if (s->has_id) {
		hex_encode(s->id, sizeof(s->id), idhex);
		json_object_set_new(o, "file_id", json_string(idhex));
	} else
		json_object_set_new(o, "file_id", json_null());
	json_object_set_new(o, "again", json_boolean(s->again));
	step_end(ctx);
	ui_reply_ok(ctx, o);
}

/* The name a friend sees: the last part of the path, 255 bytes at most,
 * cut where a UTF-8 character starts. */
static size_t
wire_name(const char *path, const char **name)
{
	const char	*b = strrchr(path, '/');
	size_t		 n;

	*name = b != NULL ? b + 1 : path;
	n = strlen(*name);
	if (n > XFER_NAME_MAX) {
		n = XFER_NAME_MAX;
		while (n > 0 && ((*name)[n] & 0xc0) == 0x80)
			n--;
	}
	return n;
}

/* The offer to chatd, with the file and keyd's id if there is one. */
static void
send_offer(struct cmd_ctx *ctx)
{
	static struct ipc_file_send	 q;
	struct step			*s = ctx->data;
	uint8_t				 buf[IPC_FILE_SEND_MAX];
	const char			*name;
	struct wr			 w;
	int				 rv;

	memset(&q, 0, sizeof(q));
	q.ref = s->ref;
	q.kind = 0;
	q.size = s->size;
	q.has_id = (uint8_t)s->has_id;
	if (s->has_id)
		memcpy(q.id, s->id, sizeof(q.id));
	q.name_len = (uint16_t)wire_name(s->path, &name);
	memcpy(q.name, name, q.name_len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_send(&w, &q);
	/* the channel sends a copy of the descriptor */
	rv = ui_request(ctx, frontend_chan(ROLE_CHATD), IPC_FILE_SEND, buf,
	    w.len, s->fd, sent);
	close(s->fd);
	s->has_fd = 0;
	if (rv == -1)
		step_end(ctx);
	explicit_bzero(buf, sizeof(buf));
}

/* keyd's id for this file: an unfinished offer's, or a new one kept. */
static void
send_id_got(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	struct ipc_send_id_ans	 a;
	struct step		*s = ctx->data;
	struct rd		 r;

	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type == IPC_SEND_ID_ANS &&
	    ipc_unpack_send_id_ans(&r, &a) == 0) {
		s->has_id = 1;
		s->again = a.again;
		memcpy(s->id, a.file_id, sizeof(s->id));
	} else
		log_debug("keyd gave no file id: the offer goes under a "
		    "random one (no resume)");
	send_offer(ctx);
}

static void
send_ask_id(struct cmd_ctx *ctx)
{
	static struct ipc_send_id	 q;
	static uint8_t			 buf[IPC_SEND_ID_MAX];
	struct step			*s = ctx->data;
	struct wr			 w;

	memset(&q, 0, sizeof(q));
	memcpy(q.pk, s->pk, sizeof(q.pk));
	q.size = s->size;
	q.mtime = s->mtime;
	q.dev = s->dev;
	q.ino = s->ino;
	q.len = (uint16_t)strlen(s->path);
	memcpy(q.path, s->path, q.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_send_id(&w, &q);
	if (!wr_ok(&w))
		send_offer(ctx);
	else if (ui_request(ctx, frontend_chan(ROLE_KEYD), IPC_SEND_ID, buf,
	    w.len, -1, send_id_got) == -1)
		step_end(ctx);
	explicit_bzero(buf, w.len);
	explicit_bzero(&q, sizeof(q));
}

/* chatd's friend list from the friend's number: its key, for keyd. */
static void
send_pk_got(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	static struct ipc_friend_list	 l;
	struct step			*s = ctx->data;
	struct rd			 r;

	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type == IPC_FRIEND_LIST_ANS &&
	    ipc_unpack_friend_list(&r, &l) == 0 && l.count > 0 &&
	    l.e[0].number == s->ref.number) {
		memcpy(s->pk, l.e[0].pk, sizeof(s->pk));
		send_ask_id(ctx);
		return;
	}
	/* no such friend: chatd says so */
	send_offer(ctx);
}

static void
send_opened(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	static struct ipc_file_opened	 o;
	struct step			*s = ctx->data;
	uint8_t				 buf[IPC_FRIEND_PAGE_REQ_LEN];
	struct wr			 w;
	int				 fd;

	if (opened(ctx, m, &o, &fd) == -1) {
		step_end(ctx);
		return;
	}
	s->fd = fd;
	s->has_fd = 1;
	s->size = o.size;
	s->mtime = o.mtime;
	s->dev = o.dev;
	s->ino = o.ino;
	if (o.len > 0)
		snprintf(s->path, sizeof(s->path), "%s", o.path);
	if (!frontend_chan(ROLE_KEYD)->open) {
		send_offer(ctx);
		return;
	}
	if (s->ref.by_pk) {
		memcpy(s->pk, s->ref.pk, sizeof(s->pk));
		send_ask_id(ctx);
		return;
	}
	/* a page of chatd's list from that number starts with it */
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_page_req(&w, s->ref.number);
	if (ui_request(ctx, frontend_chan(ROLE_CHATD), IPC_FRIEND_LIST_REQ,
	    buf, w.len, -1, send_pk_got) == -1)
		step_end(ctx);
}

static void
send_run(struct cmd_ctx *ctx, json_t *args)
{
	json_t		*p = json_object_get(args, "path");
	struct step	*s;
	size_t		 len;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		ui_reply_err(ctx, "out of memory");
		return;
	}
	if (friend_ref_arg(ctx, args, &s->ref) == -1) {
		free(s);
		return;
	}
	if (!json_is_string(p) || (len = json_string_length(p)) == 0 ||
	    len > IPC_FILE_PATH_MAX || strlen(json_string_value(p)) != len) {
		free(s);
		ui_reply_err(ctx, "\"path\" is the file to send");
		return;
	}
	memcpy(s->path, json_string_value(p), len);
	ctx->data = s;
	ctx->data_free = step_free;
	if (open_req(ctx, IPC_FILE_READ, s->path, len, send_opened) == -1)
		step_end(ctx);
}

static void
cmd_file_send(struct cmd_ctx *ctx, json_t *args)
{
	friend_find(ctx, args, send_run);
}

/* file_accept */

static void
accepted(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	struct step		*s = ctx->data;
	struct ipc_file_ans	 a;
	struct fx		*x;
	struct rd		 r;
	json_t			*o;

	if (reply_if_not(ctx, m, IPC_FILE_ANS)) {
		step_end(ctx);
		return;
	}
	rd_init(&r, m->data, m->hdr.len);
	if (ipc_unpack_file_ans(&r, &a) == -1) {
		ui_reply_err(ctx, "bad answer from chatd");
		step_end(ctx);
		return;
	}
	if ((x = fx_of(a.number, a.pk, a.file, 1)) != NULL) {
		free(x->path);
		x->path = strdup(s->path);
	}
	/* into the download directory: kept in mind for a resume */
	if (s->has_id && s->seek == 0)
		partial_call(IPC_PARTIAL_PUT, s->pk, s->id, s->size, s->path);
	o = head_json(a.number, a.pk, a.file);
	json_object_set_new(o, "path", json_string(s->path));
	json_object_set_new(o, "resumed_from", json_integer(
	    (json_int_t)s->seek));
	step_end(ctx);
	ui_reply_ok(ctx, o);
}

static void
accept_opened(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	static struct ipc_file_opened	 o;
	struct ipc_file_ctl		 q;
	struct step			*s = ctx->data;
	uint8_t				 buf[IPC_FILE_CTL_LEN];
	struct wr			 w;
	int				 fd;

	if (opened(ctx, m, &o, &fd) == -1) {
		step_end(ctx);
		return;
	}
	snprintf(s->path, sizeof(s->path), "%s", o.path);
	memset(&q, 0, sizeof(q));
	q.ref = s->ref;
	q.file = s->file;
	q.op = XFER_ACCEPT;
	q.seek = s->seek;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_ctl(&w, &q);
	if (ui_request(ctx, frontend_chan(ROLE_CHATD), IPC_FILE_CTL, buf,
	    w.len, fd, accepted) == -1)
		step_end(ctx);
	close(fd);
}

/* A new file in the download directory under the offer's name. */
static void
accept_incoming(struct cmd_ctx *ctx)
{
	struct step	*s = ctx->data;

	s->seek = 0;
	snprintf(s->path, sizeof(s->path), "(the download directory)");
	if (open_req(ctx, IPC_FILE_INCOMING, s->name_len > 0 ? (char *)s->name :
	    "file", s->name_len > 0 ? s->name_len : 4, accept_opened) == -1)
		step_end(ctx);
}

/* The file a resume goes on in: opened, it says how much it holds. */
static void
resume_opened(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	static struct ipc_file_opened	 o;
	struct step			*s = ctx->data;
	struct rd			 r;

	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type != IPC_FILE_OPENED ||
	    ipc_unpack_file_opened(&r, &o) == -1 || o.err != 0 ||
	    m->fd == -1 || o.size == 0 ||
	    (s->size != XFER_SIZE_UNKNOWN && o.size >= s->size)) {
		/* gone, or nothing to go on from: a new file */
		accept_incoming(ctx);
		return;
	}
	s->seek = o.size;
	accept_opened(ctx, m);
}

/* keyd's answer: a file this offer went to before, or none. */
static void
partial_got(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	static struct ipc_partial_ans	 a;
	struct step			*s = ctx->data;
	struct rd			 r;

	rd_init(&r, m->data, m->hdr.len);
	if (m->hdr.type != IPC_PARTIAL_ANS ||
	    ipc_unpack_partial_ans(&r, &a) == -1 || !a.found ||
	    a.len == 0) {
		accept_incoming(ctx);
		return;
	}
	snprintf(s->path, sizeof(s->path), "%s", a.path);
	if (open_req(ctx, IPC_FILE_RESUME, a.path, a.len, resume_opened) == -1)
		step_end(ctx);
	explicit_bzero(&a, sizeof(a));
}

static void
accept_run(struct cmd_ctx *ctx, json_t *args)
{
	json_t		*p = json_object_get(args, "path");
	struct step	*s;
	struct fx	*x;
	size_t		 len;
	int		 rv;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		ui_reply_err(ctx, "out of memory");
		return;
	}
	if (friend_ref_arg(ctx, args, &s->ref) == -1 ||
	    file_arg(ctx, args, &s->file) == -1) {
		free(s);
		return;
	}
	if (s->file < XFER_NUM_IN(0)) {
		ui_reply_err(ctx, "file %u is one of ours: only a friend's "
		    "offer is accepted", (unsigned)s->file);
		free(s);
		return;
	}
	ctx->data = s;
	ctx->data_free = step_free;
	if (p != NULL) {
		if (!json_is_string(p) || (len = json_string_length(p)) == 0 ||
		    len > IPC_FILE_PATH_MAX ||
		    strlen(json_string_value(p)) != len) {
			step_end(ctx);
			ui_reply_err(ctx, "\"path\" is where to save the file");
			return;
		}
		memcpy(s->path, json_string_value(p), len);
		rv = open_req(ctx, IPC_FILE_SAVE_AS, s->path, len,
		    accept_opened);
		if (rv == -1)
			step_end(ctx);
		return;
	}
	if ((x = fx_find(&s->ref, s->file)) != NULL) {
		s->name_len = x->name_len;
		memcpy(s->name, x->name, x->name_len);
		s->has_id = x->has_id;
		memcpy(s->pk, x->pk, sizeof(s->pk));
		memcpy(s->id, x->id, sizeof(s->id));
		s->size = x->size;
		if (s->has_id && fx_id_busy(x)) {
			/* a file of its own, and keyd's record (the other
			 * transfer's) left alone when this one ends */
			log_info("friend %u offered the file id of a transfer "
			    "going on: saved as a new file",
			    (unsigned)x->number);
			s->has_id = x->has_id = 0;
		}
	}
	if (!s->has_id || !frontend_chan(ROLE_KEYD)->open) {
		accept_incoming(ctx);
		return;
	}
	{
		struct ipc_partial_key	k;
		uint8_t			buf[IPC_PARTIAL_KEY_LEN];
		struct wr		w;

		memcpy(k.pk, s->pk, sizeof(k.pk));
		memcpy(k.file_id, s->id, sizeof(k.file_id));
		wr_init(&w, buf, sizeof(buf));
		ipc_pack_partial_key(&w, &k);
		if (ui_request(ctx, frontend_chan(ROLE_KEYD), IPC_PARTIAL_GET,
		    buf, w.len, -1, partial_got) == -1)
			step_end(ctx);
	}
}

static void
cmd_file_accept(struct cmd_ctx *ctx, json_t *args)
{
	friend_find(ctx, args, accept_run);
}

/* file_decline, file_pause, file_resume, file_cancel */

static void
ctl_done(struct cmd_ctx *ctx, struct ipc_msg *m)
{
	struct ipc_file_ans	 a;
	struct fx		*x;
	struct rd		 r;

	if (reply_if_not(ctx, m, IPC_FILE_ANS))
		return;
	rd_init(&r, m->data, m->hdr.len);
	if (ipc_unpack_file_ans(&r, &a) == -1) {
		ui_reply_err(ctx, "bad answer from chatd");
		return;
	}
	/* a declined or cancelled transfer is over: forget it, and what
	 * keyd kept to resume it */
	if (strcmp(ctx->name, "file_decline") == 0 ||
	    strcmp(ctx->name, "file_cancel") == 0) {
		x = fx_of(a.number, a.pk, a.file, 0);
		if (x != NULL && x->has_id && a.file >= XFER_NUM_IN(0))
			partial_call(IPC_PARTIAL_DEL, x->pk, x->id, 0, NULL);
		else if (x != NULL && x->has_id && !fx_id_busy(x))
			send_del(x->pk, x->id);
		fx_drop(x);
	}
	ui_reply_ok(ctx, head_json(a.number, a.pk, a.file));
}

static void
ctl_run(struct cmd_ctx *ctx, json_t *args, uint8_t op)
{
	struct ipc_file_ctl	q;
	uint8_t			buf[IPC_FILE_CTL_LEN];
	struct wr		w;

	memset(&q, 0, sizeof(q));
	if (friend_ref_arg(ctx, args, &q.ref) == -1 ||
	    file_arg(ctx, args, &q.file) == -1)
		return;
	q.op = op;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_ctl(&w, &q);
	(void)ui_request(ctx, frontend_chan(ROLE_CHATD), IPC_FILE_CTL, buf,
	    w.len, -1, ctl_done);
}

static void
decline_run(struct cmd_ctx *ctx, json_t *args)
{
	ctl_run(ctx, args, XFER_DECLINE);
}

static void
pause_run(struct cmd_ctx *ctx, json_t *args)
{
	ctl_run(ctx, args, XFER_PAUSE);
}

static void
resume_run(struct cmd_ctx *ctx, json_t *args)
{
	ctl_run(ctx, args, XFER_RESUME);
}

static void
cancel_run(struct cmd_ctx *ctx, json_t *args)
{
	ctl_run(ctx, args, XFER_CANCEL);
}

static void
cmd_file_decline(struct cmd_ctx *ctx, json_t *args)
{
	friend_find(ctx, args, decline_run);
}

static void
cmd_file_pause(struct cmd_ctx *ctx, json_t *args)
{
	friend_find(ctx, args, pause_run);
}

static void
cmd_file_resume(struct cmd_ctx *ctx, json_t *args)
{
	friend_find(ctx, args, resume_run);
}

static void
cmd_file_cancel(struct cmd_ctx *ctx, json_t *args)
{
	friend_find(ctx, args, cancel_run);
}

/* chatd's FILE_EVENT. */

static const char *const why_names[XFER_WHY_MAX] = {
	[XFER_WHY_NONE] = "unknown",
	[XFER_WHY_FRIEND] = "friend",
	[XFER_WHY_TOO_LONG] = "too_long",
	[XFER_WHY_TRUNCATED] = "truncated",
	[XFER_WHY_IO] = "io",
	[XFER_WHY_OFFLINE] = "offline",
};

static json_t *
kind_json(uint32_t kind)
{
	return kind == 0 ? json_string("data") : kind == 1 ?
	    json_string("avatar") : json_integer((json_int_t)kind);
}

static int
on_file_event(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_file_event	 e;
	char				 hex[2 * XFER_SHA256_LEN + 1];
	char				 idhex[2 * XFER_ID_LEN + 1];
	const char			*ev = NULL;
	struct fx			*x;
	json_t				*o;

	if (ipc_unpack_file_event(r, &e) == -1)
		return -1;
	x = fx_of(e.number, e.pk, e.file, e.what == XFER_EV_OFFER);
	o = head_json(e.number, e.pk, e.file);
	switch (e.what) {
	case XFER_EV_OFFER:
		ev = "file_offer";
		if (x != NULL) {
			x->name_len = e.name_len;
			memcpy(x->name, e.name, e.name_len);
			x->has_id = 1;
			memcpy(x->id, e.id, sizeof(x->id));
			x->size = e.size;
		}
		hex_encode(e.id, sizeof(e.id), idhex);
		json_object_set_new(o, "file_id", json_string(idhex));
		json_object_set_new(o, "name", name_json(e.name, e.name_len));
		json_object_set_new(o, "size", size_json(e.size));
		json_object_set_new(o, "kind", kind_json(e.kind));
		break;
	case XFER_EV_ACCEPTED:
		ev = "file_accepted";
		break;
	case XFER_EV_PAUSED:
		ev = "file_paused";
		break;
	case XFER_EV_RESUMED:
		ev = "file_resumed";
		break;
	case XFER_EV_CANCELLED:
		ev = "file_cancelled";
		json_object_set_new(o, "why", json_string(why_names[e.why]));
		fx_drop(x);
		break;
	case XFER_EV_PROGRESS:
		ev = "file_progress";
		json_object_set_new(o, "bytes", json_integer(
		    (json_int_t)e.pos));
		json_object_set_new(o, "total", size_json(e.size));
		json_object_set_new(o, "rate", json_integer(
		    (json_int_t)e.rate));
		break;
	case XFER_EV_DONE:
		ev = "file_done";
		hex_encode(e.sha256, sizeof(e.sha256), hex);
		json_object_set_new(o, "direction", json_string(
		    e.file < XFER_NUM_IN(0) ? "out" : "in"));
		json_object_set_new(o, "path", x != NULL && x->path != NULL ?
		    json_string(x->path) : json_null());
		json_object_set_new(o, "size", json_integer(
		    (json_int_t)e.size));
		json_object_set_new(o, "sha256", json_string(hex));
		/* whole: nothing left to resume, either way */
		if (x != NULL && x->has_id && e.file >= XFER_NUM_IN(0))
			partial_call(IPC_PARTIAL_DEL, x->pk, x->id, 0, NULL);
		else if (x != NULL && x->has_id && !fx_id_busy(x))
			send_del(x->pk, x->id);
		fx_drop(x);
		break;
	}
	explicit_bzero(&e, sizeof(e));
	if (ev == NULL) {	/* the unpacker refuses other kinds */
		json_decref(o);
		return -1;
	}
	ui_event(ev, o);
	return 0;
}

static const struct chan_handler from_chatd_rows[] = {
	{ IPC_FILE_EVENT,	0,	on_file_event },
};
const struct chan_table cmd_files_from_chatd = {
	CHAN_ROWS(from_chatd_rows), NULL
};

const struct cmd cmds_files[] = {
	{ "file_send", cmd_file_send, "friend path*",
	    "offer a file to a friend (online); the reply gives its number; "
	    "the same file sent again goes under the same id (the friend "
	    "resumes it)",
	    CMD_SESSION },
	{ "file_accept", cmd_file_accept, "friend file path*",
	    "accept a friend's offer: saved in the download directory under "
	    "a safe, new name, or, if given, at path (never over a file)",
	    CMD_SESSION },
	{ "file_decline", cmd_file_decline, "friend file",
	    "decline a friend's offer", CMD_SESSION },
	{ "file_pause", cmd_file_pause, "friend file",
	    "pause a transfer (either way)", CMD_SESSION },
	{ "file_resume", cmd_file_resume, "friend file",
	    "resume a transfer you paused", CMD_SESSION },
	{ "file_cancel", cmd_file_cancel, "friend file",
	    "cancel a transfer (either way)", CMD_SESSION },
	{ NULL, NULL, NULL, NULL, 0 }
};
