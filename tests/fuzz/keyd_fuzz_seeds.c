/*
 * Seeds for the keyd fuzz targets: for every row of every table keyd has
 * for a peer, at least one message as that peer builds it (the same
 * packers, a friend's key, an id keyd handed out), so the fuzzer starts
 * past the unpackers and the "not a friend" checks.  The state they
 * assume is kfz_init's (keyd_fuzz.h): friends 0..2, strangers 3..4, the
 * stores below, and for chatd and netd the sessions of friends 0 and 1.
 *	KFZ_SEEDS=tests/fuzz/corpus/keyd_chatd build-fuzz/fuzz_keyd_chatd
 * writes them; commit the output.  KFZ_TRACE=1 shows what each reaches.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/dhtpk.h"
#include "ipc/msg_avatar.h"
#include "ipc/msg_chat.h"
#include "ipc/msg_dhtpk.h"
#include "ipc/msg_friend.h"
#include "ipc/msg_history.h"
#include "ipc/msg_nc.h"
#include "ipc/msg_net.h"
#include "ipc/msg_onion.h"
#include "ipc/msg_partial.h"
#include "ipc/msg_profile.h"
#include "ipc/msg_relays.h"
#include "ipc/types.h"
#include "keyd/profile.h"
#include "keyd/savedata.h"
#include "tests/fuzz/keyd_fuzz_priv.h"

#define F0	kfz_pk(0)	/* session: keys set */
#define F1	kfz_pk(1)	/* session: established; an avatar */
#define F2	kfz_pk(2)	/* no session; asked, not confirmed */
#define S0	kfz_pk(KFZ_FRIENDS)	/* strangers */
#define S1	kfz_pk(KFZ_FRIENDS + 1)

/* A 1x1 PNG: keyd checks the signature, size and hash, never the rest. */
static const uint8_t	png[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00,
	0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89,
	0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63,
	0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4,
	0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60,
	0x82
};
/* The partial download and the file being sent that kfz_init stores. */
static const uint8_t	part_id[PARTIAL_FILE_ID_LEN] = "kfz partial 0";
static const char	part_path[] = "/home/u/Downloads/kfz-part.bin";
static const char	send_path[] = "/home/u/kfz-send.bin";

static uint8_t		 pbuf[IPC_MAX_PAYLOAD];
static struct wr	 pw;

/* A fresh payload. */
static struct wr *
msg(void)
{
	wr_init(&pw, pbuf, sizeof(pbuf));
	return &pw;
}

void
kfz_seed_rec(struct kfz_seed *s, enum kfz_peer from, uint8_t ctl,
    uint16_t type, const struct wr *w, const void *file, size_t flen)
{
	struct wr	out;

	if (from == s->t->other)
		ctl |= KFZ_OTHER;
	else if (from != s->t->peer)
		abort();
	ctl |= KFZ_RAW | (type >= 256 ? KFZ_HIGH : 0);
	if (file != NULL)
		ctl |= KFZ_FILE;
	wr_init(&out, s->buf + s->len, sizeof(s->buf) - s->len);
	wr_u8(&out, ctl);
	wr_u8(&out, (uint8_t)(type & 0xff));
	wr_u16(&out, (uint16_t)w->len);
	wr_bytes(&out, w->p, w->len);
	if (file != NULL) {
		wr_u16(&out, (uint16_t)flen);
		wr_bytes(&out, file, flen);
	}
	if (!wr_ok(w) || !wr_ok(&out) || w->len >= 4096 || flen >= 8192)
		abort();
	s->len += out.len;
}

/* The payload in pw, as a request (a fresh id) or a notice (id 0). */
static void
req(struct kfz_seed *s, enum kfz_peer from, uint16_t type)
{
	kfz_seed_rec(s, from, KFZ_ID_NEW, type, &pw, NULL, 0);
}

static void
note(struct kfz_seed *s, enum kfz_peer from, uint16_t type)
{
	kfz_seed_rec(s, from, KFZ_ID_ZERO, type, &pw, NULL, 0);
}

/* Played by the harness (KFZ_PLAY): who, then what keyd_fuzz.h says. */
static void
played(struct kfz_seed *s, enum kfz_peer from, uint16_t type)
{
	kfz_seed_rec(s, from, KFZ_ID_ZERO | KFZ_PLAY, type, &pw, NULL, 0);
}

