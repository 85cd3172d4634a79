/* keyd's side of the partial-download records: see partials_ops.h. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "common/log.h"
#include "ipc/msg_core.h"
#include "ipc/msg_partial.h"
#include "keyd/partials.h"
#include "keyd/partials_ops.h"
#include "keyd/profile_dispatch.h"

#define NO_PROFILE	"no profile loaded"

static struct partials	*pt;

void
partials_ops_profile_loaded(void)
{
	struct identity		*id = keyd_profile_loaded();
	uint8_t			 key[PARTIALS_KEY_LEN];
	enum partials_err	 e;

	partials_free(pt);
	pt = NULL;
	if (id == NULL)
		return;
	keyd_profile_store_key(id, partials_key_derive, key);
	pt = partials_new(key);
	sodium_memzero(key, sizeof(key));
	if (pt == NULL) {
		log_warnx("partials: no memory: downloads cannot be resumed");
		return;
	}
	if ((e = partials_load(pt, &id->store)) != PARTIALS_OK)
		log_warnx("partials: %s%s%s: starting with no records; the "
		    "file is replaced at the next accepted download",
		    partials_strerror(e), e == PARTIALS_ERR_READ ? ": " : "",
		    e == PARTIALS_ERR_READ ?
		    pstore_strerror(partials_store_error(pt)) : "");
	else if (partials_count(pt) > 0)
		log_info("partials: %zu downloads can be resumed",
		    partials_count(pt));
}

void
partials_ops_key_changed(void)
{
	struct identity		*id = keyd_profile_loaded();
	uint8_t			 key[PARTIALS_KEY_LEN];
	enum partials_err	 e;

	if (pt == NULL || id == NULL)
		return;
	keyd_profile_store_key(id, partials_key_derive, key);
	if ((e = partials_rekey(pt, key)) != PARTIALS_OK)
		log_warnx("partials: not re-sealed under the new key: %s",
		    partials_strerror(e));
	sodium_memzero(key, sizeof(key));
}

/* The answer to a write that failed, with the reason. */
static void
reply_failed(struct chan *c, uint32_t id, enum partials_err e)
{
	char	why[160];

	if (e == PARTIALS_ERR_STORE)
		snprintf(why, sizeof(why), "%s: %s", partials_strerror(e),
		    pstore_strerror(partials_store_error(pt)));
	else
		snprintf(why, sizeof(why), "%s", partials_strerror(e));
	(void)chan_reply_error(c, id, e == PARTIALS_ERR_INVALID ?
	    IPC_ERR_INVALID : e == PARTIALS_ERR_NOFILE ? IPC_ERR_STATE :
	    e == PARTIALS_ERR_STORE ? IPC_ERR_IO : IPC_ERR_INTERNAL, why);
}

static int
on_put(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_partial_put	 pp;	/* 4 KiB: not on the stack */
	struct identity			*id = keyd_profile_loaded();
	enum partials_err		 e;

	if (ipc_unpack_partial_put(r, &pp) == -1)
		return -1;
	if (pt == NULL)
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_INTERNAL,
		    "the partials store could not be opened (see the log)");
	else if (id == NULL)
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_STATE,
		    NO_PROFILE);
	else if (!profile_has_friend(id->prof, pp.key.pk))
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_NOTFOUND,
		    "not a friend");
	else {
		if (partials_damaged(pt) != PARTIALS_OK)
			log_warnx("partials: replacing the unreadable file "
			    "(%s)", partials_strerror(partials_damaged(pt)));
		if ((e = partials_put(pt, pp.key.pk, pp.key.file_id, pp.size,
		    pp.path, pp.len)) != PARTIALS_OK)
			reply_failed(c, m->hdr.id, e);
		else
			(void)chan_reply_ok(c, m->hdr.id);
	}
	sodium_memzero(&pp, sizeof(pp));
	return 0;
}

static int
on_del(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_partial_key	k;
	enum partials_err	e;

	if (ipc_unpack_partial_key(r, &k) == -1)
		return -1;
	if (pt == NULL)
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_INTERNAL,
		    "the partials store could not be opened (see the log)");
	else if ((e = partials_del(pt, k.pk, k.file_id)) != PARTIALS_OK)
		reply_failed(c, m->hdr.id, e);
	else
		(void)chan_reply_ok(c, m->hdr.id);
	return 0;
}

static int
on_get(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_partial_ans	a;
	static uint8_t			buf[IPC_PARTIAL_ANS_MAX];
	struct ipc_partial_key		k;
	struct partials_entry		e;
	struct wr			w;

	if (ipc_unpack_partial_key(r, &k) == -1)
		return -1;
	if (pt == NULL)
		return chan_reply_error(c, m->hdr.id, IPC_ERR_INTERNAL,
		    "the partials store could not be opened (see the log)"),
		    0;
	memset(&a, 0, offsetof(struct ipc_partial_ans, path));
	a.path[0] = '\0';
	if (partials_get(pt, k.pk, k.file_id, &e) == 0) {
		a.found = 1;
		a.size = e.size;
		a.len = e.len;
		memcpy(a.path, e.path, e.len);
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_partial_ans(&w, &a);
	(void)chan_send_wr(c, IPC_PARTIAL_ANS, m->hdr.id, &w);
	sodium_memzero(buf, w.len);
	sodium_memzero(a.path, a.len);
	return 0;
}

static const char *
need_profile(struct chan *c, const struct ipc_msg *m)
{
	return keyd_profile_loaded() != NULL ? NULL : NO_PROFILE;
}

static const struct chan_handler from_frontend_rows[] = {
	{ IPC_PARTIAL_PUT,	CH_GATED,	on_put },
	{ IPC_PARTIAL_DEL,	CH_GATED,	on_del },
	{ IPC_PARTIAL_GET,	CH_GATED,	on_get },
};
const struct chan_table partials_ops_from_frontend = {
	CHAN_ROWS(from_frontend_rows), need_profile
};
