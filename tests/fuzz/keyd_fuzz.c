/* keyd in process for the fuzz targets: see keyd_fuzz.h. */
#include <sys/mman.h>
#include <sys/socket.h>

#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/log.h"
#include "common/loop.h"
#include "ipc/chan.h"
#include "ipc/msg_core.h"
#include "ipc/msg_nc.h"
#include "ipc/msg_partial.h"
#include "keyd/avatar_ops.h"
#include "keyd/dhtpk_ops.h"
#include "keyd/friends.h"
#include "keyd/history_ops.h"
#include "keyd/nc_session.h"
#include "keyd/net_relay.h"
#include "keyd/onion_ops.h"
#include "keyd/outbox_ops.h"
#include "keyd/peers.h"
#include "keyd/profile_dispatch.h"
#include "tests/fuzz/fd_count.h"
#include "tests/fuzz/keyd_fuzz_priv.h"

_Static_assert(IPC_TYPE_MAX <= 512, "a raw type is tsel, plus 256 at most");

#define MAX_IDS		2048
#define MAX_CALLS	512

struct peer {
	const char		*name;
	enum role		 role;
	const struct chan_tables *keyd;		/* keyd's tables for it */
	struct chan_tables	 traced;	/* the same rows, via traced() */
	struct chan_table	 tab[8];
	const struct chan_handler *row[IPC_TYPE_MAX];
	unsigned		 in_tab[IPC_TYPE_MAX];
	unsigned long		 hits[IPC_TYPE_MAX];
	uint16_t		 types[IPC_TYPE_MAX];	/* it may send keyd */
	size_t			 ntypes;

	struct chan		 c;		/* keyd's end */
	int			 fd;		/* the peer's end */
	int			 closed;
	struct ipc_frame	 fr;
	/* per input: its requests and their answers */
	uint16_t		 req_type[MAX_IDS];
	uint8_t			 req_once[MAX_IDS], answers[MAX_IDS];
	uint32_t		 id_next, id_last;
	uint32_t		 calls[MAX_CALLS];	/* keyd's requests */
	size_t			 ncalls;
	int			 last_fd;	/* the last keyd sent it */
};

static struct peer	 peers[KFZ_PEERS] = {
	[KFZ_FRONTEND] = { .name = "frontend", .role = ROLE_FRONTEND,
	    .keyd = &keyd_from_frontend },
	[KFZ_NETD] = { .name = "netd", .role = ROLE_NETD,
	    .keyd = &keyd_from_netd },
	[KFZ_CHATD] = { .name = "chatd", .role = ROLE_CHATD,
	    .keyd = &keyd_from_chatd },
};
static const char	*path;
static int		 trace, strict;
static int		 counting;	/* the input's, not the harness's */
static const uint8_t	*input;
static size_t		 input_len;
static struct ipc_msg	 m;
static uint8_t		 last_send_id[PARTIAL_FILE_ID_LEN];

static struct peer *
peer_of(struct chan *c)
{
	return (struct peer *)((char *)c - offsetof(struct peer, c));
}

/* Every row of keyd's tables lands here first: counted, then run. */
static int
traced(struct chan *c, struct ipc_msg *msg, struct rd *r)
{
	struct peer	*p = peer_of(c);
	uint16_t	 type = msg->hdr.type;
	int		 rv;

	if (counting)
		p->hits[type]++;
	rv = p->row[type]->fn(c, msg, r);
	if (trace && counting)
		fprintf(stderr, "kfz:   taken by table %u of %s's: %s\n",
		    p->in_tab[type], p->name, rv == 0 ? "handled" :
		    "malformed");
	return rv;
}

/* keyd's tables for p, each row through traced(): the same types, flags
 * and gates, in the same order, so chan.c dispatches as in keyd. */
