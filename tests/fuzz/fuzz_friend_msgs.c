/*
 * The friends' IPC payloads (ipc/msg_friend.h), as a hostile keyd, chatd
 * or frontend could send them: the first byte picks the unpacker, the
 * rest is the payload.  Whatever unpacks must pack back to the same
 * bytes, so nothing is read that was not there or left out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/ipc.h"
#include "ipc/msg_friend.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static union {
	struct ipc_friend_request_in	in;
	struct ipc_friend_request_send	send;
	struct ipc_friends_load		load;
	struct ipc_friend_add		add;
	struct ipc_friend_add_req	add_req;
	struct ipc_friend_ans		ans;
	struct ipc_friend_list		list;
	struct ipc_friend_inbox		inbox;
	struct ipc_friend_remove	rm;
	uint8_t				pk[TOX_PK_LEN];
	uint16_t			start;
} m;
static uint8_t	out[IPC_MAX_PAYLOAD];

#define CASE(n, unpack, pack)						\
	case n:								\
		if (unpack(&r, &m.u) == -1)				\
			return 0;					\
		pack(&w, &m.u);						\
		break

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
	switch (data[0] % 10) {
#define u in
	CASE(0, ipc_unpack_friend_request_in, ipc_pack_friend_request_in);
#undef u
#define u send
	CASE(1, ipc_unpack_friend_request_send, ipc_pack_friend_request_send);
#undef u
#define u load
	CASE(2, ipc_unpack_friends_load, ipc_pack_friends_load);
#undef u
#define u add
	CASE(3, ipc_unpack_friend_add, ipc_pack_friend_add);
#undef u
#define u add_req
	CASE(4, ipc_unpack_friend_add_req, ipc_pack_friend_add_req);
#undef u
#define u ans
	CASE(5, ipc_unpack_friend_ans, ipc_pack_friend_ans);
#undef u
#define u list
	CASE(6, ipc_unpack_friend_list, ipc_pack_friend_list);
#undef u
#define u inbox
	CASE(7, ipc_unpack_friend_inbox, ipc_pack_friend_inbox);
#undef u
#define u rm
	CASE(8, ipc_unpack_friend_remove, ipc_pack_friend_remove);
#undef u
	case 9:
		if (data[0] & 0x80) {
			if (ipc_unpack_friend_pk(&r, m.pk) == -1)
				return 0;
			ipc_pack_friend_pk(&w, m.pk);
		} else {
			if (ipc_unpack_friend_page_req(&r, &m.start) == -1)
				return 0;
			ipc_pack_friend_page_req(&w, m.start);
		}
		break;
	}
	if (!wr_ok(&w) || w.len != len - 1 || memcmp(out, data + 1, w.len) != 0)
		abort();
	return 0;
}
