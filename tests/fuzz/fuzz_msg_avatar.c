/*
 * The avatar IPC payloads (ipc/msg_avatar.h), as a hostile keyd, chatd
 * or frontend could send them: the first byte picks the unpacker, the
 * rest is the payload.  Whatever unpacks must hold what the unpacker
 * promises (a NUL-ended path without a NUL in it, a size in range,
 * known flags) and pack back to the same bytes, so nothing is read that
 * was not there or left out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/ipc.h"
#include "ipc/msg_avatar.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static union {
	struct ipc_avatar_self		self;
	struct ipc_avatar_friend	fr;
	struct ipc_avatar_done		done;
	struct ipc_avatar_data		data;
	uint8_t				pk[TOX_PK_LEN];
} m;
static uint8_t	out[IPC_MAX_PAYLOAD];

/* The path an unpacker left: len bytes, no NUL in them, one after. */
static void
check_path(const char *path, uint16_t len)
{
	if (len > AVATAR_PATH_MAX || path[len] != '\0' ||
	    memchr(path, '\0', len) != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct rd	r;
	struct wr	w;

	if (len < 1 || len - 1 > IPC_MAX_PAYLOAD)
		return 0;
	rd_init(&r, data + 1, len - 1);
	wr_init(&w, out, sizeof(out));
	memset(&m, 0, sizeof(m));
	switch (data[0] % 5) {
	case 0:
		if (ipc_unpack_avatar_self(&r, &m.self) == -1)
			return 0;
		if (m.self.size > AVATAR_MAX)
			abort();
		check_path(m.self.path, m.self.len);
		ipc_pack_avatar_self(&w, &m.self);
		break;
	case 1:
		if (ipc_unpack_avatar_friend(&r, &m.fr) == -1)
			return 0;
		if ((m.fr.flags & ~(AVATAR_F_HAS | AVATAR_F_NEWS)) != 0)
			abort();
		check_path(m.fr.path, m.fr.len);
		ipc_pack_avatar_friend(&w, &m.fr);
		break;
	case 2:
		if (ipc_unpack_avatar_done(&r, &m.done) == -1)
			return 0;
		if (m.done.size == 0 || m.done.size > AVATAR_MAX)
			abort();
		ipc_pack_avatar_done(&w, &m.done);
		break;
	case 3:
		if (ipc_unpack_avatar_pk(&r, m.pk) == -1)
			return 0;
		ipc_pack_avatar_pk(&w, m.pk);
		break;
	case 4:
		if (ipc_unpack_avatar_data(&r, &m.data) == -1)
			return 0;
		if (m.data.len == 0 || m.data.len > AVATAR_DATA_MAX ||
		    (uint64_t)m.data.off + m.data.len > AVATAR_MAX)
			abort();
		ipc_pack_avatar_data(&w, &m.data);
		break;
	}
	if (!wr_ok(&w) || w.len != len - 1 || memcmp(out, data + 1, w.len) != 0)
		abort();
	return 0;
}
