/*
 * The IPC catalogue (ipc/catalogue.c) against the rest of the tree: every
 * type of ipc/types.h has a row, stays in its area's number range, has
 * bounds equal to what its packer writes for the smallest and the largest
 * value, travels only channels the supervisor wires (common/topology.c),
 * and is answered only by answer types that travel back the same way.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/topology.h"
#include "ipc/ipc.h"
#include "ipc/msg_chat.h"
#include "ipc/msg_core.h"
#include "ipc/msg_dhtpk.h"
#include "ipc/msg_file.h"
#include "ipc/msg_friend.h"
#include "ipc/msg_history.h"
#include "ipc/msg_nc.h"
#include "ipc/msg_net.h"
#include "ipc/msg_relays.h"
#include "ipc/msg_onion.h"
#include "ipc/msg_nodes.h"
#include "ipc/msg_avatar.h"
#include "ipc/msg_partial.h"
#include "ipc/msg_profile.h"
#include "ipc/msg_sock.h"
#include "ipc/msg_xfer.h"

static const uint16_t every_type[] = {
#define X(t)	t,
#include "ipc_type_list.h"
#undef X
};
#define NTYPES	(sizeof(every_type) / sizeof(every_type[0]))

static void
every_type_has_a_row_in_its_area(void **state)
{
	static const struct { unsigned first, last; } areas[] = {
		{ IPC_AREA_CORE_FIRST, IPC_AREA_CORE_LAST },
		{ IPC_AREA_PROFILE_FIRST, IPC_AREA_PROFILE_LAST },
		{ IPC_AREA_NET_FIRST, IPC_AREA_NET_LAST },
		{ IPC_AREA_NODES_FIRST, IPC_AREA_NODES_LAST },
		{ IPC_AREA_ONION_FIRST, IPC_AREA_ONION_LAST },
		{ IPC_AREA_FRIENDS_FIRST, IPC_AREA_FRIENDS_LAST },
		{ IPC_AREA_NC_FIRST, IPC_AREA_NC_LAST },
		{ IPC_AREA_CHAT_FIRST, IPC_AREA_CHAT_LAST },
		{ IPC_AREA_SOCK_FIRST, IPC_AREA_SOCK_LAST },
		{ IPC_AREA_FILE_FIRST, IPC_AREA_FILE_LAST },
		{ IPC_AREA_AVATAR_FIRST, IPC_AREA_AVATAR_LAST },
	};
	size_t		i, j, rows = 0;
	unsigned	t;
	int		in;

	assert_true(NTYPES >= 30);
	for (i = 0; i < NTYPES; i++) {
		assert_non_null(ipc_spec(every_type[i]));
		for (j = 0; j < NTYPES; j++)	/* numbers are unique */
			if (i != j)
				assert_int_not_equal(every_type[i],
				    every_type[j]);
	}
	for (t = 0; t < IPC_TYPE_MAX; t++) {
		if (ipc_spec(t) == NULL)
			continue;
		rows++;
		for (in = 0, j = 0; j < sizeof(areas) / sizeof(areas[0]); j++)
			in |= t >= areas[j].first && t <= areas[j].last;
		if (!in)
			fail_msg("type %u (%s) is in no area", t,
			    ipc_type_name(t));
		assert_true(ipc_spec(t)->edges != 0);
		assert_true(ipc_spec(t)->min <= ipc_spec(t)->max);
		assert_true(ipc_spec(t)->max <= IPC_MAX_PAYLOAD);
	}
	/* no row without an enum value, and none for 0 */
	assert_int_equal(rows, NTYPES);
	assert_null(ipc_spec(IPC_NONE));
	assert_null(ipc_spec(IPC_TYPE_MAX));
	assert_null(ipc_spec(60000));
}

static void
every_edge_is_a_wired_channel(void **state)
{
	const struct ipc_spec	*s;
	unsigned		 t;
	int			 a, b;

	for (t = 1; t < IPC_TYPE_MAX; t++) {
		if ((s = ipc_spec(t)) == NULL)
			continue;
		for (a = 0; a < ROLE_MAX; a++)
			for (b = 0; b < ROLE_MAX; b++)
				if ((s->edges & IPC_EDGE(a, b)) &&
				    !topo_wired(&topo_session, a, b))
					fail_msg("%s: %s->%s is no channel",
					    s->name, role_name(a),
					    role_name(b));
	}
	/* and the check means something: netd and frontend share none */
	assert_false(topo_wired(&topo_session, ROLE_NETD, ROLE_FRONTEND));
}

static void
answers_are_answers_and_travel_back(void **state)
{
	const struct ipc_spec	*s, *a;
	unsigned		 t;
	size_t			 i;
	int			 x, y, has_error;

	for (t = 1; t < IPC_TYPE_MAX; t++) {
		if ((s = ipc_spec(t)) == NULL || s->answers[0] == 0)
			continue;
		assert_false(s->flags & IPC_S_ANSWER);
		has_error = 0;
		for (i = 0; i < IPC_MAX_ANSWERS && s->answers[i] != 0; i++) {
			assert_non_null(a = ipc_spec(s->answers[i]));
			assert_true(a->flags & IPC_S_ANSWER);
			has_error |= s->answers[i] == IPC_ERROR;
			/* for every way the request goes, the answer
			 * may come back */
			for (x = 0; x < ROLE_MAX; x++)
				for (y = 0; y < ROLE_MAX; y++)
					if ((s->edges & IPC_EDGE(x, y)) &&
					    !(a->edges & IPC_EDGE(y, x)))
						fail_msg("%s cannot answer %s "
						    "%s->%s", a->name, s->name,
						    role_name(x), role_name(y));
		}
		/* a request that fails locally ends with ERROR */
		if (!has_error)
			fail_msg("%s does not list ERROR", s->name);
	}
	assert_true(ipc_answers(IPC_NET_BOOTSTRAP, IPC_OK));
	assert_false(ipc_answers(IPC_NET_BOOTSTRAP, IPC_ID_ANS));
	assert_false(ipc_answers(IPC_NET_STATUS, IPC_OK));
}