static void
wrap_tables(struct peer *p)
{
	const struct chan_table	*t;
	struct chan_handler	*rows;
	size_t			 i, j;

	for (i = 0; i < 8 && (t = p->keyd->t[i]) != NULL; i++) {
		if ((rows = calloc(t->nrows, sizeof(*rows))) == NULL)
			abort();
		for (j = 0; j < t->nrows; j++) {
			rows[j] = t->rows[j];
			rows[j].fn = traced;
			if (p->row[rows[j].type] == NULL) {	/* first wins */
				p->row[rows[j].type] = &t->rows[j];
				p->in_tab[rows[j].type] = (unsigned)i;
			}
		}
		p->tab[i].rows = rows;
		p->tab[i].nrows = t->nrows;
		p->tab[i].gate = t->gate;
		p->traced.t[i] = &p->tab[i];
	}
}

static void
on_close(struct chan *c, const char *why)
{
	struct peer	*p = peer_of(c);

	p->closed = 1;
	keyd_peer_gone(p->role);	/* as keyd.c's peer_closed */
	if (trace && counting)
		fprintf(stderr, "kfz:   keyd closed %s's channel: %s\n",
		    p->name, why);
}

const uint8_t *
kfz_self_pk(void)
{
	struct identity	*id = keyd_profile_loaded();

	return id != NULL ? id->prof->pk : NULL;
}

static void
init(void)
{
	static const struct kfz_target	build = { KFZ_FRONTEND, KFZ_CHATD, 0,
					    NULL };
	static struct kfz_seed		s;
	struct chan		*fe = &peers[KFZ_FRONTEND].c;
	struct chan		*nd = &peers[KFZ_NETD].c;
	struct chan		*cd = &peers[KFZ_CHATD].c;
	size_t			 i, t;

	if (sodium_init() < 0)
		abort();
	log_init("fuzz", LOG_LVL_ERROR);
	loop_init();
	path = kfz_dir_init();
	kfz_others_init();

	/* as keyd.c, the channels' structs being the fake peers' */
	keyd_friends_init(cd);
	outbox_ops_init(cd);
	history_ops_init(cd, 1);
	avatar_ops_init(cd, fe, path);
	if (nc_session_init(nd, cd) == -1)
		abort();
	net_relay_init(nd, fe, cd);
	dhtpk_ops_init(nd, cd);
	for (i = 0; i < KFZ_PEERS; i++) {
		peers[i].fd = peers[i].last_fd = -1;
		wrap_tables(&peers[i]);
		for (t = 1; t < IPC_TYPE_MAX; t++)
			if (ipc_catalogue[t].name != NULL &&
			    (ipc_catalogue[t].edges & IPC_EDGE(peers[i].role,
			    ROLE_KEYD)))
				peers[i].types[peers[i].ntypes++] = (uint16_t)t;
	}

	/* the profile, then what the peers store beside it, through
	 * keyd's own handlers: every request must succeed */
	kfz_dir_make();
	kfz_dir_snapshot();
	s.t = &build;
	kfz_seed_stores(&s);
	strict = 1;
	(void)kfz_run(&build, s.buf, s.len);
	strict = 0;
	kfz_dir_snapshot();
}

/*
 * Whether k occurs in p.  Not memmem and not instrumented: libFuzzer
 * would learn the secret key from the comparison and put it in the
 * peer's own messages, which keyd then rightly passes on.
 */
__attribute__((no_sanitize("coverage")))
static int
has(const uint8_t *p, size_t n, const uint8_t *k, size_t klen)
{
	size_t	i, j;

	for (i = 0; i + klen <= n; i++) {
		for (j = 0; j < klen && p[i + j] == k[j]; j++)
			;
		if (j == klen)
			return 1;
	}
	return 0;
}

/* No secret leaves keyd (the long-term key, as it was and as it is, and
 * the session keys the friends hold), unless the input holds it: an
 * imported file does. */
static void
check_no_secret(const struct ipc_msg *msg)
{
	struct identity	*id = keyd_profile_identity();
	const uint8_t	*sk[2 + KFZ_FRIENDS] = { NULL };
	unsigned	 i;

	sk[0] = kfz_made_sk();
	if (id != NULL && id->prof != NULL)
		sk[1] = id->prof->vault->sk;
	for (i = 0; i < KFZ_FRIENDS; i++)
		sk[2 + i] = kfz_session_key(i);
	for (i = 0; i < 2 + KFZ_FRIENDS; i++)
		if (sk[i] != NULL &&
		    has(msg->data, msg->hdr.len, sk[i], 32) &&
		    !has(input, input_len, sk[i], 32))
			abort();
}