static struct packed_node
node(uint8_t last, const uint8_t *pk)
{
	struct packed_node	n;

	memset(&n, 0, sizeof(n));
	n.family = PN_UDP4;
	n.ip[0] = 198;
	n.ip[1] = 18;
	n.ip[3] = last;
	n.port = 33445;
	memcpy(n.pk, pk, sizeof(n.pk));
	return n;
}

/* Friend-set fields, keyed to pk. */
static void
pk_only(const uint8_t *pk)
{
	wr_bytes(msg(), pk, TOX_PK_LEN);
}

static void
partial_key(const uint8_t *pk, const uint8_t *id)
{
	struct ipc_partial_key	k;

	memcpy(k.pk, pk, sizeof(k.pk));
	memcpy(k.file_id, id, sizeof(k.file_id));
	ipc_pack_partial_key(msg(), &k);
}

static void
send_id(const uint8_t *pk, uint64_t mtime)
{
	static struct ipc_send_id	q;

	memset(&q, 0, sizeof(q));
	memcpy(q.pk, pk, sizeof(q.pk));
	q.size = 1234;
	q.mtime = mtime;
	q.dev = 2049;
	q.ino = 42;
	q.len = (uint16_t)strlen(send_path);
	memcpy(q.path, send_path, q.len);
	ipc_pack_send_id(msg(), &q);
}

static void
outbox_put(const uint8_t *pk, const char *text)
{
	static struct ipc_outbox_put	op;

	memset(&op, 0, sizeof(op));
	memcpy(op.pk, pk, sizeof(op.pk));
	op.len = (uint16_t)strlen(text);
	memcpy(op.text, text, op.len);
	ipc_pack_outbox_put(msg(), &op);
}

static void
history_put(const uint8_t *pk, uint8_t dir, uint64_t mid, const char *text)
{
	static struct ipc_history_put	hp;

	memset(&hp, 0, sizeof(hp));
	memcpy(hp.pk, pk, sizeof(hp.pk));
	hp.dir = dir;
	hp.message_id = mid;
	hp.len = (uint16_t)strlen(text);
	memcpy(hp.text, text, hp.len);
	ipc_pack_history_put(msg(), &hp);
}

/* chatd's avatar of a friend: room, png's bytes in two pieces, done. */
static void
avatar_received(struct kfz_seed *s, enum kfz_peer chatd, const uint8_t *pk)
{
	static struct ipc_avatar_data	b;
	struct ipc_avatar_done		d;

	ipc_pack_avatar_pk(msg(), pk);
	req(s, chatd, IPC_AVATAR_FRIEND_OPEN);
	memcpy(b.pk, pk, sizeof(b.pk));
	b.off = 10;
	b.len = sizeof(png) - 10;
	memcpy(b.data, png + 10, b.len);
	ipc_pack_avatar_data(msg(), &b);
	note(s, chatd, IPC_AVATAR_FRIEND_DATA);
	b.off = 0;
	b.len = 10;
	memcpy(b.data, png, b.len);
	ipc_pack_avatar_data(msg(), &b);
	note(s, chatd, IPC_AVATAR_FRIEND_DATA);
	memcpy(d.pk, pk, sizeof(d.pk));
	d.size = sizeof(png);
	crypto_hash_sha256(d.sha256, png, sizeof(png));
	ipc_pack_avatar_done(msg(), &d);
	note(s, chatd, IPC_AVATAR_FRIEND_DONE);
}

