/* The frontend's profile commands in keyd: see profile_dispatch.h. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/log.h"
#include "ipc/msg_core.h"
#include "ipc/msg_profile.h"
#include "keyd/profile_dispatch.h"
#include "keyd/vault.h"

static struct identity	 kid;
static int		 kid_open;
/* The one-shot import or export file (target.h); -1 with why if none. */
static int		 target_fd = -1;
static enum target_kind	 target_kind;
static char		 target_why[128] = "no file was given";

void
keyd_profile_set_target(int fd, enum target_kind kind, const char *why)
{
	target_fd = fd;
	target_kind = kind;
	if (why != NULL)
		snprintf(target_why, sizeof(target_why), "%s", why);
}

int
keyd_profile_target_fd(void)
{
	return target_fd;
}

/* The target for kind, used once; -1 with an error if there is none. */
static int
take_target(enum target_kind kind, struct id_err *e)
{
	int	fd = target_fd;

	if (fd == -1 || target_kind != kind) {
		e->code = IPC_ERR_STATE;
		snprintf(e->text, sizeof(e->text), "%s", fd != -1 ?
		    "no file was given for this" : target_why);
		return -1;
	}
	target_fd = -1;
	snprintf(target_why, sizeof(target_why), "the file was used already");
	return fd;
}
static void		(*kid_event)(enum keyd_profile_event, void *);
static void		*kid_arg;

int
keyd_profile_open(const char *path,
    void (*on_event)(enum keyd_profile_event, void *), void *arg)
{
	struct id_err	e;

	if (identity_open(&kid, path, &e) == -1) {
		log_warnx("%s", e.text);
		return -1;
	}
	kid_open = 1;
	kid_event = on_event;
	kid_arg = arg;
	if (kid.broken)
		log_warnx("profile: %s", kid.why.text);
	else if (kid.prof != NULL)
		log_info("profile loaded (not encrypted)");
	else
		log_info(kid.exists ? "profile is encrypted, waiting for "
		    "the passphrase" : "no profile yet");
	if (kid.prof != NULL && kid_event != NULL)
		kid_event(KEYD_PROFILE_LOADED, kid_arg);
	return 0;
}

int
keyd_profile_dirfd(void)
{
	return kid_open ? kid.store.dirfd : -1;
}

struct identity *
keyd_profile_identity(void)
{
	return kid_open ? &kid : NULL;
}

struct identity *
keyd_profile_loaded(void)
{
	return kid_open && kid.prof != NULL ? &kid : NULL;
}

void
keyd_profile_store_key(const struct identity *id,
    void (*derive)(uint8_t *, const uint8_t *, size_t), uint8_t *key)
{
	if (id->key != NULL)
		derive(key, id->key->key, sizeof(id->key->key));
	else
		derive(key, id->prof->vault->sk, sizeof(id->prof->vault->sk));
}

void
keyd_profile_close(void)
{
	if (kid_open)
		identity_close(&kid);
	kid_open = 0;
}

static void
event(enum keyd_profile_event ev)
{
	if (kid_event != NULL)
		kid_event(ev, kid_arg);
}

static void
reply(struct chan *c, uint32_t id, int rv, const struct id_err *e)
{
	if (rv == 0)
		(void)chan_reply_ok(c, id);
	else
		(void)chan_reply_error(c, id, e->code, e->text);
}