/* Passphrases, keys, the words of a conversation and the names of files
 * are wiped after dispatch. */
static void
secrets_and_words_are_secret(void **state)
{
	static const uint16_t secret[] = { IPC_PROFILE_UNLOCK,
	    IPC_PROFILE_CREATE, IPC_PROFILE_IMPORT, IPC_PROFILE_EXPORT,
	    IPC_PASSWD, IPC_NET_DHT_KEY, IPC_NC_PLAIN_IN, IPC_NC_PLAIN_OUT,
	    IPC_CHAT_SEND, IPC_CHAT_MESSAGE, IPC_OUTBOX_PUT, IPC_OUTBOX_LOAD,
	    IPC_HISTORY_PUT, IPC_HISTORY_ANS, IPC_FILE_SEND, IPC_FILE_EVENT,
	    IPC_PARTIAL_PUT, IPC_PARTIAL_ANS, IPC_SEND_ID, IPC_SEND_ID_ANS };
	unsigned	t;
	size_t		i;
	int		want;

	for (t = 1; t < IPC_TYPE_MAX; t++) {
		if (ipc_spec(t) == NULL)
			continue;
		for (want = 0, i = 0; i < sizeof(secret) / sizeof(secret[0]);
		    i++)
			want |= secret[i] == t;
		assert_int_equal((ipc_spec(t)->flags & IPC_S_SECRET) != 0,
		    want);
	}
}

/*
 * Bounds: each row's min and max equal what its packer writes for the
 * smallest and the largest value.  One function per type packs both.
 */
static uint8_t	buf[IPC_MAX_PAYLOAD];

static size_t
done(struct wr *w)
{
	assert_true(wr_ok(w));
	return w->len;
}

static size_t
pk_none(int big)
{
	return 0;
}

static size_t
pk_hello(int big)
{
	struct ipc_hello	h = { .role = ROLE_KEYD };
	struct wr		w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &h);
	return done(&w);
}

static size_t
pk_sandbox_report(int big)
{
	struct ipc_sandbox_report	r = { .flags = big ? ~0u : 0 };
	struct wr			w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_sandbox_report(&w, &r);
	return done(&w);
}

static size_t
pk_status(int big)
{
	struct ipc_status	st;
	struct wr		w;

	memset(&st, 0, sizeof(st));
	st.n = big ? ROLE_MAX : 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_status(&w, &st);
	return done(&w);
}

static size_t
pk_error(int big)
{
	struct ipc_error	e;
	struct wr		w;

	memset(&e, 0, sizeof(e));
	e.code = IPC_ERR_STATE;
	if (big)
		memset(e.text, 'x', IPC_ERROR_TEXT_MAX);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_error(&w, &e);
	return done(&w);
}

static size_t
pk_session_end(int big)
{
	struct ipc_session_end	se;
	struct wr		w;

	memset(&se, 0, sizeof(se));
	if (big)
		memset(se.text, 'x', IPC_ERROR_TEXT_MAX);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_session_end(&w, &se);
	return done(&w);
}

static size_t
pk_new_channel(int big)
{
	struct ipc_new_channel	nc = { .role = ROLE_NETD };
	struct wr		w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_new_channel(&w, &nc);
	return done(&w);
}

static size_t
pk_role_event(int big)
{
	struct ipc_role_event	ev = { .role = ROLE_NETD, .kind = 1 };
	struct wr		w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_role_event(&w, &ev);
	return done(&w);
}

static size_t
pk_profile_info(int big)
{
	struct ipc_profile_info	pi = { 0, 0, 0 };
	struct wr		w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_profile_info(&w, &pi);
	return done(&w);
}

static struct ipc_passwd	pw;	/* big: not on the stack */

static size_t
pk_pass(int big)
{
	struct wr	w;

	pw.old.len = big ? IPC_PASS_MAX : 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_pass(&w, &pw.old);
	return done(&w);
}

static size_t
pk_create_or_import(int big, int import)
{
	static struct ipc_profile_create	cr;
	struct wr				w;

	cr.pass.len = big ? IPC_PASS_MAX : 0;
	wr_init(&w, buf, sizeof(buf));
	if (import)
		ipc_pack_profile_import(&w, &cr);
	else
		ipc_pack_profile_create(&w, &cr);
	return done(&w);
}

static size_t
pk_create(int big)
{
	return pk_create_or_import(big, 0);
}

static size_t
pk_import(int big)
{
	return pk_create_or_import(big, 1);
}

static size_t
pk_id(int big)
{
	static struct ipc_id	id;
	struct wr		w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_id(&w, &id);
	return done(&w);
}