void
kfz_seed_stores(struct kfz_seed *s)
{
	static struct ipc_partial_put	pp;

	outbox_put(F0, "queued for friend 0");
	req(s, KFZ_CHATD, IPC_OUTBOX_PUT);
	history_put(F0, HISTORY_IN, 1, "hello from friend 0");
	note(s, KFZ_CHATD, IPC_HISTORY_PUT);
	history_put(F0, HISTORY_OUT, 2, "hello friend 0");
	note(s, KFZ_CHATD, IPC_HISTORY_PUT);
	history_put(F1, HISTORY_OUT, 3, "hello friend 1");
	note(s, KFZ_CHATD, IPC_HISTORY_PUT);
	avatar_received(s, KFZ_CHATD, F1);

	memset(&pp, 0, sizeof(pp));
	memcpy(pp.key.pk, F0, sizeof(pp.key.pk));
	memcpy(pp.key.file_id, part_id, sizeof(pp.key.file_id));
	pp.size = 1 << 20;
	pp.len = (uint16_t)strlen(part_path);
	memcpy(pp.path, part_path, pp.len);
	ipc_pack_partial_put(msg(), &pp);
	req(s, KFZ_FRONTEND, IPC_PARTIAL_PUT);
	send_id(F1, 1700000000);
	req(s, KFZ_FRONTEND, IPC_SEND_ID);
	wr_u8(msg(), 0);
	kfz_seed_rec(s, KFZ_FRONTEND, KFZ_ID_NEW, IPC_AVATAR_SET, &pw, png,
	    sizeof(png));
}

/* --- The frontend's tables --- */

/* A message of each profile row, as the frontend sends it to a session
 * whose plain profile is loaded. */
static void
fe_profile(struct kfz_seed *s)
{
	struct ipc_profile_create	c;
	struct ipc_pass			pass;
	struct ipc_bytes		b;
	struct ipc_nospam		ns;
	struct ipc_passwd		pw2;

	msg();
	req(s, KFZ_FRONTEND, IPC_PROFILE_INFO_REQ);
	req(s, KFZ_FRONTEND, IPC_ID_REQ);
	req(s, KFZ_FRONTEND, IPC_SELF_REQ);
	memset(&pass, 0, sizeof(pass));
	ipc_pack_pass(msg(), &pass);
	req(s, KFZ_FRONTEND, IPC_PROFILE_UNLOCK);	/* unlocked already */
	memset(&c, 0, sizeof(c));
	c.flags = IPC_PF_NOPASS;
	ipc_pack_profile_create(msg(), &c);
	req(s, KFZ_FRONTEND, IPC_PROFILE_CREATE);	/* one exists */
	b.len = 9;
	memcpy(b.b, "new name!", 9);
	ipc_pack_set_name(msg(), &b);
	req(s, KFZ_FRONTEND, IPC_SET_NAME);
	b.len = 11;
	memcpy(b.b, "out fuzzing", 11);
	ipc_pack_set_status_msg(msg(), &b);
	req(s, KFZ_FRONTEND, IPC_SET_STATUS_MSG);
	ipc_pack_set_status(msg(), 2);
	req(s, KFZ_FRONTEND, IPC_SET_STATUS);
	ns.has_value = 1;
	memcpy(ns.nospam, "\x01\x02\x03\x04", sizeof(ns.nospam));
	ipc_pack_nospam(msg(), &ns);
	req(s, KFZ_FRONTEND, IPC_NOSPAM_SET);
	memset(&pw2, 0, sizeof(pw2));
	pw2.flags = IPC_PF_NOPASS;
	ipc_pack_passwd(msg(), &pw2);
	req(s, KFZ_FRONTEND, IPC_PASSWD);		/* plain stays plain */
}

/* A passphrase set (scrypt: fuzz_keyd lets one through now and then),
 * then the encrypted profile exported. */
static void
fe_passwd(struct kfz_seed *s)
{
	struct ipc_passwd		p;
	struct ipc_profile_create	c;

	memset(&p, 0, sizeof(p));
	p.new.len = 8;
	memcpy(p.new.p, "kfz pass", 8);
	ipc_pack_passwd(msg(), &p);
	req(s, KFZ_FRONTEND, IPC_PASSWD);
	memset(&c, 0, sizeof(c));
	ipc_pack_profile_export(msg(), &c);
	kfz_seed_rec(s, KFZ_FRONTEND, KFZ_ID_NEW, IPC_PROFILE_EXPORT, &pw,
	    "", 0);
	msg();
	req(s, KFZ_FRONTEND, IPC_PROFILE_INFO_REQ);
}

/* Exported as plain savedata, then another client's profile imported
 * over it, as `bulkhead export` and `bulkhead import --replace` do. */