static void
reply_id(struct chan *c, uint32_t reqid)
{
	struct ipc_id	ans;
	struct id_err	e;
	uint8_t		buf[sizeof(ans)];
	struct wr	w;

	if (identity_get_id(&kid, ans.address, ans.pk, &e) == -1) {
		reply(c, reqid, -1, &e);
		return;
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_id(&w, &ans);
	(void)chan_send_wr(c, IPC_ID_ANS, reqid, &w);
}

static void
reply_info(struct chan *c, uint32_t reqid)
{
	struct ipc_profile_info	ans;
	uint8_t			buf[3];
	struct wr		w;

	ans.exists = kid.exists != 0;
	ans.encrypted = kid.encrypted != 0;
	ans.unlocked = kid.prof != NULL;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_profile_info(&w, &ans);
	(void)chan_send_wr(c, IPC_PROFILE_INFO_ANS, reqid, &w);
}

static void
reply_self(struct chan *c, uint32_t reqid)
{
	static struct ipc_self	ans;
	static uint8_t		buf[5 + IPC_NAME_MAX + IPC_STATUSMSG_MAX];
	struct id_err		e;
	struct wr		w;
	const struct profile	*p = kid.prof;
	uint8_t			addr[TOX_ADDRESS_LEN], pk[TOX_PK_LEN];

	if (p == NULL) {
		/* the same "locked" or "broken" reason as every other call */
		(void)identity_get_id(&kid, addr, pk, &e);
		reply(c, reqid, -1, &e);
		return;
	}
	ans.status = p->userstatus;
	ans.name_len = (uint16_t)p->name_len;
	memcpy(ans.name, p->name, p->name_len);
	ans.status_msg_len = (uint16_t)p->status_msg_len;
	memcpy(ans.status_msg, p->status_msg, p->status_msg_len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_self(&w, &ans);
	(void)chan_send_wr(c, IPC_SELF_ANS, reqid, &w);
}

/*
 * Handlers.  The channel has checked length and sender against the
 * catalogue, wipes the payload of the secret types after the handler
 * (PROFILE_UNLOCK, _CREATE, _IMPORT, PASSWD) and closes any descriptor the
 * handler leaves; passphrases are unpacked into guarded memory.  Each
 * returns -1 only for a malformed payload, which closes the channel.
 */

static void *
secure_alloc(size_t len)
{
	void	*p;

	if ((p = secbuf_alloc(len)) == NULL)
		fatalx("out of secure memory");
	return p;
}

static int
on_unlock(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_pass	*ps = secure_alloc(sizeof(*ps));
	struct id_err	 e;
	int		 rv = -1;

	if (ipc_unpack_pass(r, ps) == 0) {
		rv = identity_unlock(&kid, ps->p, ps->len, &e);
		reply(c, m->hdr.id, rv, &e);
		if (rv == 0)
			event(KEYD_PROFILE_LOADED);
		rv = 0;
	}
	secbuf_free(ps);
	return rv;
}

/* PROFILE_CREATE and PROFILE_IMPORT: the same payload, and ID_ANS. */
static int
create_or_import(struct chan *c, struct ipc_msg *m, struct rd *r, int import)
{
	struct ipc_profile_create	*cr = secure_alloc(sizeof(*cr));
	struct id_err			 e;
	int				 rv, fd;

	if ((import ? ipc_unpack_profile_import(r, cr) :
	    ipc_unpack_profile_create(r, cr)) == -1) {
		secbuf_free(cr);
		return -1;
	}
	if (import) {
		if ((fd = take_target(TARGET_IMPORT, &e)) == -1)
			rv = -1;
		else {
			rv = identity_import(&kid, fd, cr->pass.p,
			    cr->pass.len, cr->flags & IPC_PF_NOPASS,
			    (cr->flags & IPC_PF_REPLACE) != 0, &e);
			(void)close(fd);
		}
	} else
		rv = identity_create(&kid, cr->pass.p, cr->pass.len,
		    cr->flags & IPC_PF_NOPASS, &e);
	secbuf_free(cr);
	if (rv == -1) {
		reply(c, m->hdr.id, rv, &e);
		return 0;
	}
	reply_id(c, m->hdr.id);
	event(KEYD_PROFILE_LOADED);
	return 0;
}

static int
on_create(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	return create_or_import(c, m, r, 0);
}

static int
on_import(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	return create_or_import(c, m, r, 1);
}

static int
on_passwd(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_passwd	*pw = secure_alloc(sizeof(*pw));
	struct id_err		 e;
	int			 rv = -1;

	if (ipc_unpack_passwd(r, pw) == 0) {
		rv = identity_passwd(&kid, pw->old.p, pw->old.len, pw->new.p,
		    pw->new.len, pw->flags & IPC_PF_NOPASS, &e);
		reply(c, m->hdr.id, rv, &e);
		if (rv == 0)
			event(KEYD_PROFILE_KEY_CHANGED);
		rv = 0;
	}
	secbuf_free(pw);
	return rv;
}

static int
on_info(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	reply_info(c, m->hdr.id);
	return 0;
}

static int
on_id(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	reply_id(c, m->hdr.id);
	return 0;
}

static int
on_self(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	reply_self(c, m->hdr.id);
	return 0;
}

/* After a change of name, status message or status. */
static int
self_changed(struct chan *c, struct ipc_msg *m, int rv,
    const struct id_err *e)
{
	reply(c, m->hdr.id, rv, e);
	if (rv == 0)
		event(KEYD_PROFILE_SELF_CHANGED);
	return 0;
}

static int
on_set_name(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_bytes	b;
	struct id_err		e;

	if (ipc_unpack_set_name(r, &b) == -1)
		return -1;
	return self_changed(c, m, identity_set_name(&kid, b.b, b.len, &e), &e);
}

static int
on_set_status_msg(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_bytes	b;
	struct id_err		e;

	if (ipc_unpack_set_status_msg(r, &b) == -1)
		return -1;
	return self_changed(c, m, identity_set_status_msg(&kid, b.b, b.len,
	    &e), &e);
}

static int
on_set_status(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct id_err	e;
	uint8_t		st;

	if (ipc_unpack_set_status(r, &st) == -1)
		return -1;
	return self_changed(c, m, identity_set_status(&kid, st, &e), &e);
}

static int
on_nospam(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_nospam	ns;
	struct id_err		e;

	if (ipc_unpack_nospam(r, &ns) == -1)
		return -1;
	if (identity_set_nospam(&kid, ns.has_value ? ns.nospam : NULL,
	    &e) == -1) {
		reply(c, m->hdr.id, -1, &e);
		return 0;
	}
	reply_id(c, m->hdr.id);
	event(KEYD_PROFILE_ID_CHANGED);
	return 0;
}

/* Into the file the supervisor handed keyd, never a descriptor from the
 * frontend; a plain export needs the passphrase again (audit M4). */
static int
on_export(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_profile_create	*ex = secure_alloc(sizeof(*ex));
	struct id_err			 e;
	int				 fd, rv = -1;

	if (ipc_unpack_profile_export(r, ex) == -1) {
		secbuf_free(ex);
		return -1;
	}
	if ((ex->flags & IPC_PF_PLAIN) &&
	    identity_check_pass(&kid, ex->pass.p, ex->pass.len, &e) == -1)
		;
	else if ((fd = take_target(TARGET_EXPORT, &e)) != -1) {
		rv = identity_export(&kid, fd, (ex->flags & IPC_PF_PLAIN) != 0,
		    &e);
		(void)close(fd);
	}
	secbuf_free(ex);
	reply(c, m->hdr.id, rv, &e);
	return 0;
}

/* Every profile request needs the profile directory open. */
static const char *
need_dir(struct chan *c, const struct ipc_msg *m)
{
	return kid_open ? NULL : "no profile directory";
}

static const struct chan_handler profile_rows[] = {
	{ IPC_PROFILE_INFO_REQ,	CH_GATED,	on_info },
	{ IPC_PROFILE_UNLOCK,	CH_GATED,	on_unlock },
	{ IPC_PROFILE_CREATE,	CH_GATED,	on_create },
	{ IPC_PROFILE_IMPORT,	CH_GATED,	on_import },
	{ IPC_PROFILE_EXPORT,	CH_GATED,	on_export },
	{ IPC_PASSWD,		CH_GATED,	on_passwd },
	{ IPC_ID_REQ,		CH_GATED,	on_id },
	{ IPC_SELF_REQ,		CH_GATED,	on_self },
	{ IPC_SET_NAME,		CH_GATED,	on_set_name },
	{ IPC_SET_STATUS_MSG,	CH_GATED,	on_set_status_msg },
	{ IPC_SET_STATUS,	CH_GATED,	on_set_status },
	{ IPC_NOSPAM_SET,	CH_GATED,	on_nospam },
};

const struct chan_table keyd_profile_table = {
	CHAN_ROWS(profile_rows), need_dir
};
