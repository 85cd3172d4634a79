/*
 * The IPC decoder: a framed message from a hostile peer.  The first bytes
 * choose the receiving and sending roles; the rest is one datagram that
 * ipc_recv() must frame, ipc_check() must judge, and every unpack function
 * of the foundation must parse without reading out of bounds.
 */
#include <sys/socket.h>

#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "ipc/ipc.h"
#include "ipc/msg_chat.h"
#include "ipc/msg_core.h"
#include "ipc/msg_dhtpk.h"
#include "ipc/msg_friend.h"
#include "ipc/msg_history.h"
#include "ipc/msg_nc.h"
#include "ipc/msg_net.h"
#include "ipc/msg_relays.h"
#include "ipc/msg_onion.h"
#include "ipc/msg_avatar.h"
#include "ipc/msg_partial.h"
#include "ipc/msg_profile.h"
#include "ipc/msg_sock.h"
#include "ipc/msg_xfer.h"
#include "ipc/msg_file.h"

static struct ipc_msg	m;

static void
unpack_all(const uint8_t *p, size_t n)
{
	static union {
		struct ipc_profile_info		pi;
		struct ipc_pass			pass;
		struct ipc_profile_create	pc;
		struct ipc_id			id;
		struct ipc_self			self;
		struct ipc_bytes		bytes;
		struct ipc_nospam		ns;
		struct ipc_passwd		pw;
		struct ipc_net_status		nst;
		struct ipc_net_nodes		nn;
		struct packed_node		pn;
		struct ipc_onion_announce_seal	oas;
		struct ipc_onion_announce_sealed oasd;
		struct ipc_onion_announce_open	oao;
		struct ipc_onion_announce_opened oaod;
		struct ipc_onion_data_in	odi;
		struct ipc_onion_data_out	odo;
		struct ipc_friend_request_in	fri;
		struct ipc_friend_request_send	frs;
		struct ipc_friend_net		fnet;
		struct ipc_friend_dht		fdht;
		struct ipc_dhtpk_seal		dseal;
		struct ipc_dhtpk_sealed		dsealed;
		struct ipc_dhtpk_in		din;
		struct ipc_friend_dhtpk_in	fdin;
		struct ipc_nc_hs_make		nchm;
		struct ipc_nc_hs_made		nchd;
		struct ipc_nc_hs_in		nchi;
		struct ipc_nc_state		ncst;
		struct ipc_nc_data		ncd;
		struct ipc_nc_plain		ncp;
		struct ipc_nc_addr		nca;
		struct ipc_nc_path		ncpath;
		struct ipc_net_relays		nrl;
		struct ipc_chat_send		cs;
		struct ipc_chat_id		cid;
		struct ipc_chat_typing		cty;
		struct ipc_chat_message		cm;
		struct ipc_chat_friend		cf;
		struct ipc_outbox_put		op;
		struct ipc_outbox_load		ol;
		struct ipc_self_info		si;
		struct ipc_history_put		hput;
		struct ipc_history_req		hreq;
		struct ipc_history_ans		hans;
		struct ipc_sock_open		so;
		struct ipc_sock_opened		sod;
		struct ipc_file_send		xsend;
		struct ipc_file_ctl		xctl;
		struct ipc_file_ans		xans;
		struct ipc_file_event		xev;
		struct ipc_file_open		fop;
		struct ipc_file_opened		fopd;
		struct ipc_partial_key		ptkey;
		struct ipc_partial_put		ptput;
		struct ipc_partial_ans		ptans;
		struct ipc_send_id		sndid;
		struct ipc_send_id_ans		sndans;
		struct ipc_avatar_self		avself;
		struct ipc_avatar_friend	avfriend;
		struct ipc_avatar_done		avdone;
		struct ipc_avatar_data		avdata;
		uint8_t				avpk[TOX_PK_LEN];
		uint64_t			u64;
		uint8_t				u8, key[32];
	} v;
	union {
		struct ipc_hello		hello;
		struct ipc_sandbox_report	sb;
		struct ipc_status		st;
		struct ipc_error		err;
		struct ipc_session_end		se;
		struct ipc_new_channel		nc;
		struct ipc_role_event		ev;
	} u;
	struct rd	r;

#define TRY(fn) do { rd_init(&r, p, n); (void)fn(&r, (void *)&u); } while (0)
	TRY(ipc_unpack_hello);
	TRY(ipc_unpack_sandbox_report);
	TRY(ipc_unpack_status);
	TRY(ipc_unpack_sock_open);
	TRY(ipc_unpack_sock_opened);
	TRY(ipc_unpack_error);
	TRY(ipc_unpack_session_end);
	TRY(ipc_unpack_new_channel);
	TRY(ipc_unpack_role_event);
#undef TRY
#define TRYV(fn, f) do { rd_init(&r, p, n); (void)fn(&r, &v.f); } while (0)
	TRYV(ipc_unpack_profile_info, pi);
	TRYV(ipc_unpack_pass, pass);
	TRYV(ipc_unpack_profile_create, pc);
	TRYV(ipc_unpack_profile_import, pc);
	TRYV(ipc_unpack_id, id);
	TRYV(ipc_unpack_self, self);
	TRYV(ipc_unpack_set_name, bytes);
	TRYV(ipc_unpack_set_status_msg, bytes);
	TRYV(ipc_unpack_set_status, u8);
	TRYV(ipc_unpack_nospam, ns);
	TRYV(ipc_unpack_profile_export, pc);
	TRYV(ipc_unpack_passwd, pw);
	TRYV(ipc_unpack_net_status, nst);
	TRYV(ipc_unpack_net_nodes, nn);
	TRYV(ipc_unpack_net_bootstrap, pn);
	TRYV(ipc_unpack_onion_announce_seal, oas);
	TRYV(ipc_unpack_onion_announce_sealed, oasd);
	TRYV(ipc_unpack_onion_announce_open, oao);
	TRYV(ipc_unpack_onion_announce_opened, oaod);
	TRYV(ipc_unpack_onion_data_in, odi);
	TRYV(ipc_unpack_onion_data_out, odo);
	TRYV(ipc_unpack_friend_request_in, fri);
	TRYV(ipc_unpack_friend_request_send, frs);
	TRYV(ipc_unpack_friend_net, fnet);
	TRYV(ipc_unpack_friend_dht, fdht);
	TRYV(ipc_unpack_dhtpk_seal, dseal);
	TRYV(ipc_unpack_dhtpk_sealed, dsealed);
	TRYV(ipc_unpack_dhtpk_in, din);
	TRYV(ipc_unpack_friend_dhtpk_in, fdin);
	TRYV(ipc_unpack_nc_hs_make, nchm);
	TRYV(ipc_unpack_nc_hs_made, nchd);
	TRYV(ipc_unpack_nc_hs_in, nchi);
	TRYV(ipc_unpack_nc_state, ncst);
	TRYV(ipc_unpack_nc_data, ncd);
	TRYV(ipc_unpack_nc_plain, ncp);
	TRYV(ipc_unpack_nc_addr, nca);
	TRYV(ipc_unpack_nc_path, ncpath);
	TRYV(ipc_unpack_net_relays, nrl);
	TRYV(ipc_unpack_chat_send, cs);
	TRYV(ipc_unpack_chat_id, cid);
	TRYV(ipc_unpack_chat_typing, cty);
	TRYV(ipc_unpack_chat_message, cm);
	TRYV(ipc_unpack_chat_friend, cf);
	TRYV(ipc_unpack_outbox_put, op);
	TRYV(ipc_unpack_outbox_load, ol);
	TRYV(ipc_unpack_self_info, si);
	TRYV(ipc_unpack_outbox_id, u64);
	TRYV(ipc_unpack_history_on, u8);
	TRYV(ipc_unpack_history_put, hput);
	TRYV(ipc_unpack_history_req, hreq);
	TRYV(ipc_unpack_history_ans, hans);
	TRYV(ipc_unpack_file_send, xsend);
	TRYV(ipc_unpack_file_ctl, xctl);
	TRYV(ipc_unpack_file_ans, xans);
	TRYV(ipc_unpack_file_event, xev);
	TRYV(ipc_unpack_file_open, fop);
	TRYV(ipc_unpack_file_opened, fopd);
	TRYV(ipc_unpack_partial_key, ptkey);
	TRYV(ipc_unpack_partial_put, ptput);
	TRYV(ipc_unpack_partial_ans, ptans);
	TRYV(ipc_unpack_send_id, sndid);
	TRYV(ipc_unpack_send_id_ans, sndans);
	TRYV(ipc_unpack_avatar_self, avself);
	TRYV(ipc_unpack_avatar_friend, avfriend);
	TRYV(ipc_unpack_avatar_done, avdone);
	TRYV(ipc_unpack_avatar_data, avdata);
	TRYV(ipc_unpack_avatar_pk, avpk[0]);
	rd_init(&r, p, n);
	(void)ipc_unpack_net_dht_key(&r, v.key);
	rd_init(&r, p, n);
	(void)ipc_unpack_onion_self(&r, v.key);
	rd_init(&r, p, n);
	(void)ipc_unpack_nc_pk(&r, v.key);
#undef TRYV
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	sv[2] = { -1, -1 };
	static struct ipc_frame fr;
	const char	*why;
	enum role	 self, peer;
	int		 sz = 1 << 20;

	if (size < 2)
		return 0;
	self = (enum role)(data[0] % ROLE_MAX);
	peer = (enum role)(data[1] % ROLE_MAX);
	data += 2;
	size -= 2;
	if (sv[0] == -1) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1)
			return 0;
		setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
		setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	}
	if (write(sv[0], data, size) != (ssize_t)size)
		return 0;
	if (ipc_recv(sv[1], &m) == 1) {
		if (ipc_check(&m, self, peer, &why) == 0)
			unpack_all(m.data, m.hdr.len);
		if (m.fd != -1)
			close(m.fd);
	}
	/* the same bytes as a frame of several messages (a cork) */
	memset(&fr, 0, sizeof(fr));
	memcpy(fr.buf, data, size < sizeof(fr.buf) ? size : sizeof(fr.buf));
	fr.len = size < sizeof(fr.buf) ? size : sizeof(fr.buf);
	fr.fd = -1;
	while (ipc_frame_next(&fr, &m) == 1)
		if (ipc_check(&m, self, peer, &why) == 0)
			unpack_all(m.data, m.hdr.len);
	unpack_all(data, size);		/* payload parsers on raw bytes too */
	return 0;
}
