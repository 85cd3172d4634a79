/* Pack/unpack pairs of ipc/msg_avatar.h. */
#include <string.h>

#include "ipc/msg_avatar.h"

/* The rest of the payload as a path of 0..AVATAR_PATH_MAX bytes,
 * NUL-terminated in dst; -1 if it holds a NUL or is too long. */
static int
rd_path_tail(struct rd *r, char *dst, uint16_t *len)
{
	*len = 0;
	dst[0] = '\0';
	if (rd_tail(r, dst, 0, AVATAR_PATH_MAX, len) == -1)
		return -1;
	dst[*len] = '\0';
	if (memchr(dst, '\0', *len) != NULL) {
		*len = 0;
		dst[0] = '\0';
		return -1;
	}
	return 0;
}

static int
path_ok(const char *path, uint16_t len)
{
	return len <= AVATAR_PATH_MAX && memchr(path, '\0', len) == NULL;
}

void
ipc_pack_avatar_self(struct wr *w, const struct ipc_avatar_self *m)
{
	if (!path_ok(m->path, m->len) || m->size > AVATAR_MAX) {
		wr_fail(w);
		return;
	}
	wr_u64(w, m->size);
	wr_bytes(w, m->sha256, sizeof(m->sha256));
	wr_bytes(w, m->path, m->len);
}

int
ipc_unpack_avatar_self(struct rd *r, struct ipc_avatar_self *m)
{
	rd_u64(r, &m->size);
	rd_bytes(r, m->sha256, sizeof(m->sha256));
	if (!rd_ok(r) || m->size > AVATAR_MAX)
		return -1;
	return rd_path_tail(r, m->path, &m->len);
}

void
ipc_pack_avatar_friend(struct wr *w, const struct ipc_avatar_friend *m)
{
	if (!path_ok(m->path, m->len) ||
	    (m->flags & ~(AVATAR_F_HAS | AVATAR_F_NEWS)) != 0) {
		wr_fail(w);
		return;
	}
	wr_u8(w, m->flags);
	wr_u16(w, m->number);
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_bytes(w, m->sha256, sizeof(m->sha256));
	wr_bytes(w, m->path, m->len);
}

int
ipc_unpack_avatar_friend(struct rd *r, struct ipc_avatar_friend *m)
{
	rd_u8(r, &m->flags);
	rd_u16(r, &m->number);
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_bytes(r, m->sha256, sizeof(m->sha256));
	if (!rd_ok(r) || (m->flags & ~(AVATAR_F_HAS | AVATAR_F_NEWS)) != 0)
		return -1;
	return rd_path_tail(r, m->path, &m->len);
}

void
ipc_pack_avatar_pk(struct wr *w, const uint8_t pk[TOX_PK_LEN])
{
	wr_bytes(w, pk, TOX_PK_LEN);
}

int
ipc_unpack_avatar_pk(struct rd *r, uint8_t pk[TOX_PK_LEN])
{
	rd_bytes(r, pk, TOX_PK_LEN);
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_avatar_data(struct wr *w, const struct ipc_avatar_data *m)
{
	if (m->len == 0 || m->len > AVATAR_DATA_MAX ||
	    (uint64_t)m->off + m->len > AVATAR_MAX) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_u32(w, m->off);
	wr_bytes(w, m->data, m->len);
}

int
ipc_unpack_avatar_data(struct rd *r, struct ipc_avatar_data *m)
{
	const uint8_t	*p;
	size_t		 n;

	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_u32(r, &m->off);
	p = rd_rest(r, &n);
	if (!rd_ok(r) || p == NULL || n == 0 || n > AVATAR_DATA_MAX ||
	    (uint64_t)m->off + n > AVATAR_MAX)
		return -1;
	memcpy(m->data, p, n);
	m->len = (uint16_t)n;
	return 0;
}

void
ipc_pack_avatar_done(struct wr *w, const struct ipc_avatar_done *m)
{
	if (m->size == 0 || m->size > AVATAR_MAX) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_u64(w, m->size);
	wr_bytes(w, m->sha256, sizeof(m->sha256));
}

int
ipc_unpack_avatar_done(struct rd *r, struct ipc_avatar_done *m)
{
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_u64(r, &m->size);
	rd_bytes(r, m->sha256, sizeof(m->sha256));
	return rd_done(r) && m->size != 0 && m->size <= AVATAR_MAX ? 0 : -1;
}
