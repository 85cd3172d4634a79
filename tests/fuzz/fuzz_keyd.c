/*
 * keyd's handlers of what the frontend and netd send, in process, over
 * real channels: keyd's ends run keyd's own tables (keyd_profile_table,
 * net_relay_from_frontend, net_relay_from_netd, onion_ops_from_netd,
 * dhtpk_ops_from_netd, as
 * in keyd.c) on a real profile directory (tmpfs), and the input is a
 * sequence of IPC messages from a "frontend" or a "netd" peer.  Types are
 * drawn from the catalogue's types for that edge, so the handlers are
 * reached and not only the catalogue check.  Each input starts from the
 * same plain profile.
 *
 * Record: [ctl u8][type u8][len u16][payload][if fd: flen u16][file].
 *   ctl 0x01  from netd (else the frontend)
 *   ctl 0x02  with a file: a memfd holding the file bytes.  For an
 *             import or export it becomes keyd's target, as the supervisor
 *             hands it over (an import reads it as a profile, an export
 *             writes into it); any other message carries it as a
 *             descriptor, which the catalogue refuses
 *   ctl 0x0c  id: 0x00 a fresh one, 0x04 zero, 0x08 the id of a bootstrap
 *             keyd forwarded to netd (type picks which), 0x0c the last id
 *   ctl 0x10  type is a raw type number, not an index in the edge's types
 *   ctl 0x20  no event loop run after it (messages pile up: bursts)
 *
 * Invariants: nothing crashes; nothing keyd sends to either peer holds the
 * secret key; while the frontend's channel is open, every request it made
 * gets exactly one answer, of a type that answers it (a bootstrap keyd
 * forwarded is answered once netd answers or goes away); the profile on
 * disk stays loadable; no descriptor leaks.
 *
 * Speed: no scrypt per input.  The profile is plain and stays plain unless
 * a message asks for a passphrase (PASSWD, IMPORT or CREATE without
 * NOPASS, or an encrypted file to import): those cost two interactive
 * scrypt runs, so they are let through only once per KDF_EVERY inputs and
 * dropped otherwise.  The directory is on tmpfs: keyd's fsyncs are cheap.
 */
#include <sys/mman.h>
#include <sys/socket.h>

#include <dirent.h>
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
#include "common/rd.h"
#include "ipc/chan.h"
#include "ipc/msg_core.h"
#include "ipc/msg_profile.h"
#include "keyd/encryptsave.h"
#include "keyd/identity.h"
#include "keyd/net_relay.h"
#include "keyd/dhtpk_ops.h"
#include "keyd/onion_ops.h"
#include "keyd/profile_dispatch.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define KDF_EVERY	512
#define MAX_IDS		2048
#define MAX_FWD		512

static const struct chan_tables from_frontend = {
	{ &keyd_profile_table, &net_relay_from_frontend }
};
static const struct chan_tables from_netd = {
	{ &net_relay_from_netd, &onion_ops_from_netd, &dhtpk_ops_from_netd }
};

static struct chan	 kf, kn;		/* keyd's ends */
static int		 fe = -1, nd = -1;	/* the peers */
static int		 kf_closed, kn_closed;
static char		 dir[64], path[128];
static uint8_t		*pristine, pristine_sk[TOX_SK_LEN];
static size_t		 pristine_len;
static uint16_t		 types[2][IPC_TYPE_MAX];
static size_t		 ntypes[2];
static unsigned		 kdf_credit = KDF_EVERY;

/* Per input: the frontend's requests and their answers. */
static uint16_t		 req_type[MAX_IDS];
static uint8_t		 req_once[MAX_IDS], answers[MAX_IDS];
static uint32_t		 fwd[MAX_FWD];
static size_t		 nfwd;
static struct ipc_msg	 m;

static void
on_event(enum keyd_profile_event ev, void *arg)
{
	if (ev == KEYD_PROFILE_LOADED)
		net_relay_profile_loaded();	/* as keyd.c does */
}

static void
on_close(struct chan *c, const char *why)
{
	if (c == &kf)
		kf_closed = 1;
	else
		kn_closed = 1;
}

static void
cleanup(void)
{
	char	cmd[128];

	keyd_profile_close();
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)system(cmd);
}