/* The next message keyd sent p, frame by frame (corks hold several). */
static int
recv_next(struct peer *p, struct ipc_msg *out)
{
	int	rv = 0;

	for (;;) {
		if (p->fr.len > 0 && (rv = ipc_frame_next(&p->fr, out)) == 1)
			return 1;
		if (p->fr.len > 0 && rv == -1)
			abort();	/* keyd framed badly */
		if (p->fr.len > 0)	/* (static: its fd is 0 until a read) */
			ipc_frame_done(&p->fr);
		if (ipc_frame_recv(p->fd, &p->fr) != 1) {
			p->fr.len = 0;
			return 0;
		}
	}
}

/* The file id keyd gave the frontend last (KFZ_PLAY of SEND_DEL). */
static void
saw_send_id(const struct ipc_msg *msg)
{
	struct ipc_send_id_ans	a;
	struct rd		r;

	rd_init(&r, msg->data, msg->hdr.len);
	if (ipc_unpack_send_id_ans(&r, &a) == -1)
		abort();		/* keyd sent it */
	memcpy(last_send_id, a.file_id, sizeof(last_send_id));
}

/* What keyd sent p, and why not when it is an error. */
static void
trace_out(const struct peer *p, const struct ipc_msg *msg)
{
	struct ipc_error	e;
	struct rd		r;

	e.text[0] = '\0';
	rd_init(&r, msg->data, msg->hdr.len);
	if (msg->hdr.type == IPC_ERROR && ipc_unpack_error(&r, &e) == -1)
		abort();		/* keyd sent it */
	fprintf(stderr, "kfz:   keyd sends %s %s id %u%s%s\n", p->name,
	    ipc_type_name(msg->hdr.type), msg->hdr.id,
	    e.text[0] != '\0' ? ": " : "", e.text);
}

/* Reads what keyd sent every peer. */
static void
drain(void)
{
	const struct ipc_spec	*s;
	struct peer		*p;
	uint32_t		 id;
	size_t			 i;

	for (i = 0; i < KFZ_PEERS; i++) {
		p = &peers[i];
		while (p->fd != -1 && recv_next(p, &m) == 1) {
			check_no_secret(&m);
			if (trace && counting)
				trace_out(p, &m);
			if (i == KFZ_NETD)
				kfz_others_saw(&m);
			if (m.hdr.type == IPC_SEND_ID_ANS)
				saw_send_id(&m);
			if (m.fd != -1) {
				if (p->last_fd != -1)
					close(p->last_fd);
				p->last_fd = m.fd;
			}
			if ((s = ipc_spec(m.hdr.type)) == NULL)
				abort();
			if ((id = m.hdr.id) == 0)
				continue;
			if (s->answers[0] != 0) {	/* keyd asks */
				if (p->ncalls < MAX_CALLS)
					p->calls[p->ncalls++] = id;
				continue;
			}
			if (id >= MAX_IDS || !p->req_once[id])
				continue;
			if (p->answers[id]++ != 0 ||
			    !ipc_answers(p->req_type[id], m.hdr.type))
				abort();	/* twice, or not an answer */
			if (strict && m.hdr.type == IPC_ERROR)
				abort();	/* the stores' build failed */
		}
	}
}

static void
pump(int rounds)
{
	while (rounds-- > 0) {
		loop_once(0);
		drain();
	}
}