static void
fe_export_import(struct kfz_seed *s)
{
	static uint8_t			 file[4096];
	struct ipc_profile_create	 c;
	struct profile			*p;
	size_t				 len;

	memset(&c, 0, sizeof(c));
	c.flags = IPC_PF_PLAIN;
	ipc_pack_profile_export(msg(), &c);
	kfz_seed_rec(s, KFZ_FRONTEND, KFZ_ID_NEW, IPC_PROFILE_EXPORT, &pw,
	    "", 0);
	if ((p = profile_new()) == NULL)
		abort();
	kfz_keypair("import", 0, p->pk, p->vault->sk);
	memcpy(p->name, "imported", 8);
	p->name_len = 8;
	if ((len = savedata_build(p, file, sizeof(file))) == 0)
		abort();
	profile_free(p);
	c.flags = IPC_PF_NOPASS | IPC_PF_REPLACE;
	ipc_pack_profile_import(msg(), &c);
	kfz_seed_rec(s, KFZ_FRONTEND, KFZ_ID_NEW, IPC_PROFILE_IMPORT, &pw,
	    file, len);
	msg();
	req(s, KFZ_FRONTEND, IPC_ID_REQ);
}

/* A bootstrap keyd passes on to netd, and netd's answer. */
static void
fe_bootstrap(struct kfz_seed *s)
{
	struct packed_node	n = node(8, S0);

	ipc_pack_net_bootstrap(msg(), &n);
	req(s, KFZ_FRONTEND, IPC_NET_BOOTSTRAP);
	msg();
	kfz_seed_rec(s, KFZ_NETD, KFZ_ID_CALL, IPC_OK, &pw, NULL, 0);
	ipc_pack_net_bootstrap(msg(), &n);
	req(s, KFZ_FRONTEND, IPC_NET_BOOTSTRAP);	/* netd goes first */
}

static void
fe_history(struct kfz_seed *s)
{
	struct ipc_history_req	q;

	memset(&q, 0, sizeof(q));
	q.ref.by_pk = 1;
	memcpy(q.ref.pk, F0, sizeof(q.ref.pk));
	q.count = 20;
	ipc_pack_history_req(msg(), &q);
	req(s, KFZ_FRONTEND, IPC_HISTORY_REQ);
	q.ref.by_pk = 0;
	q.ref.number = 1;
	q.count = 1;
	ipc_pack_history_req(msg(), &q);
	req(s, KFZ_FRONTEND, IPC_HISTORY_REQ);
}

static void
fe_partials(struct kfz_seed *s)
{
	static struct ipc_partial_put	pp;
	static const uint8_t		other_id[PARTIAL_FILE_ID_LEN] =
					    "kfz partial 1";

	partial_key(F0, part_id);
	req(s, KFZ_FRONTEND, IPC_PARTIAL_GET);
	memset(&pp, 0, sizeof(pp));
	memcpy(pp.key.pk, F1, sizeof(pp.key.pk));
	memcpy(pp.key.file_id, other_id, sizeof(pp.key.file_id));
	pp.size = 4096;
	pp.len = (uint16_t)strlen(part_path);
	memcpy(pp.path, part_path, pp.len);
	ipc_pack_partial_put(msg(), &pp);
	req(s, KFZ_FRONTEND, IPC_PARTIAL_PUT);
	partial_key(F0, part_id);
	req(s, KFZ_FRONTEND, IPC_PARTIAL_DEL);
	partial_key(F1, other_id);
	req(s, KFZ_FRONTEND, IPC_PARTIAL_GET);
}

static void
fe_sends(struct kfz_seed *s)
{
	static const uint8_t	none[PARTIAL_FILE_ID_LEN];

	send_id(F1, 1700000000);		/* unchanged: the same id */
	req(s, KFZ_FRONTEND, IPC_SEND_ID);
	send_id(F1, 1700000099);		/* changed: a new one */
	req(s, KFZ_FRONTEND, IPC_SEND_ID);
	partial_key(F1, none);		/* PLAY: keyd's last id */
	kfz_seed_rec(s, KFZ_FRONTEND, KFZ_ID_NEW | KFZ_PLAY, IPC_SEND_DEL,
	    &pw, NULL, 0);
	partial_key(F1, none);
	req(s, KFZ_FRONTEND, IPC_SEND_DEL);
}