static void
init(void)
{
	struct identity	*id;
	struct id_err	 e;
	uint8_t		*buf;
	size_t		 t, len;
	int		 s;

	if (sodium_init() < 0)
		abort();
	log_init("fuzz", LOG_LVL_ERROR);
	loop_init();
	(void)snprintf(dir, sizeof(dir), "/dev/shm/bh-fuzz-keyd-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		(void)snprintf(dir, sizeof(dir), "/tmp/bh-fuzz-keyd-XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
	}
	atexit(cleanup);
	(void)snprintf(path, sizeof(path), "%s/profile.tox", dir);
	/* one plain profile, made once, restored before every input */
	if (keyd_profile_open(path, NULL, NULL) == -1 ||
	    (id = keyd_profile_identity()) == NULL ||
	    identity_create(id, NULL, 0, 1, &e) == -1 ||
	    identity_set_name(id, (const uint8_t *)"fuzz", 4, &e) == -1 ||
	    pstore_read(&id->store, &buf, &len) != PSTORE_OK)
		abort();
	memcpy(pristine_sk, id->prof->vault->sk, TOX_SK_LEN);
	if ((pristine = malloc(len)) == NULL)
		abort();
	memcpy(pristine, buf, len);
	pristine_len = len;
	secbuf_free(buf);
	keyd_profile_close();
	for (t = 1; t < IPC_TYPE_MAX; t++) {
		if (ipc_catalogue[t].name == NULL)
			continue;
		for (s = 0; s < 2; s++)
			if (ipc_catalogue[t].edges & IPC_EDGE(s ? ROLE_NETD :
			    ROLE_FRONTEND, ROLE_KEYD))
				types[s][ntypes[s]++] = (uint16_t)t;
	}
	net_relay_init(&kn, &kf, NULL);	/* no chatd here */
	onion_ops_init(&kn, NULL);	/* no chatd here */
	dhtpk_ops_init(&kn, NULL);
}

