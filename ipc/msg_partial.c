/* Pack/unpack pairs of ipc/msg_partial.h. */
#include <string.h>

#include "ipc/msg_partial.h"

/* The rest of the payload as a path of min..PARTIAL_PATH_MAX bytes,
 * NUL-terminated in dst; -1 if it holds a NUL or is out of bounds. */
static int
rd_path_tail(struct rd *r, size_t min, char *dst, uint16_t *len)
{
	*len = 0;
	dst[0] = '\0';
	if (rd_tail(r, dst, min, PARTIAL_PATH_MAX, len) == -1)
		return -1;
	dst[*len] = '\0';
	if (memchr(dst, '\0', *len) != NULL) {
		*len = 0;
		dst[0] = '\0';
		return -1;
	}
	return 0;
}

/* What the packers accept: a path without NUL of min..max bytes. */
static int
path_ok(const char *path, uint16_t len, size_t min)
{
	return len >= min && len <= PARTIAL_PATH_MAX &&
	    memchr(path, '\0', len) == NULL;
}

void
ipc_pack_partial_key(struct wr *w, const struct ipc_partial_key *m)
{
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_bytes(w, m->file_id, sizeof(m->file_id));
}

int
ipc_unpack_partial_key(struct rd *r, struct ipc_partial_key *m)
{
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_bytes(r, m->file_id, sizeof(m->file_id));
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_partial_put(struct wr *w, const struct ipc_partial_put *m)
{
	if (!path_ok(m->path, m->len, 1)) {
		wr_fail(w);
		return;
	}
	ipc_pack_partial_key(w, &m->key);
	wr_u64(w, m->size);
	wr_bytes(w, m->path, m->len);
}

int
ipc_unpack_partial_put(struct rd *r, struct ipc_partial_put *m)
{
	m->size = 0;
	rd_bytes(r, m->key.pk, sizeof(m->key.pk));
	rd_bytes(r, m->key.file_id, sizeof(m->key.file_id));
	rd_u64(r, &m->size);
	if (!rd_ok(r)) {
		m->len = 0;
		m->path[0] = '\0';
		return -1;
	}
	return rd_path_tail(r, 1, m->path, &m->len);
}

void
ipc_pack_partial_ans(struct wr *w, const struct ipc_partial_ans *m)
{
	if (m->found > 1 || !path_ok(m->path, m->len, m->found) ||
	    (!m->found && (m->len != 0 || m->size != 0))) {
		wr_fail(w);
		return;
	}
	wr_u8(w, m->found);
	wr_u64(w, m->size);
	wr_bytes(w, m->path, m->len);
}

int
ipc_unpack_partial_ans(struct rd *r, struct ipc_partial_ans *m)
{
	m->found = 0;
	m->size = 0;
	rd_u8(r, &m->found);
	rd_u64(r, &m->size);
	/* found has a path; not found has nothing */
	if (!rd_ok(r) || m->found > 1 ||
	    rd_path_tail(r, m->found, m->path, &m->len) == -1 ||
	    (!m->found && (m->len != 0 || m->size != 0))) {
		m->found = 0;
		m->size = 0;
		m->len = 0;
		m->path[0] = '\0';
		return -1;
	}
	return 0;
}

void
ipc_pack_send_id(struct wr *w, const struct ipc_send_id *m)
{
	if (!path_ok(m->path, m->len, 1)) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_u64(w, m->size);
	wr_u64(w, m->mtime);
	wr_u64(w, m->dev);
	wr_u64(w, m->ino);
	wr_bytes(w, m->path, m->len);
}

int
ipc_unpack_send_id(struct rd *r, struct ipc_send_id *m)
{
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_u64(r, &m->size);
	rd_u64(r, &m->mtime);
	rd_u64(r, &m->dev);
	rd_u64(r, &m->ino);
	if (!rd_ok(r)) {
		m->len = 0;
		m->path[0] = '\0';
		return -1;
	}
	return rd_path_tail(r, 1, m->path, &m->len);
}

void
ipc_pack_send_id_ans(struct wr *w, const struct ipc_send_id_ans *m)
{
	if (m->again > 1) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->file_id, sizeof(m->file_id));
	wr_u8(w, m->again);
}

int
ipc_unpack_send_id_ans(struct rd *r, struct ipc_send_id_ans *m)
{
	rd_bytes(r, m->file_id, sizeof(m->file_id));
	rd_u8(r, &m->again);
	return rd_done(r) && m->again <= 1 ? 0 : -1;
}