static void
fe_avatar(struct kfz_seed *s)
{
	wr_u8(msg(), 0);
	kfz_seed_rec(s, KFZ_FRONTEND, KFZ_ID_NEW, IPC_AVATAR_SET, &pw, png,
	    sizeof(png));
	wr_u8(msg(), 0);
	kfz_seed_rec(s, KFZ_FRONTEND, KFZ_ID_NEW, IPC_AVATAR_SET, &pw,
	    "GIF89a", 6);
	wr_u8(msg(), 1);			/* remove ours */
	req(s, KFZ_FRONTEND, IPC_AVATAR_SET);
}

/* --- chatd's tables --- */

static void
cd_friends(struct kfz_seed *s)
{
	struct ipc_friend_add	a;

	memset(&a, 0, sizeof(a));
	a.number = 3;
	memcpy(a.pk, S0, sizeof(a.pk));
	memcpy(a.nospam, "\x01\x02\x03\x04", sizeof(a.nospam));
	a.status = FRIEND_REQUESTED;
	a.request_len = 5;
	memcpy(a.request, "hello", 5);
	ipc_pack_friend_add(msg(), &a);
	req(s, KFZ_CHATD, IPC_FRIEND_ADD);
	pk_only(F2);
	req(s, KFZ_CHATD, IPC_FRIEND_DEL);
	/* friend 0 has a session and a message queued: both go */
	pk_only(F0);
	req(s, KFZ_CHATD, IPC_FRIEND_DEL);
}

static void
cd_request(struct kfz_seed *s)
{
	struct ipc_friend_request_send	rq;

	memset(&rq, 0, sizeof(rq));
	memcpy(rq.pk, S1, sizeof(rq.pk));
	memcpy(rq.nospam, "\xca\xfe\xba\xbe", sizeof(rq.nospam));
	rq.len = 11;
	memcpy(rq.msg, "add me, S1!", 11);
	ipc_pack_friend_request_send(msg(), &rq);
	req(s, KFZ_CHATD, IPC_FRIEND_REQUEST_SEND);
}

static void
cd_net(struct kfz_seed *s)
{
	struct ipc_friend_net	fn;
	struct ipc_friend_dht	fd;

	memcpy(fn.pk, F2, sizeof(fn.pk));
	fn.state = FRIEND_NET_OFFLINE;
	ipc_pack_friend_net(msg(), &fn);
	note(s, KFZ_CHATD, IPC_FRIEND_NET);
	memset(&fd, 0, sizeof(fd));
	memcpy(fd.pk, F2, sizeof(fd.pk));
	memcpy(fd.dht_pk, S1, sizeof(fd.dht_pk));
	fd.n = 1;
	fd.nodes[0] = node(7, S1);
	ipc_pack_friend_dht(msg(), &fd);
	note(s, KFZ_CHATD, IPC_FRIEND_DHT_LEARNED);
	fn.state = FRIEND_NET_ONLINE;
	ipc_pack_friend_net(msg(), &fn);
	note(s, KFZ_CHATD, IPC_FRIEND_NET);
}

static void
plain_out(const uint8_t *pk, uint32_t ack, uint32_t num, uint8_t id,
    const char *data)
{
	static struct ipc_nc_plain	p;

	memcpy(p.pk, pk, sizeof(p.pk));
	p.buffer_start = ack;
	p.number = num;
	p.data[0] = id;
	p.len = (uint16_t)(1 + strlen(data));
	memcpy(p.data + 1, data, p.len - 1);
	ipc_pack_nc_plain(msg(), &p);
}

static void
cd_sessions(struct kfz_seed *s)
{
	/* a message in the established session, then a lossy packet, one
	 * in the session still unconfirmed, one to a friend with none */
	plain_out(F1, 0, 0, NC_ID_LOSSLESS_MIN + 48, "hi friend 1");
	note(s, KFZ_CHATD, IPC_NC_PLAIN_OUT);
	plain_out(F1, 1, 1, NC_ID_LOSSY_MIN, "lossy");
	note(s, KFZ_CHATD, IPC_NC_PLAIN_OUT);
	plain_out(F0, 0, 0, NC_ID_LOSSLESS_MIN + 8, "");
	note(s, KFZ_CHATD, IPC_NC_PLAIN_OUT);
	plain_out(F2, 0, 0, NC_ID_LOSSLESS_MIN + 8, "");
	note(s, KFZ_CHATD, IPC_NC_PLAIN_OUT);
	pk_only(F1);
	note(s, KFZ_CHATD, IPC_NC_KILL);
	pk_only(F0);
	note(s, KFZ_CHATD, IPC_NC_KILL);
}