static int
count_fds(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		abort();
	while ((de = readdir(d)) != NULL)
		n++;
	closedir(d);
	return n;
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

static const uint8_t	*input;
static size_t		 input_len;

/* The secret key, as it was and as it is now, unless the input itself
 * holds it (an imported file does). */
static void
check_no_secret(const struct ipc_msg *msg)
{
	struct identity	*id = keyd_profile_identity();
	const uint8_t	*sk[2] = { pristine_sk, NULL };
	int		 i;

	if (id != NULL && id->prof != NULL)
		sk[1] = id->prof->vault->sk;
	for (i = 0; i < 2; i++)
		if (sk[i] != NULL &&
		    has(msg->data, msg->hdr.len, sk[i], TOX_SK_LEN) &&
		    !has(input, input_len, sk[i], TOX_SK_LEN))
			abort();
}

/* The next message keyd sent on s, frame by frame (corks hold several). */
static int
recv_next(int s, struct ipc_msg *out)
{
	static struct ipc_frame	f[2];
	struct ipc_frame	*fr = &f[s == fe ? 0 : 1];
	int			rv = 0;

	for (;;) {
		if (fr->len > 0 && (rv = ipc_frame_next(fr, out)) == 1)
			return 1;
		if (fr->len > 0 && rv == -1)
			abort();	/* keyd framed badly */
		if (fr->len > 0)	/* (static: its fd is 0 until a read) */
			ipc_frame_done(fr);
		if (ipc_frame_recv(s, fr) != 1) {
			fr->len = 0;
			return 0;
		}
	}
}

/* Reads what keyd sent to both peers. */
static void
drain(void)
{
	uint32_t	id;

	while (recv_next(fe, &m) == 1) {
		check_no_secret(&m);
		if (m.fd != -1)
			close(m.fd);
		if ((id = m.hdr.id) == 0 || id >= MAX_IDS || !req_once[id])
			continue;
		if (answers[id]++ != 0 || !ipc_answers(req_type[id],
		    m.hdr.type))
			abort();	/* twice, or not an answer to it */
	}
	while (recv_next(nd, &m) == 1) {
		check_no_secret(&m);
		if (m.fd != -1)
			close(m.fd);
		if (m.hdr.type == IPC_NET_BOOTSTRAP && nfwd < MAX_FWD)
			fwd[nfwd++] = m.hdr.id;
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
hello(int fd, enum role role)
{
	struct ipc_hello	h;
	uint8_t			buf[IPC_HELLO_LEN];
	struct wr		w;

	h.role = (uint8_t)role;
	memcpy(h.build_id, ipc_build_id, sizeof(h.build_id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &h);
	if (ipc_send(fd, IPC_HELLO, 0, buf, w.len, -1) == -1)
		abort();
}

static void
open_peer(struct chan *c, int *peer, enum role role,
    const struct chan_tables *t)
{
	int	sv[2], sz = 1 << 20;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		abort();
	/* room for a burst of replies between two drains */
	(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	(void)setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	chan_open(c, sv[0], ROLE_KEYD, role, t, on_close, NULL);
	*peer = sv[1];
	hello(*peer, role);
	if (fcntl(*peer, F_SETFL, O_NONBLOCK) == -1)
		abort();
}

/* The profile as it was, and keyd freshly started on it. */
static void
reset(void)
{
	struct identity	*id;
	char		 cache[160];
	int		 fd;

	keyd_profile_close();
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1 ||
	    write(fd, pristine, pristine_len) != (ssize_t)pristine_len)
		abort();
	close(fd);
	(void)snprintf(cache, sizeof(cache), "%s/%s", dir, NODES_CACHE_FILE);
	(void)unlink(cache);
	onion_ops_init(&kn, NULL);	/* forget the recent requesters */
	if (keyd_profile_open(path, on_event, NULL) == -1 ||
	    (id = keyd_profile_identity()) == NULL || id->prof == NULL)
		abort();
}

/* Whether a message would run scrypt (see the top). */
static int
needs_kdf(uint16_t type, const uint8_t *p, size_t len, const uint8_t *file,
    size_t flen, int withfd)
{
	int	nopass = len > 0 && (p[0] & IPC_PF_NOPASS);

	switch (type) {
	case IPC_PASSWD:
	case IPC_PROFILE_CREATE:
		return !nopass;
	case IPC_PROFILE_IMPORT:
		return !nopass || (withfd &&
		    encsave_detect(file, flen) == ENCSAVE_KIND_ENCRYPTED);
	default:
		return 0;
	}
}

/* A target keyd did not use is closed, as keyd would at exit. */
static void
drop_target(void)
{
	int	fd = keyd_profile_target_fd();

	if (fd != -1)
		close(fd);
	keyd_profile_set_target(-1, TARGET_NONE, "none");
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 inited;
	struct identity	*id;
	struct rd	 r;
	const uint8_t	*p, *file = NULL;
	uint8_t		 ctl, tsel;
	uint16_t	 len, flen = 0, type;
	uint32_t	 id_next = 1, id_last = 0, rid;
	int		 fds, netd_side, fd, peer;
	size_t		 i;

	if (!inited) {
		init();
		inited = 1;
	}
	input = data;
	input_len = size;
	fds = count_fds();
	if (kdf_credit < KDF_EVERY)
		kdf_credit++;
	memset(req_once, 0, sizeof(req_once));
	memset(answers, 0, sizeof(answers));
	nfwd = 0;
	reset();
	kf_closed = kn_closed = 0;
	open_peer(&kf, &fe, ROLE_FRONTEND, &from_frontend);
	open_peer(&kn, &nd, ROLE_NETD, &from_netd);
	net_relay_netd_up();
	pump(2);

	rd_init(&r, data, size);
	while (rd_u8(&r, &ctl) == 0 && rd_u8(&r, &tsel) == 0 &&
	    rd_u16(&r, &len) == 0 && (p = rd_take(&r, len % 4096)) != NULL) {
		len %= 4096;
		netd_side = ctl & 0x01;
		if ((ctl & 0x02) && (rd_u16(&r, &flen) == -1 ||
		    (file = rd_take(&r, flen % 8192)) == NULL))
			break;
		flen %= 8192;
		type = ctl & 0x10 ? tsel : types[netd_side][tsel %
		    ntypes[netd_side]];
		switch (ctl & 0x0c) {
		case 0x00:
			rid = id_next++;
			break;
		case 0x04:
			rid = 0;
			break;
		case 0x08:
			rid = nfwd > 0 ? fwd[tsel % nfwd] : 0;
			break;
		default:
			rid = id_last;
			break;
		}
		if (needs_kdf(type, p, len, file, flen, ctl & 0x02)) {
			if (kdf_credit < KDF_EVERY)
				continue;
			kdf_credit = 0;
		}
		if (!netd_side && rid < MAX_IDS && (ctl & 0x0c) != 0x0c &&
		    (ctl & 0x0c) != 0x08) {
			req_type[rid] = type;
			req_once[rid] = rid != 0;
		} else if (!netd_side && rid < MAX_IDS)
			req_once[rid] = 0;	/* reused: not tracked */
		id_last = rid;
		fd = ctl & 0x02 ? file_fd(file, flen) : -1;
		if (fd != -1 && !netd_side && (type == IPC_PROFILE_IMPORT ||
		    type == IPC_PROFILE_EXPORT)) {
			drop_target();
			keyd_profile_set_target(fd, type == IPC_PROFILE_IMPORT ?
			    TARGET_IMPORT : TARGET_EXPORT, NULL);
			fd = -1;	/* keyd's now */
		}
		peer = netd_side ? nd : fe;
		/* a full socket: keyd is behind; let it run, then go on */
		for (i = 0; ipc_send(peer, type, rid, p, len, fd) == -1 &&
		    errno == EAGAIN && i < 64; i++)
			pump(1);
		if (fd != -1)
			close(fd);
		if (!(ctl & 0x20))
			pump(2);
	}
	pump(CHAN_MAX_CALLS / CHAN_BURST + 8);

	/* netd goes away: every bootstrap in flight is answered now */
	chan_close(&kn, "fuzz: netd gone");
	pump(2);
	if (!kf_closed)
		for (i = 1; i < MAX_IDS; i++)
			if (req_once[i] && ipc_catalogue[req_type[i]].answers[0]
			    != 0 && ipc_spec(req_type[i]) != NULL &&
			    answers[i] != 1)
				abort();
	chan_close(&kf, "fuzz: over");
	close(fe);
	close(nd);
	drop_target();

	/* whatever was said, the profile on disk still loads */
	keyd_profile_close();
	if (keyd_profile_open(path, NULL, NULL) == -1 ||
	    (id = keyd_profile_identity()) == NULL || id->broken)
		abort();
	keyd_profile_close();
	if (count_fds() != fds)
		abort();
	return 0;
}
