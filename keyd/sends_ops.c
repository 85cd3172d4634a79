/* keyd's side of the files being sent: see sends_ops.h. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "common/log.h"
#include "ipc/msg_core.h"
#include "ipc/msg_partial.h"
#include "keyd/profile_dispatch.h"
#include "keyd/sends.h"
#include "keyd/sends_ops.h"

#define NO_PROFILE	"no profile loaded"
#define NO_STORE	"the sends store could not be opened (see the log)"

static struct sends	*sd;

void
sends_ops_profile_loaded(void)
{
	struct identity	*id = keyd_profile_loaded();
	uint8_t		 key[SENDS_KEY_LEN];
	enum sends_err	 e;

	sends_free(sd);
	sd = NULL;
	if (id == NULL)
		return;
	keyd_profile_store_key(id, sends_key_derive, key);
	sd = sends_new(key);
	sodium_memzero(key, sizeof(key));
	if (sd == NULL) {
		log_warnx("sends: no memory: files sent again start from zero");
		return;
	}
	if ((e = sends_load(sd, &id->store)) != SENDS_OK)
		log_warnx("sends: %s%s%s: starting with no records; the file "
		    "is replaced at the next file sent", sends_strerror(e),
		    e == SENDS_ERR_READ ? ": " : "", e == SENDS_ERR_READ ?
		    pstore_strerror(sends_store_error(sd)) : "");
	else if (sends_count(sd) > 0)
		log_info("sends: %zu files can be sent again to resume",
		    sends_count(sd));
}

void
sends_ops_key_changed(void)
{
	struct identity	*id = keyd_profile_loaded();
	uint8_t		 key[SENDS_KEY_LEN];
	enum sends_err	 e;

	if (sd == NULL || id == NULL)
		return;
	keyd_profile_store_key(id, sends_key_derive, key);
	if ((e = sends_rekey(sd, key)) != SENDS_OK)
		log_warnx("sends: not re-sealed under the new key: %s",
		    sends_strerror(e));
	sodium_memzero(key, sizeof(key));
}

/* The answer to a write that failed, with the reason. */
static void
reply_failed(struct chan *c, uint32_t id, enum sends_err e)
{
	char	why[160];

	if (e == SENDS_ERR_STORE)
		snprintf(why, sizeof(why), "%s: %s", sends_strerror(e),
		    pstore_strerror(sends_store_error(sd)));
	else
		snprintf(why, sizeof(why), "%s", sends_strerror(e));
	(void)chan_reply_error(c, id, e == SENDS_ERR_INVALID ?
	    IPC_ERR_INVALID : e == SENDS_ERR_NOFILE ? IPC_ERR_STATE :
	    e == SENDS_ERR_STORE ? IPC_ERR_IO : IPC_ERR_INTERNAL, why);
}

/* The id for q: the record's if the file is unchanged, else a new one
 * kept durably.  SENDS_OK with *again set, or why not. */
static enum sends_err
id_for(const struct ipc_send_id *q, struct ipc_send_id_ans *a)
{
	struct sends_stamp	st;

	st.size = q->size;
	st.mtime = q->mtime;
	st.dev = q->dev;
	st.ino = q->ino;
	if (sends_match(sd, q->pk, &st, q->path, q->len, a->file_id)) {
		a->again = 1;
		return SENDS_OK;
	}
	a->again = 0;
	if (sends_damaged(sd) != SENDS_OK)
		log_warnx("sends: replacing the unreadable file (%s)",
		    sends_strerror(sends_damaged(sd)));
	/* new, or the file changed: a new id replaces the record */
	randombytes_buf(a->file_id, sizeof(a->file_id));
	return sends_put(sd, q->pk, a->file_id, &st, q->path, q->len);
}

static int
on_send_id(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_send_id	 q;	/* 4 KiB: not on the stack */
	struct ipc_send_id_ans		 a;
	struct identity			*id = keyd_profile_loaded();
	uint8_t				 buf[IPC_SEND_ID_ANS_LEN];
	enum sends_err			 e;
	struct wr			 w;

	if (ipc_unpack_send_id(r, &q) == -1)
		return -1;
	memset(&a, 0, sizeof(a));
	if (sd == NULL)
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_INTERNAL,
		    NO_STORE);
	else if (id == NULL)
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_STATE,
		    NO_PROFILE);
	else if (!profile_has_friend(id->prof, q.pk))
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_NOTFOUND,
		    "not a friend");
	else if ((e = id_for(&q, &a)) != SENDS_OK)
		reply_failed(c, m->hdr.id, e);
	else {
		wr_init(&w, buf, sizeof(buf));
		ipc_pack_send_id_ans(&w, &a);
		(void)chan_send_wr(c, IPC_SEND_ID_ANS, m->hdr.id, &w);
		sodium_memzero(buf, sizeof(buf));
	}
	sodium_memzero(&q, sizeof(q));
	sodium_memzero(&a, sizeof(a));
	return 0;
}

static int
on_send_del(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_partial_key	k;
	enum sends_err		e;

	if (ipc_unpack_partial_key(r, &k) == -1)
		return -1;
	if (sd == NULL)
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_INTERNAL,
		    NO_STORE);
	else if ((e = sends_del(sd, k.pk, k.file_id)) != SENDS_OK)
		reply_failed(c, m->hdr.id, e);
	else
		(void)chan_reply_ok(c, m->hdr.id);
	return 0;
}

static const char *
need_profile(struct chan *c, const struct ipc_msg *m)
{
	return keyd_profile_loaded() != NULL ? NULL : NO_PROFILE;
}

static const struct chan_handler from_frontend_rows[] = {
	{ IPC_SEND_ID,		CH_GATED,	on_send_id },
	{ IPC_SEND_DEL,		CH_GATED,	on_send_del },
};
const struct chan_table sends_ops_from_frontend = {
	CHAN_ROWS(from_frontend_rows), need_profile
};