static void
cd_outbox(struct kfz_seed *s)
{
	uint8_t	id;

	outbox_put(F1, "a message for friend 1");
	req(s, KFZ_CHATD, IPC_OUTBOX_PUT);
	for (id = 1; id <= 2; id++) {	/* kfz_init's, then the new one */
		ipc_pack_outbox_id(msg(), id);
		note(s, KFZ_CHATD, IPC_OUTBOX_DEL);
	}
}

static void
cd_history(struct kfz_seed *s)
{
	history_put(F1, HISTORY_IN, 9, "hi, this is friend 1");
	note(s, KFZ_CHATD, IPC_HISTORY_PUT);
}

static void
cd_avatars(struct kfz_seed *s)
{
	ipc_pack_avatar_pk(msg(), F1);
	note(s, KFZ_CHATD, IPC_AVATAR_FRIEND_DEL);
	avatar_received(s, KFZ_CHATD, F0);
}

/* netd's part in chatd's seeds: a friend's packet comes, chatd answers. */
static void
cd_friend_talks(struct kfz_seed *s)
{
	wr_u8(msg(), 1);
	wr_u32(&pw, 0);
	wr_u32(&pw, 0);
	wr_u8(&pw, NC_ID_LOSSLESS_MIN + 48);
	wr_bytes(&pw, "hello", 5);
	played(s, KFZ_NETD, IPC_NC_DATA_IN);
	plain_out(F1, 1, 0, NC_ID_REQUEST, "");
	note(s, KFZ_CHATD, IPC_NC_PLAIN_OUT);
}

/* --- netd's tables --- */

static void
nd_relay(struct kfz_seed *s)
{
	static struct ipc_net_relays	rl;
	static struct ipc_net_nodes	nn;
	struct ipc_net_status		st;

	memset(&st, 0, sizeof(st));
	st.state = NET_DHT_UDP;
	memcpy(st.dht_pk, S0, sizeof(st.dht_pk));
	st.udp_port = 33445;
	st.good_nodes = 8;
	st.onion = NET_ONION_ANNOUNCED;
	st.onion_nodes = 6;
	ipc_pack_net_status(msg(), &st);
	note(s, KFZ_NETD, IPC_NET_STATUS);
	memset(&rl, 0, sizeof(rl));
	rl.server_clients = IPC_RELAY_NO_SERVER;
	rl.n = 1;
	memcpy(rl.r[0].pk, S1, sizeof(rl.r[0].pk));
	rl.r[0].state = IPC_RELAY_UP;
	rl.r[0].src = 1;
	rl.r[0].family = 4;
	rl.r[0].ip[0] = 198;
	rl.r[0].ip[1] = 18;
	rl.r[0].ip[3] = 9;
	rl.r[0].port = 443;
	(void)snprintf(rl.r[0].where, sizeof(rl.r[0].where),
	    "198.18.0.9:443");
	ipc_pack_net_relays(msg(), &rl);
	note(s, KFZ_NETD, IPC_NET_RELAYS);
	memset(&nn, 0, sizeof(nn));
	nn.n = 2;
	nn.nodes[0] = node(1, S0);
	nn.nodes[1] = node(2, S1);
	ipc_pack_net_nodes(msg(), &nn);
	note(s, KFZ_NETD, IPC_NET_NODES_SAVE);
}