static void
open_peer(struct peer *p)
{
	struct ipc_hello	h;
	uint8_t			buf[IPC_HELLO_LEN];
	struct wr		w;
	int			sv[2], sz = 1 << 20;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		abort();
	/* room for a burst of replies between two drains */
	(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	(void)setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	chan_open(&p->c, sv[0], ROLE_KEYD, p->role, &p->traced, on_close,
	    NULL);
	if (p->fr.len > 0)		/* (nothing is left over, but...) */
		ipc_frame_done(&p->fr);
	p->fr.len = 0;
	p->fd = sv[1];
	p->closed = 0;
	p->id_next = 1;
	p->id_last = 0;
	p->ncalls = 0;
	memset(p->req_once, 0, sizeof(p->req_once));
	memset(p->answers, 0, sizeof(p->answers));
	h.role = (uint8_t)p->role;
	memcpy(h.build_id, ipc_build_id, sizeof(h.build_id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &h);
	if (ipc_send(p->fd, IPC_HELLO, 0, buf, w.len, -1) == -1 ||
	    fcntl(p->fd, F_SETFL, O_NONBLOCK) == -1)
		abort();
}

/* One message from p; a full socket means keyd is behind: it runs. */
static void
send_msg(struct peer *p, uint16_t type, uint32_t id, const void *buf,
    size_t len, int fd)
{
	size_t	i;

	for (i = 0; ipc_send(p->fd, type, id, buf, len, fd) == -1 &&
	    errno == EAGAIN && i < 64; i++)
		pump(1);
}

/* A notice the harness itself sends, played or plain. */
static void
send_own(enum kfz_peer who, uint16_t type, const struct wr *w, int play)
{
	uint8_t		buf[IPC_MAX_PAYLOAD];
	struct wr	out;

	wr_init(&out, buf, sizeof(buf));
	if (!wr_ok(w) || (play && kfz_play(type, w->p, w->len, &out) != 1))
		abort();
	if (play)
		w = &out;
	send_msg(&peers[who], type, 0, w->p, w->len, -1);
	pump(2);
}

/*
 * As netd and the friends make them: friend 0's handshake (keys set,
 * NOT_CONFIRMED), friend 1's with a first data packet (ESTABLISHED) and
 * where netd has it (NC_ADDR).
 */
static void
make_sessions(void)
{
	struct ipc_nc_addr	a;
	uint8_t			buf[256];
	struct wr		w;
	unsigned		i;

	for (i = 0; i < 2; i++) {
		wr_init(&w, buf, sizeof(buf));
		wr_u8(&w, (uint8_t)i);		/* who */
		wr_u8(&w, 1);			/* want_reply */
		send_own(KFZ_NETD, IPC_NC_HS_IN, &w, 1);
	}
	wr_init(&w, buf, sizeof(buf));
	wr_u8(&w, 1);
	wr_u32(&w, 0);				/* ack */
	wr_u32(&w, 0);				/* number */
	wr_u8(&w, NC_ID_LOSSLESS_MIN + 8);	/* a lossless packet */
	send_own(KFZ_NETD, IPC_NC_DATA_IN, &w, 1);
	memset(&a, 0, sizeof(a));
	memcpy(a.pk, kfz_pk(1), sizeof(a.pk));
	a.node.family = PN_UDP4;
	a.node.ip[0] = 127;
	a.node.ip[3] = 1;
	a.node.port = 33445;
	memcpy(a.node.pk, kfz_pk(KFZ_FRIENDS), sizeof(a.node.pk));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nc_addr(&w, &a);
	send_own(KFZ_NETD, IPC_NC_ADDR, &w, 0);
	if (kfz_session_key(0) == NULL || kfz_session_key(1) == NULL)
		abort();		/* the harness is broken */
}

/* The directory as made, and keyd freshly started on it. */
static void
begin(const struct kfz_target *t)
{
	size_t	i;

	keyd_profile_close();
	kfz_dir_restore();
	kfz_others_reset();
	memset(last_send_id, 0, sizeof(last_send_id));
	onion_ops_init(&peers[KFZ_NETD].c, &peers[KFZ_CHATD].c);
	if (keyd_profile_open(path, keyd_on_profile, NULL) == -1 ||
	    keyd_profile_loaded() == NULL)
		abort();
	avatar_ops_scan();
	for (i = 0; i < KFZ_PEERS; i++)
		open_peer(&peers[i]);
	keyd_netd_up();
	keyd_chatd_up();
	pump(2);
	if (t->sessions)
		make_sessions();
}

static int
file_fd(const uint8_t *p, size_t n)
{
	int	fd;

	if ((fd = memfd_create("file", MFD_CLOEXEC)) == -1 ||
	    (n > 0 && write(fd, p, n) != (ssize_t)n) ||
	    lseek(fd, 0, SEEK_SET) == -1)
		abort();
	return fd;
}

/* The next record of the input; -1 at its end. */
static int
next(struct rd *r, const struct kfz_target *t, struct kfz_rec *rec)
{
	struct peer	*p;
	uint8_t		 ctl, tsel;
	uint16_t	 len, flen;

	if (rd_u8(r, &ctl) == -1 || rd_u8(r, &tsel) == -1 ||
	    rd_u16(r, &len) == -1 || (rec->p = rd_take(r, len % 4096)) == NULL)
		return -1;
	rec->len = len % 4096;
	rec->file = NULL;
	rec->flen = 0;
	if ((ctl & KFZ_FILE) && (rd_u16(r, &flen) == -1 ||
	    (rec->file = rd_take(r, flen % 8192)) == NULL))
		return -1;
	if (ctl & KFZ_FILE)
		rec->flen = flen % 8192;
	rec->ctl = ctl;
	rec->peer = ctl & KFZ_OTHER ? t->other : t->peer;
	p = &peers[rec->peer];
	rec->type = ctl & KFZ_RAW ? (uint16_t)(tsel + (ctl & KFZ_HIGH ? 256 :
	    0)) : p->types[tsel % p->ntypes];
	switch (ctl & KFZ_ID) {
	case KFZ_ID_NEW:
		rec->id = p->id_next++;
		break;
	case KFZ_ID_ZERO:
		rec->id = 0;
		break;
	case KFZ_ID_CALL:
		rec->id = p->ncalls > 0 ? p->calls[tsel % p->ncalls] : 0;
		break;
	default:
		rec->id = p->id_last;
		break;
	}
	p->id_last = rec->id;
	return 0;
}

/* The record's payload as sent: KFZ_PLAY may build it; -1: dropped. */
static int
play(struct kfz_rec *rec, struct wr *w)
{
	int		 rv;

	if (!(rec->ctl & KFZ_PLAY))
		return 0;
	if (rec->peer == KFZ_FRONTEND && rec->type == IPC_SEND_DEL) {
		/* the id keyd gave the file last, as the frontend has it */
		if (rec->len != IPC_PARTIAL_KEY_LEN)
			return 0;
		wr_bytes(w, rec->p, TOX_PK_LEN);
		wr_bytes(w, last_send_id, sizeof(last_send_id));
		rec->p = w->p;
		return 0;
	}
	if (rec->peer != KFZ_NETD ||
	    (rv = kfz_play(rec->type, rec->p, rec->len, w)) == 0)
		return 0;
	if (rv == -1)
		return -1;
	rec->p = w->p;
	rec->len = w->len;
	return 0;
}

/* What one record asks for: a request to be answered once, or not. */
static void
track(const struct kfz_rec *rec)
{
	struct peer	*p = &peers[rec->peer];
	int		 fresh = (rec->ctl & KFZ_ID) == KFZ_ID_NEW ||
			    (rec->ctl & KFZ_ID) == KFZ_ID_ZERO;

	if (rec->id >= MAX_IDS)
		return;
	if (fresh) {
		p->req_type[rec->id] = rec->type;
		p->req_once[rec->id] = rec->id != 0;
	} else
		p->req_once[rec->id] = 0;	/* reused: not tracked */
}

/* Every request of p's answered, once, while its channel is open. */
static void
check_answers(struct peer *p)
{
	size_t	i;

	if (p->closed)
		return;
	for (i = 1; i < MAX_IDS; i++)
		if (p->req_once[i] &&
		    ipc_catalogue[p->req_type[i]].answers[0] != 0 &&
		    ipc_spec(p->req_type[i]) != NULL && p->answers[i] != 1)
			abort();
}

/* Requests end, keyd stops as at SHUTDOWN, and what it left loads. */
static void
end(void)
{
	int		 fd;
	size_t		 i;

	pump(CHAN_MAX_CALLS / CHAN_BURST + 8);
	check_answers(&peers[KFZ_NETD]);
	check_answers(&peers[KFZ_CHATD]);
	/* netd goes away: every bootstrap keyd passed on is answered now */
	chan_close(&peers[KFZ_NETD].c, "fuzz: netd gone");
	pump(2);
	check_answers(&peers[KFZ_FRONTEND]);
	check_answers(&peers[KFZ_CHATD]);
	/* as keyd_shutdown: what waits is written */
	keyd_friends_flush();
	outbox_ops_flush();
	history_ops_flush();
	for (i = 0; i < KFZ_PEERS; i++) {
		chan_close(&peers[i].c, "fuzz: over");
		close(peers[i].fd);
		peers[i].fd = -1;
		if (peers[i].last_fd != -1)
			close(peers[i].last_fd);
		peers[i].last_fd = -1;
	}
	/* a target keyd did not use is closed, as keyd would at exit */
	if ((fd = keyd_profile_target_fd()) != -1)
		close(fd);
	keyd_profile_set_target(-1, TARGET_NONE, "none");

	kfz_dir_check();
}

static unsigned long	inputs;

unsigned long
kfz_inputs(void)
{
	return inputs;
}

int
kfz_run(const struct kfz_target *t, const uint8_t *data, size_t size)
{
	static int		 inited;
	static uint8_t		 buf[IPC_MAX_PAYLOAD];
	struct kfz_rec		 rec;
	struct rd		 r;
	struct wr		 w;
	int			 fds, fd;

	if (!inited) {
		inited = 1;
		init();
	}
	inputs++;
	input = data;
	input_len = size;
	fds = fd_count();
	begin(t);
	counting = !strict;
	rd_init(&r, data, size);
	while (next(&r, t, &rec) == 0) {
		wr_init(&w, buf, sizeof(buf));
		if (play(&rec, &w) == -1)
			continue;
		fd = rec.file != NULL ? file_fd(rec.file, rec.flen) : -1;
		if (t->prepare != NULL && t->prepare(&rec, &fd) == -1) {
			if (fd != -1)
				close(fd);
			continue;
		}
		track(&rec);
		if (trace && counting)
			fprintf(stderr, "kfz: %s sends %s id %u, %zu bytes%s\n",
			    peers[rec.peer].name, ipc_type_name(rec.type),
			    rec.id, rec.len, fd != -1 ? " and a file" : "");
		send_msg(&peers[rec.peer], rec.type, rec.id, rec.p, rec.len,
		    fd);
		if (fd != -1)
			close(fd);
		if (!(rec.ctl & KFZ_NOLOOP))
			pump(2);
	}
	end();
	counting = 0;
	if (fd_count() != fds)
		abort();
	return 0;
}

/* Every row of keyd's tables for the target's peers, and its count. */
static const struct kfz_target	*traced_target;

static void
report(void)
{
	const struct chan_table	*t;
	struct peer		*p;
	enum kfz_peer		 who[2];
	size_t			 i, j, k, rows, reached;

	who[0] = traced_target->peer;
	who[1] = traced_target->other;
	for (k = 0; k < 2; k++) {
		p = &peers[who[k]];
		rows = reached = 0;
		for (i = 0; i < 8 && (t = p->keyd->t[i]) != NULL; i++)
			for (j = 0; j < t->nrows; j++, rows++) {
				if (p->hits[t->rows[j].type] > 0)
					reached++;
				fprintf(stderr, "kfz: %s table %zu %-24s %lu\n",
				    p->name, i, ipc_type_name(t->rows[j].type),
				    p->hits[t->rows[j].type]);
			}
		fprintf(stderr, "kfz: %s: %zu of %zu handlers reached\n",
		    p->name, reached, rows);
	}
}

void
kfz_env(const struct kfz_target *t)
{
	const char	*s;

	if ((s = getenv("KFZ_SEEDS")) != NULL) {
		kfz_seeds_write(t, s);
		exit(0);
	}
	if ((s = getenv("KFZ_TRACE")) != NULL && strcmp(s, "1") == 0) {
		trace = 1;
		traced_target = t;
		atexit(report);
	}
}