static size_t
pk_self(int big)
{
	static struct ipc_self	s;
	struct wr		w;

	s.name_len = big ? IPC_NAME_MAX : 0;
	s.status_msg_len = big ? IPC_STATUSMSG_MAX : 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_self(&w, &s);
	return done(&w);
}

static size_t
pk_set_name(int big)
{
	static struct ipc_bytes	b;
	struct wr		w;

	b.len = big ? IPC_NAME_MAX : 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_set_name(&w, &b);
	return done(&w);
}

static size_t
pk_set_status_msg(int big)
{
	static struct ipc_bytes	b;
	struct wr		w;

	b.len = big ? IPC_STATUSMSG_MAX : 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_set_status_msg(&w, &b);
	return done(&w);
}

static size_t
pk_set_status(int big)
{
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_set_status(&w, big ? 2 : 0);
	return done(&w);
}

static size_t
pk_nospam(int big)
{
	struct ipc_nospam	ns = { .has_value = (uint8_t)big };
	struct wr		w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nospam(&w, &ns);
	return done(&w);
}

static size_t
pk_export(int big)
{
	static struct ipc_profile_create	cr;
	struct wr				w;

	cr.flags = big ? IPC_PF_PLAIN : 0;
	cr.pass.len = big ? IPC_PASS_MAX : 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_profile_export(&w, &cr);
	return done(&w);
}

static size_t
pk_passwd(int big)
{
	struct wr	w;

	pw.old.len = pw.new.len = big ? IPC_PASS_MAX : 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_passwd(&w, &pw);
	return done(&w);
}

static size_t
pk_net_status(int big)
{
	struct ipc_net_status	st;
	struct wr		w;

	memset(&st, 0, sizeof(st));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_status(&w, &st);
	return done(&w);
}

static void
a_node(struct packed_node *pn, int v6)
{
	memset(pn, 0, sizeof(*pn));
	pn->family = v6 ? PN_UDP6 : PN_UDP4;
	pn->port = 33445;
}

static size_t
pk_net_nodes(int big)
{
	static struct ipc_net_nodes	nn;
	struct wr			w;
	int				i;

	nn.n = big ? IPC_NET_NODES_MAX : 1;
	for (i = 0; i < nn.n; i++)
		a_node(&nn.nodes[i], big);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_nodes(&w, &nn);
	return done(&w);
}

static size_t
pk_net_bootstrap(int big)
{
	struct packed_node	pn;
	struct wr		w;

	a_node(&pn, big);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_bootstrap(&w, &pn);
	return done(&w);
}

static size_t
pk_net_dht_key(int big)
{
	uint8_t		pk[PN_PK_LEN] = { 0 };
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_dht_key(&w, pk);
	return done(&w);
}

static size_t
pk_sock_open(int big)
{
	struct ipc_sock_open	m = { .family = IPC_SOCK_FAMILY_V6,
	    .port = 443 };
	struct wr		w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_sock_open(&w, &m);
	return done(&w);
}

static size_t
pk_sock_opened(int big)
{
	struct ipc_sock_opened	m = { .err = big ? IPC_SOCK_ERRNO_MAX : 0 };
	struct wr		w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_sock_opened(&w, &m);
	return done(&w);
}

static size_t
pk_file_send(int big)
{
	struct ipc_file_send	m = { .size = 1,
	    .name_len = big ? XFER_NAME_MAX : 0 };
	struct wr		w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_send(&w, &m);
	return done(&w);
}