static void
nd_announce(struct kfz_seed *s)
{
	struct ipc_onion_announce_seal	as;
	struct packed_node		n = node(3, S0);

	memset(&as, 0, sizeof(as));
	memcpy(as.node_pk, S1, sizeof(as.node_pk));
	memcpy(as.data_pk, S0, sizeof(as.data_pk));
	memcpy(as.sendback, "sendback", sizeof(as.sendback));
	ipc_pack_onion_announce_seal(msg(), &as);
	req(s, KFZ_NETD, IPC_ONION_ANNOUNCE_SEAL);
	/* S1 answers: stored, with a ping id and a node */
	wr_u8(msg(), KFZ_FRIENDS + 1);
	wr_bytes(&pw, "sendback", ONION_SENDBACK_LEN);
	wr_u8(&pw, ANNOUNCE_STORED);
	wr_bytes(&pw, "a ping id of thirty-two bytes...", ONION_PING_ID_LEN);
	packed_node_pack(&pw, &n);
	kfz_seed_rec(s, KFZ_NETD, KFZ_ID_NEW | KFZ_PLAY,
	    IPC_ONION_ANNOUNCE_OPEN, &pw, NULL, 0);
}

/* A friend's DHT-PK announcement, id byte first. */
static int
dhtpk_plain(uint8_t *out, size_t cap)
{
	struct dhtpk	a;

	memset(&a, 0, sizeof(a));
	a.no_replay = 1700000000;
	memcpy(a.dht_pk, S1, sizeof(a.dht_pk));
	a.n = 1;
	a.nodes[0] = node(5, S1);
	return dhtpk_pack(&a, out, cap);
}

static void
nd_onion(struct kfz_seed *s)
{
	uint8_t	plain[DHTPK_MAX_LEN];
	int	n;

	/* a stranger's friend request with our nospam */
	wr_u8(msg(), KFZ_FRIENDS);
	wr_u8(&pw, ONION_DATA_ID_FRIEND_REQ);
	wr_bytes(&pw, KFZ_NOSPAM, TOX_NOSPAM_LEN);
	wr_bytes(&pw, "hi, add me", 10);
	played(s, KFZ_NETD, IPC_ONION_DATA_IN);
	/* friend 2's DHT-PK over the onion */
	if ((n = dhtpk_plain(plain, sizeof(plain))) == -1)
		abort();
	wr_u8(msg(), 2);
	wr_bytes(&pw, plain, (size_t)n);	/* the id byte first */
	played(s, KFZ_NETD, IPC_ONION_DATA_IN);
	/* an id keyd does not route */
	wr_u8(msg(), KFZ_FRIENDS + 1);
	wr_u8(&pw, 0x55);
	wr_bytes(&pw, "?", 1);
	played(s, KFZ_NETD, IPC_ONION_DATA_IN);
}

static void
nd_dhtpk(struct kfz_seed *s)
{
	struct ipc_dhtpk_seal	ds;
	uint8_t			plain[DHTPK_MAX_LEN];
	int			n;

	memset(&ds, 0, sizeof(ds));
	ds.route = DHTPK_ROUTE_ONION;
	memcpy(ds.f.pk, F0, sizeof(ds.f.pk));
	memcpy(ds.f.dht_pk, S0, sizeof(ds.f.dht_pk));
	ds.f.n = 1;
	ds.f.nodes[0] = node(4, S0);
	ipc_pack_dhtpk_seal(msg(), &ds);
	req(s, KFZ_NETD, IPC_ONION_DHTPK_SEAL);
	ds.route = DHTPK_ROUTE_DHT;
	ipc_pack_dhtpk_seal(msg(), &ds);
	req(s, KFZ_NETD, IPC_ONION_DHTPK_SEAL);
	if ((n = dhtpk_plain(plain, sizeof(plain))) == -1)
		abort();
	wr_u8(msg(), 1);
	wr_bytes(&pw, plain, (size_t)n);
	played(s, KFZ_NETD, IPC_ONION_DHTPK_IN);
}

/* Friend 2, with no session yet: cookies, handshakes, the first packet,
 * its path and address. */
