/* keyd's side of the outbox: see outbox_ops.h. */
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "common/log.h"
#include "common/loop.h"
#include "ipc/msg_chat.h"
#include "ipc/msg_core.h"
#include "keyd/outbox.h"
#include "keyd/outbox_ops.h"
#include "keyd/profile_dispatch.h"

static struct outbox	*ob;
static enum outbox_err	 load_err;	/* why the outbox is locked */
static struct chan	*to_chatd;
static struct timer	 flush_timer;

static void
send_all(void)
{
	static struct ipc_outbox_load	 ld;
	static uint8_t			 buf[IPC_OUTBOX_LOAD_MAX];
	struct outbox_entry		 e;
	struct wr			 w;
	size_t				 i;

	if (ob == NULL || to_chatd == NULL || !to_chatd->open)
		return;
	for (i = 0; outbox_at(ob, i, &e) == 0; i++) {
		ld.id = e.id;
		memcpy(ld.m.pk, e.pk, sizeof(ld.m.pk));
		ld.m.action = e.action;
		ld.m.len = e.len;
		memcpy(ld.m.text, e.text, e.len);
		wr_init(&w, buf, sizeof(buf));
		ipc_pack_outbox_load(&w, &ld);
		(void)chan_send_wr(to_chatd, IPC_OUTBOX_LOAD, 0, &w);
		sodium_memzero(ld.m.text, ld.m.len);
		sodium_memzero(buf, w.len);
	}
}

void
outbox_ops_profile_loaded(void)
{
	struct identity	*id = keyd_profile_loaded();
	uint8_t		 key[OUTBOX_KEY_LEN];

	outbox_free(ob);
	ob = NULL;
	if (id == NULL)
		return;
	keyd_profile_store_key(id, outbox_key_derive, key);
	ob = outbox_new(key);
	sodium_memzero(key, sizeof(key));
	if (ob == NULL) {
		log_warnx("outbox: no memory: messages cannot be queued");
		return;
	}
	if ((load_err = outbox_load(ob, &id->store)) != OUTBOX_OK)
		log_warnx("outbox: %s: it is kept as it is, and nothing can "
		    "be queued until it is readable",
		    outbox_strerror(load_err));
	else if (outbox_count(ob) > 0)
		log_info("outbox: %zu messages waiting", outbox_count(ob));
	send_all();
}

void
outbox_ops_key_changed(void)
{
	struct identity	*id = keyd_profile_loaded();
	uint8_t		 key[OUTBOX_KEY_LEN];
	enum outbox_err	 e;

	if (ob == NULL || id == NULL)
		return;
	keyd_profile_store_key(id, outbox_key_derive, key);
	if ((e = outbox_rekey(ob, key)) != OUTBOX_OK)
		log_warnx("outbox: not re-sealed under the new key: %s",
		    outbox_strerror(e));
	sodium_memzero(key, sizeof(key));
}

void
outbox_ops_chatd_up(void)
{
	send_all();
}

void
outbox_ops_flush(void)
{
	enum outbox_err	e;

	if (ob != NULL && outbox_dirty(ob) &&
	    (e = outbox_flush(ob)) != OUTBOX_OK)
		log_warnx("outbox: %s", outbox_strerror(e));
}

static void
flush_fn(struct timer *t)
{
	outbox_ops_flush();
	if (ob != NULL && outbox_dirty(ob))	/* a failed write: again */
		timer_after(&flush_timer, OUTBOX_FLUSH_MS);
}

static void
flush_soon(void)
{
	if (!timer_armed(&flush_timer))
		timer_after(&flush_timer, OUTBOX_FLUSH_MS);
}

void
outbox_ops_forget(const uint8_t pk[32])
{
	if (ob != NULL && outbox_del_friend(ob, pk) > 0)
		flush_soon();
}

/* chatd's rows. */

static int
on_put(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_outbox_put	 op;
	struct identity			*id = keyd_profile_loaded();
	uint8_t				 buf[IPC_OUTBOX_ID_LEN];
	struct wr			 w;
	enum outbox_err			 e;
	uint64_t			 oid;
	char				 why[128];

	if (ipc_unpack_outbox_put(r, &op) == -1)
		return -1;
	if (id == NULL || ob == NULL)
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_STATE,
		    "no profile is unlocked");
	else if (!profile_has_friend(id->prof, op.pk))
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_NOTFOUND,
		    "not a friend");
	else if ((e = outbox_put(ob, op.pk, op.action, op.text, op.len,
	    (uint64_t)time(NULL), &oid)) != OUTBOX_OK) {
		if (e == OUTBOX_ERR_LOCKED)
			snprintf(why, sizeof(why), "the outbox file is "
			    "unreadable (%s): nothing can be queued",
			    outbox_strerror(load_err));
		else
			snprintf(why, sizeof(why), "not stored: %s",
			    e == OUTBOX_ERR_FULL ? "outbox full" :
			    outbox_strerror(e));
		(void)chan_reply_error(c, m->hdr.id, e == OUTBOX_ERR_FULL ||
		    e == OUTBOX_ERR_LOCKED ? IPC_ERR_STATE : IPC_ERR_IO, why);
	} else {
		wr_init(&w, buf, sizeof(buf));
		ipc_pack_outbox_id(&w, oid);
		(void)chan_send_wr(c, IPC_OUTBOX_STORED, m->hdr.id, &w);
	}
	sodium_memzero(op.text, op.len);
	return 0;
}

static int
on_del(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	uint64_t	oid;

	if (ipc_unpack_outbox_id(r, &oid) == -1)
		return -1;
	if (ob != NULL && outbox_del(ob, oid) == OUTBOX_OK)
		flush_soon();
	return 0;
}

static const char *
need_profile(struct chan *c, const struct ipc_msg *m)
{
	return keyd_profile_loaded() != NULL ? NULL : "no profile is unlocked";
}

static const struct chan_handler from_chatd_rows[] = {
	{ IPC_OUTBOX_PUT,	CH_GATED,	on_put },
	{ IPC_OUTBOX_DEL,	CH_GATED,	on_del },
};
const struct chan_table outbox_ops_from_chatd = {
	CHAN_ROWS(from_chatd_rows), need_profile
};

void
outbox_ops_init(struct chan *chatd)
{
	to_chatd = chatd;
	timer_init(&flush_timer, flush_fn, NULL);
}
