/* Pack/unpack of the supervisor's file service: see msg_file.h. */
#include <string.h>

#include "ipc/msg_file.h"

/* len bytes of path, NUL-terminated in dst; -1 if any is a NUL. */
static int
rd_path(struct rd *r, uint16_t len, char *dst)
{
	if (len > IPC_FILE_PATH_MAX || rd_bytes(r, dst, len) == -1)
		return -1;
	dst[len] = '\0';
	return memchr(dst, '\0', len) == NULL ? 0 : -1;
}

void
ipc_pack_file_open(struct wr *w, const struct ipc_file_open *m)
{
	if (m->len == 0 || m->len > IPC_FILE_PATH_MAX) {
		wr_fail(w);
		return;
	}
	wr_u8(w, m->mode);
	wr_u16(w, m->len);
	wr_bytes(w, m->path, m->len);
}

int
ipc_unpack_file_open(struct rd *r, struct ipc_file_open *m)
{
	m->path[0] = '\0';
	rd_u8(r, &m->mode);
	rd_u16(r, &m->len);
	if (!rd_ok(r) || m->len == 0 || rd_path(r, m->len, m->path) == -1 ||
	    !rd_done(r))
		return -1;
	return m->mode == IPC_FILE_READ || m->mode == IPC_FILE_INCOMING ||
	    m->mode == IPC_FILE_SAVE_AS || m->mode == IPC_FILE_RESUME ? 0 : -1;
}

void
ipc_pack_file_opened(struct wr *w, const struct ipc_file_opened *m)
{
	if (m->len > IPC_FILE_PATH_MAX) {
		wr_fail(w);
		return;
	}
	wr_u32(w, (uint32_t)m->err);
	wr_u64(w, m->size);
	wr_u64(w, m->mtime);
	wr_u64(w, m->dev);
	wr_u64(w, m->ino);
	wr_u16(w, m->len);
	wr_bytes(w, m->path, m->len);
}

int
ipc_unpack_file_opened(struct rd *r, struct ipc_file_opened *m)
{
	uint32_t	e;

	m->path[0] = '\0';
	rd_u32(r, &e);
	rd_u64(r, &m->size);
	rd_u64(r, &m->mtime);
	rd_u64(r, &m->dev);
	rd_u64(r, &m->ino);
	rd_u16(r, &m->len);
	if (!rd_ok(r) || e > IPC_FILE_ERRNO_MAX ||
	    rd_path(r, m->len, m->path) == -1 || !rd_done(r))
		return -1;
	m->err = (int32_t)e;
	/* a descriptor has a path; a refusal has nothing */
	if (e == 0)
		return m->len > 0 ? 0 : -1;
	return m->len == 0 && m->size == 0 && m->mtime == 0 &&
	    m->dev == 0 && m->ino == 0 ? 0 : -1;
}
