/* keyd's side of the history: see history_ops.h. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "common/log.h"
#include "common/loop.h"
#include "ipc/msg_core.h"
#include "ipc/msg_history.h"
#include "keyd/friends.h"
#include "keyd/history.h"
#include "keyd/history_ops.h"
#include "keyd/profile_dispatch.h"

static struct history	*hist;
static int		 enabled;
static struct chan	*to_chatd;
static struct timer	 flush_timer;

static void
tell_chatd(void)
{
	uint8_t		buf[IPC_HISTORY_ON_LEN];
	struct wr	w;

	if (to_chatd == NULL || !to_chatd->open)
		return;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_history_on(&w, enabled && hist != NULL);
	(void)chan_send_wr(to_chatd, IPC_HISTORY_ON, 0, &w);
}

void
history_ops_profile_loaded(void)
{
	struct identity		*id = keyd_profile_loaded();
	uint8_t			 key[HISTORY_KEY_LEN];
	char			 aside[256];
	enum history_err	 e;

	/* A profile replaced in this run (an import) takes the history
	 * of its own file; what the old one had in memory since its last
	 * flush (a second at most) is not written under the new name. */
	history_free(hist);
	hist = NULL;
	if (!enabled || id == NULL) {
		tell_chatd();
		return;
	}
	keyd_profile_store_key(id, history_key_derive, key);
	hist = history_new(key);
	sodium_memzero(key, sizeof(key));
	if (hist == NULL) {
		log_warnx("history: no memory: nothing will be kept");
		tell_chatd();
		return;
	}
	e = history_load(hist, &id->store, aside, sizeof(aside));
	if (e != HISTORY_OK && aside[0] != '\0')
		log_warnx("history: %s: moved aside to %s, starting a new "
		    "one", history_strerror(e), aside);
	else if (e != HISTORY_OK)
		log_warnx("history: %s: it is kept as it is and this "
		    "session's history will not be saved",
		    history_strerror(e));
	else
		log_info("history: %zu messages", history_count(hist));
	tell_chatd();
}

void
history_ops_key_changed(void)
{
	struct identity		*id = keyd_profile_loaded();
	uint8_t			 key[HISTORY_KEY_LEN];
	enum history_err	 e;

	if (hist == NULL || id == NULL)
		return;
	keyd_profile_store_key(id, history_key_derive, key);
	if ((e = history_rekey(hist, key)) != HISTORY_OK)
		log_warnx("history: not re-sealed under the new key yet: %s",
		    history_strerror(e));
	sodium_memzero(key, sizeof(key));
}

void
history_ops_chatd_up(void)
{
	tell_chatd();
}

void
history_ops_flush(void)
{
	enum history_err	e;

	if (hist != NULL && history_dirty(hist) &&
	    (e = history_flush(hist)) != HISTORY_OK &&
	    e != HISTORY_ERR_LOCKED)
		log_warnx("history: %s", history_strerror(e));
}

static void
flush_fn(struct timer *t)
{
	history_ops_flush();
	if (hist != NULL && history_dirty(hist) &&
	    history_locked(hist) == HISTORY_OK)	/* a failed write: again */
		timer_after(&flush_timer, HISTORY_FLUSH_MS);
}

/* chatd's row: one message to keep.  Dropped unless history is on and
 * the friend is stored (chatd is hostile: no strangers' keys). */
static int
on_put(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_history_put	 hp;
	struct identity			*id = keyd_profile_loaded();

	if (ipc_unpack_history_put(r, &hp) == -1)
		return -1;
	if (enabled && hist != NULL && id != NULL &&
	    profile_has_friend(id->prof, hp.pk) &&
	    history_add(hist, (uint64_t)time(NULL), hp.pk, hp.dir, hp.action,
	    hp.message_id, hp.text, hp.len) == HISTORY_OK &&
	    !timer_armed(&flush_timer) && history_locked(hist) == HISTORY_OK)
		timer_after(&flush_timer, HISTORY_FLUSH_MS);
	sodium_memzero(hp.text, hp.len);
	return 0;
}

/* The frontend's row: a page of a friend's history, newest first. */
static int
on_req(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct history_entry	 e;
	static struct ipc_history_ans	 a;
	static uint8_t			 buf[IPC_HISTORY_ANS_MAX];
	static size_t			 idx[HISTORY_PAGE + 1];
	struct ipc_history_req		 rq;
	struct ipc_history_item		 it;
	struct wr			 w;
	size_t				 want, got, i, added = 0;
	uint64_t			 last = 0;
	uint8_t				 pk[TOX_PK_LEN];
	char				 why[64];

	if (ipc_unpack_history_req(r, &rq) == -1)
		return -1;
	if (!enabled)
		return chan_reply_error(c, m->hdr.id, IPC_ERR_STATE,
		    HISTORY_OFF_TEXT), 0;
	if (hist == NULL)
		return chan_reply_error(c, m->hdr.id, IPC_ERR_INTERNAL,
		    "the history could not be opened (see the log)"), 0;
	/* By key, any friend's, a removed one's too; by number, chatd's. */
	if (rq.ref.by_pk)
		memcpy(pk, rq.ref.pk, sizeof(pk));
	else if (keyd_friends_pk(rq.ref.number, pk) == -1) {
		snprintf(why, sizeof(why), "no friend %u",
		    (unsigned)rq.ref.number);
		return chan_reply_error(c, m->hdr.id, IPC_ERR_NOTFOUND, why),
		    0;
	}
	want = rq.count < HISTORY_PAGE ? rq.count : HISTORY_PAGE;
	/* one more than the page takes: is there anything older? */
	got = history_select(hist, pk, rq.before, idx, want + 1);
	memset(&a, 0, offsetof(struct ipc_history_ans, text));
	for (i = 0; i < got && i < want; i++) {
		if (history_at(hist, idx[i], &e) == -1)
			break;
		memset(&it, 0, sizeof(it));
		it.time = e.time;
		it.dir = e.dir;
		it.action = e.action;
		it.message_id = e.message_id;
		it.len = e.len;
		if (ipc_history_ans_add(&a, &it, e.text) == -1)
			break;		/* the page is full of text */
		last = e.seq;
		added++;
	}
	a.next = added < got && added < rq.count ? last : 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_history_ans(&w, &a);
	(void)chan_send_wr(c, IPC_HISTORY_ANS, m->hdr.id, &w);
	sodium_memzero(buf, w.len);
	sodium_memzero(a.text, a.text_len);
	sodium_memzero(e.text, e.len);
	return 0;
}

static const char *
need_profile(struct chan *c, const struct ipc_msg *m)
{
	return keyd_profile_loaded() != NULL ? NULL : "no profile is unlocked";
}

static const struct chan_handler from_chatd_rows[] = {
	{ IPC_HISTORY_PUT,	0,		on_put },
};
const struct chan_table history_ops_from_chatd = {
	CHAN_ROWS(from_chatd_rows), NULL
};

static const struct chan_handler from_frontend_rows[] = {
	{ IPC_HISTORY_REQ,	CH_GATED,	on_req },
};
const struct chan_table history_ops_from_frontend = {
	CHAN_ROWS(from_frontend_rows), need_profile
};

void
history_ops_init(struct chan *chatd, int on)
{
	to_chatd = chatd;
	enabled = on;
	timer_init(&flush_timer, flush_fn, NULL);
}