static size_t
pk_file_open(int big)
{
	static struct ipc_file_open	m;
	struct wr			w;

	m.mode = IPC_FILE_READ;
	m.len = big ? IPC_FILE_PATH_MAX : 1;
	memset(m.path, 'a', m.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_open(&w, &m);
	return done(&w);
}

static size_t
pk_file_ans(int big)
{
	struct ipc_file_ans	m = { .file = XFER_NUM_IN(255) };
	struct wr		w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_ans(&w, &m);
	return done(&w);
}

static size_t
pk_file_ctl(int big)
{
	struct ipc_file_ctl	m = { .op = XFER_ACCEPT };
	struct wr		w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_ctl(&w, &m);
	return done(&w);
}

static size_t
pk_file_event(int big)
{
	struct ipc_file_event	m = { .what = XFER_EV_OFFER,
	    .name_len = big ? XFER_NAME_MAX : 0 };
	struct wr		w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_event(&w, &m);
	return done(&w);
}

static size_t
pk_file_opened(int big)
{
	static struct ipc_file_opened	m;
	struct wr			w;

	m.err = 0;
	m.size = big ? UINT64_MAX : 0;
	m.len = big ? IPC_FILE_PATH_MAX : 0;
	memset(m.path, '/', m.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_opened(&w, &m);
	return done(&w);
}

static size_t
pk_partial_put(int big)
{
	static struct ipc_partial_put	m;
	struct wr			w;

	m.size = big ? UINT64_MAX : 0;
	m.len = big ? PARTIAL_PATH_MAX : 1;
	memset(m.path, '/', m.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_partial_put(&w, &m);
	return done(&w);
}

static size_t
pk_partial_key(int big)
{
	struct ipc_partial_key	m;
	struct wr		w;

	memset(&m, big ? 0xff : 0, sizeof(m));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_partial_key(&w, &m);
	return done(&w);
}

/* Smallest: not found; largest: found with the longest path. */
static size_t
pk_partial_ans(int big)
{
	static struct ipc_partial_ans	m;
	struct wr			w;

	m.found = (uint8_t)big;
	m.size = big ? UINT64_MAX : 0;
	m.len = big ? PARTIAL_PATH_MAX : 0;
	memset(m.path, 'p', m.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_partial_ans(&w, &m);
	return done(&w);
}

static size_t
pk_send_id(int big)
{
	static struct ipc_send_id	m;
	struct wr			w;

	memset(&m, big ? 0xff : 0, offsetof(struct ipc_send_id, len));
	m.len = big ? PARTIAL_PATH_MAX : 1;
	memset(m.path, '/', m.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_send_id(&w, &m);
	return done(&w);
}

static size_t
pk_send_id_ans(int big)
{
	struct ipc_send_id_ans	m;
	struct wr		w;

	memset(m.file_id, big ? 0xff : 0, sizeof(m.file_id));
	m.again = (uint8_t)big;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_send_id_ans(&w, &m);
	return done(&w);
}

static size_t
pk_avatar_set(int big)
{
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	wr_u8(&w, (uint8_t)big);
	return done(&w);
}

/* Smallest: none, to chatd; largest: with the longest path. */
static size_t
pk_avatar_self(int big)
{
	static struct ipc_avatar_self	m;
	struct wr			w;

	m.size = big ? AVATAR_MAX : 0;
	m.len = big ? AVATAR_PATH_MAX : 0;
	memset(m.path, 'p', m.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_self(&w, &m);
	return done(&w);
}

static size_t
pk_avatar_friend(int big)
{
	static struct ipc_avatar_friend	m;
	struct wr			w;

	m.flags = big ? AVATAR_F_HAS | AVATAR_F_NEWS : 0;
	m.len = big ? AVATAR_PATH_MAX : 0;
	memset(m.path, 'p', m.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_friend(&w, &m);
	return done(&w);
}

static size_t
pk_avatar_pk(int big)
{
	uint8_t		pk[TOX_PK_LEN];
	struct wr	w;

	memset(pk, big ? 0xff : 0, sizeof(pk));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_pk(&w, pk);
	return done(&w);
}

static size_t
pk_avatar_done(int big)
{
	struct ipc_avatar_done	m;
	struct wr		w;

	memset(&m, big ? 0xff : 0, sizeof(m));
	m.size = big ? AVATAR_MAX : 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_done(&w, &m);
	return done(&w);
}

static size_t
pk_avatar_data(int big)
{
	static struct ipc_avatar_data	m;
	struct wr			w;

	memset(&m, big ? 0xff : 0, sizeof(m));
	m.off = big ? AVATAR_MAX - AVATAR_DATA_MAX : 0;
	m.len = big ? AVATAR_DATA_MAX : 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_data(&w, &m);
	return done(&w);
}

static size_t
pk_fetch_failed(int big)
{
	static char	why[IPC_ERROR_TEXT_MAX + 1];
	struct wr	w;

	memset(why, 'x', sizeof(why) - 1);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_fetch_failed(&w, big ? why : "");
	return done(&w);
}

static size_t
pk_fetch_event(int big)
{
	static struct ipc_fetch_result	r;
	struct wr			w;

	memset(r.text, 0, sizeof(r.text));
	if (big)
		memset(r.text, 'x', sizeof(r.text) - 1);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_fetch_event(&w, &r);
	return done(&w);
}

static size_t
pk_friend_request_in(int big)
{
	struct ipc_friend_request_in	m;
	struct wr			w;

	memset(&m, 0, sizeof(m));
	m.len = big ? FRIEND_REQ_MSG_MAX : 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_request_in(&w, &m);
	return done(&w);
}

static size_t
pk_friend_request_send(int big)
{
	struct ipc_friend_request_send	m;
	struct wr			w;

	memset(&m, 0, sizeof(m));
	m.len = big ? FRIEND_REQ_SEND_MAX : 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_request_send(&w, &m);
	return done(&w);
}

static size_t
pk_friends_load(int big)
{
	static struct ipc_friends_load	m;
	struct ipc_friend_rec		*f;
	struct wr			w;
	int				i;

	memset(&m, 0, sizeof(m));
	m.count = big ? FRIENDS_LOAD_BATCH : 0;
	for (i = 0; i < m.count; i++) {
		f = &m.recs[i];
		f->status = 1;
		f->name_len = FRIEND_NAME_MAX;
		f->status_msg_len = FRIEND_STATUSMSG_MAX;
		f->request_len = FRIEND_REQ_STORE_MAX;
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friends_load(&w, &m);
	return done(&w);
}

static size_t
pk_friend_add(int big)
{
	static struct ipc_friend_add	m;
	struct wr			w;

	memset(&m, 0, sizeof(m));
	m.status = 1;
	m.request_len = big ? FRIEND_REQ_SEND_MAX : 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_add(&w, &m);
	return done(&w);
}

static size_t
pk_friend_pk(int big)
{
	uint8_t		pk[TOX_PK_LEN] = { 0 };
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_pk(&w, pk);
	return done(&w);
}

static size_t
pk_friend_add_req(int big)
{
	static struct ipc_friend_add_req	m;
	struct wr				w;

	memset(&m, 0, sizeof(m));
	m.len = big ? FRIEND_REQ_SEND_MAX : 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_add_req(&w, &m);
	return done(&w);
}

static size_t
pk_friend_ans(int big)
{
	struct ipc_friend_ans	m;
	struct wr		w;

	memset(&m, 0, sizeof(m));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_ans(&w, &m);
	return done(&w);
}

static size_t
pk_friend_page_req(int big)
{
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_page_req(&w, big ? FRIEND_NUM_NONE : 0);
	return done(&w);
}

static size_t
pk_friend_list(int big)
{
	static struct ipc_friend_list	m;
	struct wr			w;
	int				i;

	memset(&m, 0, sizeof(m));
	m.count = big ? FRIEND_LIST_PAGE : 0;
	for (i = 0; i < m.count; i++) {
		m.e[i].name_len = FRIEND_NAME_MAX;
		m.e[i].status_msg_len = FRIEND_STATUSMSG_MAX;
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_list(&w, &m);
	return done(&w);
}

static size_t
pk_friend_inbox(int big)
{
	static struct ipc_friend_inbox	m;
	struct wr			w;
	int				i;

	memset(&m, 0, sizeof(m));
	m.count = big ? FRIEND_INBOX_PAGE : 0;
	for (i = 0; i < m.count; i++)
		m.e[i].len = FRIEND_REQ_MSG_MAX;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_inbox(&w, &m);
	return done(&w);
}

static size_t
pk_friend_remove(int big)
{
	struct ipc_friend_remove	m;
	struct wr			w;

	memset(&m, 0, sizeof(m));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_remove(&w, &m);
	return done(&w);
}

static size_t
pk_onion_announce_seal(int big)
{
	struct ipc_onion_announce_seal	m;
	struct wr			w;

	memset(&m, 0, sizeof(m));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_announce_seal(&w, &m);
	return done(&w);
}

static size_t
pk_onion_announce_sealed(int big)
{
	struct ipc_onion_announce_sealed	m;
	struct wr				w;

	memset(&m, 0, sizeof(m));
	m.pkt[0] = ONION_ANNOUNCE_REQ;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_announce_sealed(&w, &m);
	return done(&w);
}

static size_t
pk_onion_announce_open(int big)
{
	static struct ipc_onion_announce_open	m;
	struct wr				w;

	m.len = big ? ANNOUNCE_RESP_MAX : ANNOUNCE_RESP_MIN;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_announce_open(&w, &m);
	return done(&w);
}

static size_t
pk_onion_announce_opened(int big)
{
	struct ipc_onion_announce_opened	m;
	struct wr				w;
	int					i;

	memset(&m, 0, sizeof(m));
	m.is_stored = big ? ANNOUNCE_STORED : ANNOUNCE_NOT_STORED;
	m.n = big ? ANNOUNCE_RESP_NODES_MAX : 0;
	for (i = 0; i < m.n; i++)
		a_node(&m.nodes[i], 1);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_announce_opened(&w, &m);
	return done(&w);
}

static size_t
pk_onion_data_in(int big)
{
	static struct ipc_onion_data_in	m;
	struct wr			w;

	m.boxlen = big ? ONION_DATA_BOX_MAX : ONION_DATA_BOX_MIN;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_data_in(&w, &m);
	return done(&w);
}

static size_t
pk_onion_data_out(int big)
{
	static struct ipc_onion_data_out	m;
	struct wr				w;

	m.len = big ? ONION_DATA_SEALED_SEND_MAX : ONION_DATA_SEALED_MIN;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_data_out(&w, &m);
	return done(&w);
}

static size_t
pk_onion_self(int big)
{
	uint8_t		pk[ONION_PK_LEN] = { 0 };
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_onion_self(&w, pk);
	return done(&w);
}

static size_t
pk_nc_hs_make(int big)
{
	static struct ipc_nc_hs_make	m;
	struct wr			w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_hs_make(&w, &m);
	return done(&w);
}

static size_t
pk_nc_hs_made(int big)
{
	static struct ipc_nc_hs_made	m;
	struct wr			w;

	m.hs[0] = NC_HS_KIND;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_hs_made(&w, &m);
	return done(&w);
}

static size_t
pk_nc_hs_in(int big)
{
	static struct ipc_nc_hs_in	m;
	struct wr			w;

	m.hs[0] = NC_HS_KIND;
	m.want_reply = big;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_hs_in(&w, &m);
	return done(&w);
}

static size_t
pk_nc_state(int big)
{
	struct ipc_nc_state	m;
	struct wr		w;

	memset(&m, 0, sizeof(m));
	m.state = big ? NC_STATE_ESTABLISHED : NC_STATE_NONE;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_state(&w, &m);
	return done(&w);
}

static size_t
pk_nc_pk(int big)
{
	uint8_t		pk[IPC_NC_PK_LEN] = { 0 };
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_pk(&w, pk);
	return done(&w);
}

static size_t
pk_nc_data(int big)
{
	static struct ipc_nc_data	m;
	struct wr			w;

	m.len = big ? NC_PACKET_MAX : NC_DATA_PACKET_MIN + 1;
	m.pkt[0] = NC_DATA_KIND;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_data(&w, &m);
	return done(&w);
}

static size_t
pk_nc_plain(int big)
{
	static struct ipc_nc_plain	m;
	struct wr			w;

	m.len = big ? NC_DATA_MAX : 1;
	m.data[0] = NC_ID_LOSSLESS_MIN;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_plain(&w, &m);
	return done(&w);
}

static size_t
pk_nc_addr(int big)
{
	struct ipc_nc_addr	m;
	struct wr		w;

	memset(&m, 0, sizeof(m));
	m.node.family = big ? PN_UDP6 : PN_UDP4;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_addr(&w, &m);
	return done(&w);
}

static size_t
pk_net_relays(int big)
{
	static struct ipc_net_relays	m;
	struct wr			w;
	uint8_t				i;

	memset(&m, 0, sizeof(m));
	m.n = big ? IPC_NET_RELAYS_MAX : 0;
	for (i = 0; i < m.n; i++)
		memset(m.r[i].where, 'x', IPC_RELAY_WHERE_MAX);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_net_relays(&w, &m);
	return done(&w);
}

static size_t
pk_nc_path(int big)
{
	struct ipc_nc_path	m;
	struct wr		w;

	memset(&m, 0, sizeof(m));
	m.path = big ? NC_PATH_TCP : NC_PATH_UDP;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_path(&w, &m);
	return done(&w);
}

static size_t
pk_chat_send(int big)
{
	static struct ipc_chat_send	m;
	struct wr			w;

	m.len = big ? CHAT_TEXT_MAX : 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_send(&w, &m);
	return done(&w);
}

static size_t
pk_chat_id(int big)
{
	struct ipc_chat_id	m;
	struct wr		w;

	memset(&m, 0, sizeof(m));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_id(&w, &m);
	return done(&w);
}

static size_t
pk_chat_typing(int big)
{
	struct ipc_chat_typing	m;
	struct wr		w;

	memset(&m, 0, sizeof(m));
	m.typing = big;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_typing(&w, &m);
	return done(&w);
}

static size_t
pk_chat_message(int big)
{
	static struct ipc_chat_message	m;
	struct wr			w;

	m.len = big ? MSG_TEXT_MAX : 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_message(&w, &m);
	return done(&w);
}

static size_t
pk_chat_friend(int big)
{
	static struct ipc_chat_friend	m;
	struct wr			w;

	m.what = big ? CHAT_FRIEND_STATUS_MSG : CHAT_FRIEND_NAME;
	m.len = big ? FRIEND_STATUSMSG_MAX : 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_chat_friend(&w, &m);
	return done(&w);
}

static size_t
pk_outbox_put(int big)
{
	static struct ipc_outbox_put	m;
	struct wr			w;

	m.len = big ? CHAT_TEXT_MAX : 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_outbox_put(&w, &m);
	return done(&w);
}

static size_t
pk_outbox_id(int big)
{
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_outbox_id(&w, 7);
	return done(&w);
}

static size_t
pk_outbox_load(int big)
{
	static struct ipc_outbox_load	m;
	struct wr			w;

	m.m.len = big ? CHAT_TEXT_MAX : 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_outbox_load(&w, &m);
	return done(&w);
}

static size_t
pk_history_put(int big)
{
	static struct ipc_history_put	m;
	struct wr			w;

	m.len = big ? HISTORY_MSG_MAX : 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_history_put(&w, &m);
	return done(&w);
}

static size_t
pk_history_on(int big)
{
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_history_on(&w, (uint8_t)big);
	return done(&w);
}

static size_t
pk_history_req(int big)
{
	struct ipc_history_req	m;
	struct wr		w;

	memset(&m, 0, sizeof(m));
	m.ref.by_pk = (uint8_t)big;
	m.count = big ? HISTORY_REQ_COUNT_MAX : 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_history_req(&w, &m);
	return done(&w);
}

/* The largest page: every entry, and all the text the page takes. */
static size_t
pk_history_ans(int big)
{
	static struct ipc_history_ans	m;
	static uint8_t			text[HISTORY_MSG_MAX];
	struct ipc_history_item		it;
	struct wr			w;
	int				i;

	memset(&m, 0, offsetof(struct ipc_history_ans, text));
	memset(&it, 0, sizeof(it));
	for (i = 0; big && i < HISTORY_PAGE; i++) {
		it.len = i < 3 ? HISTORY_MSG_MAX : 1;
		if (i == 2)
			it.len = HISTORY_MSG_MAX - (HISTORY_PAGE - 3);
		assert_int_equal(ipc_history_ans_add(&m, &it, text), 0);
	}
	if (big) {
		/* the page is full either way */
		it.len = 1;
		assert_int_equal(ipc_history_ans_add(&m, &it, text), -1);
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_history_ans(&w, &m);
	return done(&w);
}

static size_t
pk_self_info(int big)
{
	static struct ipc_self_info	m;
	struct wr			w;

	m.name_len = big ? FRIEND_NAME_MAX : 0;
	m.status_msg_len = big ? FRIEND_STATUSMSG_MAX : 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_self_info(&w, &m);
	return done(&w);
}

static size_t
pk_friend_net(int big)
{
	struct ipc_friend_net	m;
	struct wr		w;

	memset(&m, 0, sizeof(m));
	m.state = FRIEND_NET_ONLINE;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_net(&w, &m);
	return done(&w);
}

static void
nodes_v6(struct ipc_friend_dht *f, int big)
{
	unsigned	i;

	memset(f, 0, sizeof(*f));
	f->n = big ? DHTPK_NODES_MAX : 0;
	for (i = 0; i < f->n; i++)
		f->nodes[i].family = PN_UDP6;
}

static size_t
pk_friend_dht(int big)
{
	struct ipc_friend_dht	m;
	struct wr		w;

	nodes_v6(&m, big);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_dht(&w, &m);
	return done(&w);
}

static size_t
pk_dhtpk_seal(int big)
{
	struct ipc_dhtpk_seal	m;
	struct wr		w;

	memset(&m, 0, sizeof(m));
	nodes_v6(&m.f, big);
	m.route = DHTPK_ROUTE_DHT;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_dhtpk_seal(&w, &m);
	return done(&w);
}

static size_t
pk_dhtpk_sealed(int big)
{
	static struct ipc_dhtpk_sealed	m;
	struct wr			w;

	m.len = big ? DHTPK_SEALED_MAX : DHTPK_SEALED_MIN;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_dhtpk_sealed(&w, &m);
	return done(&w);
}

static size_t
pk_dhtpk_in(int big)
{
	static struct ipc_dhtpk_in	m;
	struct wr			w;

	m.boxlen = big ? DHTPK_BOX_MAX : DHTPK_BOX_MIN;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_dhtpk_in(&w, &m);
	return done(&w);
}

static size_t
pk_friend_dhtpk_in(int big)
{
	static struct ipc_friend_dhtpk_in	m;
	struct wr				w;

	m.len = big ? DHTPK_MAX_LEN : DHTPK_MIN_LEN;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_dhtpk_in(&w, &m);
	return done(&w);
}

static const struct {
	uint16_t	 type;
	size_t		(*pack)(int big);
} packers[] = {
	{ IPC_HELLO, pk_hello },
	{ IPC_SANDBOX_REPORT, pk_sandbox_report },
	{ IPC_SHUTDOWN, pk_none },
	{ IPC_STATUS_REQ, pk_none },
	{ IPC_STATUS_ANS, pk_status },
	{ IPC_OK, pk_none },
	{ IPC_ERROR, pk_error },
	{ IPC_SESSION_END, pk_session_end },
	{ IPC_NEW_CHANNEL, pk_new_channel },
	{ IPC_ROLE_EVENT, pk_role_event },
	{ IPC_PROFILE_INFO_REQ, pk_none },
	{ IPC_PROFILE_INFO_ANS, pk_profile_info },
	{ IPC_PROFILE_UNLOCK, pk_pass },
	{ IPC_PROFILE_CREATE, pk_create },
	{ IPC_ID_REQ, pk_none },
	{ IPC_ID_ANS, pk_id },
	{ IPC_SELF_REQ, pk_none },
	{ IPC_SELF_ANS, pk_self },
	{ IPC_SET_NAME, pk_set_name },
	{ IPC_SET_STATUS_MSG, pk_set_status_msg },
	{ IPC_SET_STATUS, pk_set_status },
	{ IPC_NOSPAM_SET, pk_nospam },
	{ IPC_PROFILE_IMPORT, pk_import },
	{ IPC_PROFILE_EXPORT, pk_export },
	{ IPC_PASSWD, pk_passwd },
	{ IPC_NET_STATUS, pk_net_status },
	{ IPC_NET_NODES_SAVE, pk_net_nodes },
	{ IPC_NET_NODES_LOAD, pk_net_nodes },
	{ IPC_NET_BOOTSTRAP, pk_net_bootstrap },
	{ IPC_NET_DHT_SEARCH_ADD, pk_net_dht_key },
	{ IPC_NET_DHT_SEARCH_DEL, pk_net_dht_key },
	{ IPC_NET_DHT_KEY, pk_net_dht_key },
	/* the nodes lists ride as descriptors, with no payload */
	{ IPC_NODES_FD, pk_none },
	{ IPC_NODES_FETCHED, pk_none },
	{ IPC_NODES_CACHE, pk_none },
	{ IPC_NODES_CACHE_STORE, pk_none },
	{ IPC_NODES_FETCH_FAILED, pk_fetch_failed },
	{ IPC_NODES_FETCH_EVENT, pk_fetch_event },
	{ IPC_FRIEND_REQUEST_IN, pk_friend_request_in },
	{ IPC_FRIEND_REQUEST_SEND, pk_friend_request_send },
	{ IPC_FRIENDS_LOAD, pk_friends_load },
	{ IPC_FRIEND_ADD, pk_friend_add },
	{ IPC_FRIEND_DEL, pk_friend_pk },
	{ IPC_FRIEND_ADD_REQ, pk_friend_add_req },
	{ IPC_FRIEND_ANS, pk_friend_ans },
	{ IPC_FRIEND_LIST_REQ, pk_friend_page_req },
	{ IPC_FRIEND_LIST_ANS, pk_friend_list },
	{ IPC_FRIEND_INBOX_REQ, pk_friend_page_req },
	{ IPC_FRIEND_INBOX_ANS, pk_friend_inbox },
	{ IPC_FRIEND_ACCEPT, pk_friend_pk },
	{ IPC_FRIEND_DECLINE, pk_friend_pk },
	{ IPC_FRIEND_REMOVE, pk_friend_remove },
	{ IPC_FRIEND_REQUEST_EVENT, pk_friend_request_in },
	{ IPC_ONION_ANNOUNCE_SEAL, pk_onion_announce_seal },
	{ IPC_ONION_ANNOUNCE_SEALED, pk_onion_announce_sealed },
	{ IPC_ONION_ANNOUNCE_OPEN, pk_onion_announce_open },
	{ IPC_ONION_ANNOUNCE_OPENED, pk_onion_announce_opened },
	{ IPC_ONION_DATA_IN, pk_onion_data_in },
	{ IPC_ONION_DATA_OUT, pk_onion_data_out },
	{ IPC_ONION_SELF, pk_onion_self },
	{ IPC_ONION_FRIEND, pk_friend_net },
	{ IPC_ONION_DHTPK_SEAL, pk_dhtpk_seal },
	{ IPC_ONION_DHTPK_SEALED, pk_dhtpk_sealed },
	{ IPC_ONION_DHTPK_IN, pk_dhtpk_in },
	{ IPC_ONION_FRIEND_DHT, pk_friend_dht },
	{ IPC_FRIEND_NET, pk_friend_net },
	{ IPC_FRIEND_DHTPK_IN, pk_friend_dhtpk_in },
	{ IPC_FRIEND_DHT_LEARNED, pk_friend_dht },
	{ IPC_NC_HS_MAKE, pk_nc_hs_make },
	{ IPC_NC_HS_MADE, pk_nc_hs_made },
	{ IPC_NC_HS_IN, pk_nc_hs_in },
	{ IPC_NC_ABORT, pk_nc_pk },
	{ IPC_NC_STATE, pk_nc_state },
	{ IPC_NC_SESSION, pk_nc_state },
	{ IPC_NC_DATA_IN, pk_nc_data },
	{ IPC_NC_DATA_OUT, pk_nc_data },
	{ IPC_NC_PLAIN_IN, pk_nc_plain },
	{ IPC_NC_PLAIN_OUT, pk_nc_plain },
	{ IPC_NC_KILL, pk_nc_pk },
	{ IPC_NC_ADDR, pk_nc_addr },
	{ IPC_NC_RESUME, pk_nc_addr },
	{ IPC_NC_PATH, pk_nc_path },
	{ IPC_NET_RELAYS, pk_net_relays },
	{ IPC_CHAT_SEND, pk_chat_send },
	{ IPC_CHAT_SENT, pk_chat_id },
	{ IPC_CHAT_TYPING, pk_chat_typing },
	{ IPC_CHAT_MESSAGE, pk_chat_message },
	{ IPC_CHAT_RECEIPT, pk_chat_id },
	{ IPC_CHAT_FRIEND, pk_chat_friend },
	{ IPC_OUTBOX_PUT, pk_outbox_put },
	{ IPC_OUTBOX_STORED, pk_outbox_id },
	{ IPC_OUTBOX_DEL, pk_outbox_id },
	{ IPC_OUTBOX_LOAD, pk_outbox_load },
	{ IPC_SELF_INFO, pk_self_info },
	{ IPC_HISTORY_PUT, pk_history_put },
	{ IPC_HISTORY_ON, pk_history_on },
	{ IPC_HISTORY_REQ, pk_history_req },
	{ IPC_HISTORY_ANS, pk_history_ans },
	{ IPC_SOCK_OPEN, pk_sock_open },
	{ IPC_SOCK_OPENED, pk_sock_opened },
	{ IPC_FILE_SEND, pk_file_send },
	{ IPC_FILE_ANS, pk_file_ans },
	{ IPC_FILE_CTL, pk_file_ctl },
	{ IPC_FILE_EVENT, pk_file_event },
	{ IPC_PARTIAL_PUT, pk_partial_put },
	{ IPC_PARTIAL_DEL, pk_partial_key },
	{ IPC_PARTIAL_GET, pk_partial_key },
	{ IPC_PARTIAL_ANS, pk_partial_ans },
	{ IPC_SEND_ID, pk_send_id },
	{ IPC_SEND_ID_ANS, pk_send_id_ans },
	{ IPC_SEND_DEL, pk_partial_key },
	{ IPC_AVATAR_SET, pk_avatar_set },
	{ IPC_AVATAR_SET_ANS, pk_avatar_self },
	{ IPC_AVATAR_SELF, pk_avatar_self },
	{ IPC_AVATAR_FRIEND, pk_avatar_friend },
	{ IPC_AVATAR_FRIEND_DEL, pk_avatar_pk },
	{ IPC_AVATAR_FRIEND_OPEN, pk_avatar_pk },
	{ IPC_AVATAR_FRIEND_READY, pk_avatar_pk },
	{ IPC_AVATAR_FRIEND_DATA, pk_avatar_data },
	{ IPC_AVATAR_FRIEND_DONE, pk_avatar_done },
	{ IPC_FILE_OPEN, pk_file_open },
	{ IPC_FILE_OPENED, pk_file_opened },
};

static void
bounds_equal_what_the_packers_write(void **state)
{
	const struct ipc_spec	*s;
	size_t			 i, j;

	for (i = 0; i < NTYPES; i++) {
		for (j = 0; j < sizeof(packers) / sizeof(packers[0]); j++)
			if (packers[j].type == every_type[i])
				break;
		if (j == sizeof(packers) / sizeof(packers[0]))
			fail_msg("%s: no packer in this test",
			    ipc_type_name(every_type[i]));
		s = ipc_spec(every_type[i]);
		if (packers[j].pack(0) != s->min)
			fail_msg("%s: min %u, packer writes %zu", s->name,
			    s->min, packers[j].pack(0));
		if (packers[j].pack(1) != s->max)
			fail_msg("%s: max %u, packer writes %zu", s->name,
			    s->max, packers[j].pack(1));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_type_has_a_row_in_its_area),
		cmocka_unit_test(every_edge_is_a_wired_channel),
		cmocka_unit_test(answers_are_answers_and_travel_back),
		cmocka_unit_test(secrets_and_words_are_secret),
		cmocka_unit_test(bounds_equal_what_the_packers_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