static void
nd_handshake(struct kfz_seed *s)
{
	struct ipc_nc_hs_make	hm;
	struct ipc_nc_path	p;
	struct ipc_nc_addr	a;

	memcpy(hm.pk, F2, sizeof(hm.pk));
	memset(hm.peer_cookie, 0xc1, sizeof(hm.peer_cookie));
	memset(hm.other_cookie, 0xc2, sizeof(hm.other_cookie));
	ipc_pack_nc_hs_make(msg(), &hm);
	note(s, KFZ_NETD, IPC_NC_HS_MAKE);
	wr_u8(msg(), 2);
	wr_u8(&pw, 0);				/* no reply wanted */
	played(s, KFZ_NETD, IPC_NC_HS_IN);
	wr_u8(msg(), 2);
	wr_u32(&pw, 0);
	wr_u32(&pw, 0);
	wr_u8(&pw, NC_ID_LOSSLESS_MIN + 8);
	played(s, KFZ_NETD, IPC_NC_DATA_IN);
	memcpy(p.pk, F2, sizeof(p.pk));
	p.path = NC_PATH_UDP;
	ipc_pack_nc_path(msg(), &p);
	note(s, KFZ_NETD, IPC_NC_PATH);
	memcpy(a.pk, F2, sizeof(a.pk));
	a.node = node(6, S1);
	ipc_pack_nc_addr(msg(), &a);
	note(s, KFZ_NETD, IPC_NC_ADDR);
	/* a stranger's handshake: refused */
	wr_u8(msg(), KFZ_FRIENDS);
	wr_u8(&pw, 1);
	played(s, KFZ_NETD, IPC_NC_HS_IN);
}

static void
nd_data(struct kfz_seed *s)
{
	wr_u8(msg(), 1);			/* established */
	wr_u32(&pw, 0);
	wr_u32(&pw, 1);
	wr_u8(&pw, NC_ID_LOSSLESS_MIN + 48);
	wr_bytes(&pw, "hi", 2);
	played(s, KFZ_NETD, IPC_NC_DATA_IN);
	wr_u8(msg(), 0);			/* confirms friend 0's */
	wr_u32(&pw, 0);
	wr_u32(&pw, 0);
	wr_u8(&pw, NC_ID_REQUEST);
	played(s, KFZ_NETD, IPC_NC_DATA_IN);
	wr_u8(msg(), 1);			/* friend 1 ends it */
	wr_u32(&pw, 1);
	wr_u32(&pw, 2);
	wr_u8(&pw, NC_ID_KILL);
	played(s, KFZ_NETD, IPC_NC_DATA_IN);
	pk_only(F0);
	note(s, KFZ_NETD, IPC_NC_ABORT);
}

static void
save(const char *dir, const char *name, const struct kfz_seed *s)
{
	char	path[512];
	FILE	*f;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(s->buf, 1, s->len, f) != s->len || fclose(f) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		exit(1);
	}
}

void
kfz_seeds_write(const struct kfz_target *t, const char *dir)
{
	static const struct {
		enum kfz_peer	 peer;
		const char	*name;
		void		(*fn)(struct kfz_seed *);
	} seeds[] = {
		{ KFZ_FRONTEND, "profile-rows", fe_profile },
		{ KFZ_FRONTEND, "passwd-kdf", fe_passwd },
		{ KFZ_FRONTEND, "export-import", fe_export_import },
		{ KFZ_FRONTEND, "bootstrap", fe_bootstrap },
		{ KFZ_FRONTEND, "history-req", fe_history },
		{ KFZ_FRONTEND, "partials", fe_partials },
		{ KFZ_FRONTEND, "sends", fe_sends },
		{ KFZ_FRONTEND, "avatar-set", fe_avatar },
		{ KFZ_CHATD, "friends", cd_friends },
		{ KFZ_CHATD, "friend-request", cd_request },
		{ KFZ_CHATD, "friend-net", cd_net },
		{ KFZ_CHATD, "sessions", cd_sessions },
		{ KFZ_CHATD, "outbox", cd_outbox },
		{ KFZ_CHATD, "history-put", cd_history },
		{ KFZ_CHATD, "avatars", cd_avatars },
		{ KFZ_CHATD, "friend-talks", cd_friend_talks },
		{ KFZ_NETD, "net-relay", nd_relay },
		{ KFZ_NETD, "announce", nd_announce },
		{ KFZ_NETD, "onion-data", nd_onion },
		{ KFZ_NETD, "dhtpk", nd_dhtpk },
		{ KFZ_NETD, "nc-handshake", nd_handshake },
		{ KFZ_NETD, "nc-data", nd_data },
	};
	static struct kfz_seed	s;
	size_t			i;

	if (sodium_init() < 0)
		abort();
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		if (seeds[i].peer != t->peer)
			continue;
		s.t = t;
		s.len = 0;
		seeds[i].fn(&s);
		save(dir, seeds[i].name, &s);
	}
}
