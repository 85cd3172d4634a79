/* The frontend's profile commands in keyd: see profile_dispatch.h. */
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

/* Messages that carry a passphrase: unpacked into guarded memory. */
static int
handle_secret(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_profile_create	*cr = NULL;
	struct ipc_passwd		*pw = NULL;
	struct ipc_pass			*ps = NULL;
	struct id_err			 e;
	int				 rv = -1, bad = 0;

	switch (m->hdr.type) {
	case IPC_PROFILE_UNLOCK:
		if ((ps = secbuf_alloc(sizeof(*ps))) == NULL)
			fatalx("%s: out of secure memory", __func__);
		if (ipc_unpack_pass(r, ps) == -1) {
			bad = 1;
			break;
		}
		rv = identity_unlock(&kid, ps->p, ps->len, &e);
		reply(c, m->hdr.id, rv, &e);
		if (rv == 0)
			event(KEYD_PROFILE_LOADED);
		break;
	case IPC_PROFILE_CREATE:
	case IPC_PROFILE_IMPORT:
		if ((cr = secbuf_alloc(sizeof(*cr))) == NULL)
			fatalx("%s: out of secure memory", __func__);
		if ((m->hdr.type == IPC_PROFILE_CREATE ?
		    ipc_unpack_profile_create(r, cr) :
		    ipc_unpack_profile_import(r, cr)) == -1) {
			bad = 1;
			break;
		}
		if (m->hdr.type == IPC_PROFILE_CREATE)
			rv = identity_create(&kid, cr->pass.p, cr->pass.len,
			    cr->flags & IPC_PF_NOPASS, &e);
		else
			rv = identity_import(&kid, m->fd, cr->pass.p,
			    cr->pass.len, cr->flags & IPC_PF_NOPASS,
			    (cr->flags & IPC_PF_REPLACE) != 0, &e);
		if (rv == 0) {
			reply_id(c, m->hdr.id);
			event(KEYD_PROFILE_LOADED);
		} else
			reply(c, m->hdr.id, rv, &e);
		break;
	case IPC_PASSWD:
		if ((pw = secbuf_alloc(sizeof(*pw))) == NULL)
			fatalx("%s: out of secure memory", __func__);
		if (ipc_unpack_passwd(r, pw) == -1) {
			bad = 1;
			break;
		}
		rv = identity_passwd(&kid, pw->old.p, pw->old.len, pw->new.p,
		    pw->new.len, pw->flags & IPC_PF_NOPASS, &e);
		reply(c, m->hdr.id, rv, &e);
		break;
	default:
		bad = 1;
		break;
	}
	secbuf_free(ps);
	secbuf_free(cr);
	secbuf_free(pw);
	return bad ? -1 : 0;
}

static int
handle_public(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_bytes	*b;
	struct ipc_nospam	 ns;
	struct id_err		 e;
	uint8_t			 u8;
	int			 rv;

	static struct ipc_bytes	 bytes;

	b = &bytes;
	switch (m->hdr.type) {
	case IPC_PROFILE_INFO_REQ:
		reply_info(c, m->hdr.id);
		return 0;
	case IPC_ID_REQ:
		reply_id(c, m->hdr.id);
		return 0;
	case IPC_SELF_REQ:
		reply_self(c, m->hdr.id);
		return 0;
	case IPC_SET_NAME:
	case IPC_SET_STATUS_MSG:
		if ((m->hdr.type == IPC_SET_NAME ? ipc_unpack_set_name(r, b) :
		    ipc_unpack_set_status_msg(r, b)) == -1)
			return -1;
		rv = m->hdr.type == IPC_SET_NAME ?
		    identity_set_name(&kid, b->b, b->len, &e) :
		    identity_set_status_msg(&kid, b->b, b->len, &e);
		break;
	case IPC_SET_STATUS:
		if (ipc_unpack_set_status(r, &u8) == -1)
			return -1;
		rv = identity_set_status(&kid, u8, &e);
		break;
	case IPC_NOSPAM_SET:
		if (ipc_unpack_nospam(r, &ns) == -1)
			return -1;
		if (identity_set_nospam(&kid, ns.has_value ? ns.nospam : NULL,
		    &e) == -1)
			reply(c, m->hdr.id, -1, &e);
		else {
			reply_id(c, m->hdr.id);
			event(KEYD_PROFILE_ID_CHANGED);
		}
		return 0;
	case IPC_PROFILE_EXPORT:
		if (ipc_unpack_profile_export(r, &u8) == -1)
			return -1;
		rv = identity_export(&kid, m->fd, (u8 & IPC_PF_PLAIN) != 0, &e);
		reply(c, m->hdr.id, rv, &e);
		return 0;
	default:
		return -1;
	}
	reply(c, m->hdr.id, rv, &e);
	if (rv == 0)
		event(KEYD_PROFILE_SELF_CHANGED);
	return 0;
}

void
keyd_profile_dispatch(struct chan *c, struct ipc_msg *m)
{
	struct rd	r;
	int		rv, secret;

	secret = m->hdr.type == IPC_PROFILE_UNLOCK ||
	    m->hdr.type == IPC_PROFILE_CREATE ||
	    m->hdr.type == IPC_PROFILE_IMPORT || m->hdr.type == IPC_PASSWD;
	rd_init(&r, m->data, m->hdr.len);
	if (!kid_open) {
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_STATE,
		    "no profile directory");
		rv = 0;
	} else if (secret)
		rv = handle_secret(c, m, &r);
	else
		rv = handle_public(c, m, &r);
	if (secret)
		sodium_memzero(m->data, m->hdr.len);
	if (m->fd != -1) {
		(void)close(m->fd);
		m->fd = -1;
	}
	if (rv == -1)
		chan_close(c, "malformed profile message");
}
