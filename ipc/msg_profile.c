/* Pack/unpack of the identity and profile messages: see msg_profile.h. */
#include <string.h>

#include "ipc/msg_profile.h"

static void
pack_bytes(struct wr *w, const uint8_t *p, uint16_t len, size_t max)
{
	if (len > max) {
		wr_fail(w);
		return;
	}
	wr_u16(w, len);
	wr_bytes(w, p, len);
}

static void
unpack_bytes(struct rd *r, uint8_t *out, uint16_t *len, size_t max)
{
	uint16_t	n;

	if (rd_u16(r, &n) == -1)
		return;
	if (n > max) {
		rd_fail(r);
		return;
	}
	if (rd_bytes(r, out, n) == 0)
		*len = n;
}

void
ipc_pack_profile_info(struct wr *w, const struct ipc_profile_info *m)
{
	wr_u8(w, m->exists);
	wr_u8(w, m->encrypted);
	wr_u8(w, m->unlocked);
}

int
ipc_unpack_profile_info(struct rd *r, struct ipc_profile_info *m)
{
	rd_u8(r, &m->exists);
	rd_u8(r, &m->encrypted);
	rd_u8(r, &m->unlocked);
	if (!rd_done(r) || m->exists > 1 || m->encrypted > 1 ||
	    m->unlocked > 1)
		return -1;
	return 0;
}

void
ipc_pack_pass(struct wr *w, const struct ipc_pass *m)
{
	pack_bytes(w, m->p, m->len, sizeof(m->p));
}

int
ipc_unpack_pass(struct rd *r, struct ipc_pass *m)
{
	m->len = 0;
	unpack_bytes(r, m->p, &m->len, sizeof(m->p));
	return rd_done(r) ? 0 : -1;
}

static void
pack_create(struct wr *w, const struct ipc_profile_create *m)
{
	wr_u8(w, m->flags);
	pack_bytes(w, m->pass.p, m->pass.len, sizeof(m->pass.p));
}

static int
unpack_create(struct rd *r, struct ipc_profile_create *m, uint8_t allowed)
{
	m->pass.len = 0;
	rd_u8(r, &m->flags);
	unpack_bytes(r, m->pass.p, &m->pass.len, sizeof(m->pass.p));
	if (!rd_done(r) || (m->flags & ~allowed) != 0)
		return -1;
	/* "no passphrase" and a passphrase at once is a confused caller. */
	if ((m->flags & IPC_PF_NOPASS) && m->pass.len != 0 &&
	    allowed == IPC_PF_NOPASS)
		return -1;
	return 0;
}

void
ipc_pack_profile_create(struct wr *w, const struct ipc_profile_create *m)
{
	pack_create(w, m);
}

int
ipc_unpack_profile_create(struct rd *r, struct ipc_profile_create *m)
{
	return unpack_create(r, m, IPC_PF_NOPASS);
}

void
ipc_pack_profile_import(struct wr *w, const struct ipc_profile_create *m)
{
	pack_create(w, m);
}

int
ipc_unpack_profile_import(struct rd *r, struct ipc_profile_create *m)
{
	/* With NOPASS the passphrase may still open an encrypted file. */
	return unpack_create(r, m, IPC_PF_NOPASS | IPC_PF_REPLACE);
}

void
ipc_pack_id(struct wr *w, const struct ipc_id *m)
{
	wr_bytes(w, m->address, sizeof(m->address));
	wr_bytes(w, m->pk, sizeof(m->pk));
}

int
ipc_unpack_id(struct rd *r, struct ipc_id *m)
{
	rd_bytes(r, m->address, sizeof(m->address));
	rd_bytes(r, m->pk, sizeof(m->pk));
	if (!rd_done(r) || !toxid_check(m->address) ||
	    memcmp(m->address, m->pk, sizeof(m->pk)) != 0)
		return -1;
	return 0;
}

void
ipc_pack_self(struct wr *w, const struct ipc_self *m)
{
	wr_u8(w, m->status);
	pack_bytes(w, m->name, m->name_len, sizeof(m->name));
	pack_bytes(w, m->status_msg, m->status_msg_len, sizeof(m->status_msg));
}

int
ipc_unpack_self(struct rd *r, struct ipc_self *m)
{
	m->name_len = m->status_msg_len = 0;
	rd_u8(r, &m->status);
	unpack_bytes(r, m->name, &m->name_len, sizeof(m->name));
	unpack_bytes(r, m->status_msg, &m->status_msg_len,
	    sizeof(m->status_msg));
	if (!rd_done(r) || m->status > 2)
		return -1;
	return 0;
}

void
ipc_pack_set_name(struct wr *w, const struct ipc_bytes *m)
{
	pack_bytes(w, m->b, m->len, IPC_NAME_MAX);
}

int
ipc_unpack_set_name(struct rd *r, struct ipc_bytes *m)
{
	m->len = 0;
	unpack_bytes(r, m->b, &m->len, IPC_NAME_MAX);
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_set_status_msg(struct wr *w, const struct ipc_bytes *m)
{
	pack_bytes(w, m->b, m->len, IPC_STATUSMSG_MAX);
}

int
ipc_unpack_set_status_msg(struct rd *r, struct ipc_bytes *m)
{
	m->len = 0;
	unpack_bytes(r, m->b, &m->len, IPC_STATUSMSG_MAX);
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_set_status(struct wr *w, uint8_t status)
{
	wr_u8(w, status);
}

int
ipc_unpack_set_status(struct rd *r, uint8_t *status)
{
	rd_u8(r, status);
	return rd_done(r) && *status <= 2 ? 0 : -1;
}

void
ipc_pack_nospam(struct wr *w, const struct ipc_nospam *m)
{
	wr_u8(w, m->has_value);
	wr_bytes(w, m->nospam, sizeof(m->nospam));
}

int
ipc_unpack_nospam(struct rd *r, struct ipc_nospam *m)
{
	rd_u8(r, &m->has_value);
	rd_bytes(r, m->nospam, sizeof(m->nospam));
	return rd_done(r) && m->has_value <= 1 ? 0 : -1;
}

void
ipc_pack_profile_export(struct wr *w, const struct ipc_profile_create *m)
{
	pack_create(w, m);
}

int
ipc_unpack_profile_export(struct rd *r, struct ipc_profile_create *m)
{
	/* the passphrase again, for a PLAIN export of an encrypted profile */
	return unpack_create(r, m, IPC_PF_PLAIN);
}

void
ipc_pack_passwd(struct wr *w, const struct ipc_passwd *m)
{
	wr_u8(w, m->flags);
	pack_bytes(w, m->old.p, m->old.len, sizeof(m->old.p));
	pack_bytes(w, m->new.p, m->new.len, sizeof(m->new.p));
}

int
ipc_unpack_passwd(struct rd *r, struct ipc_passwd *m)
{
	m->old.len = m->new.len = 0;
	rd_u8(r, &m->flags);
	unpack_bytes(r, m->old.p, &m->old.len, sizeof(m->old.p));
	unpack_bytes(r, m->new.p, &m->new.len, sizeof(m->new.p));
	if (!rd_done(r) || (m->flags & ~IPC_PF_NOPASS) != 0 ||
	    ((m->flags & IPC_PF_NOPASS) && m->new.len != 0))
		return -1;
	return 0;
}
