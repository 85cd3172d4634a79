/* Issue 12's figures: see bench_files.h. */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "bench/bench_files.h"
#include "bench/link.h"
#include "bench/netns.h"
#include "bench/proc.h"
#include "bench/table.h"
#include "common/hex.h"
#include "tests/lib/bh.h"
#include "tests/lib/bh_watch.h"
#include "tests/lib/bootstrapd.h"
#include "tests/lib/toxpeer.h"

#define BSD_PORT	33745
#define PORT_X		33800
#define PORT_Y		33810
#define T_READY		120000	/* deadlines, never figures */
#define T_FRIENDS	180000
#define T_REPLY		15000
#define T_SETTLE	2000
#define BLOCK		(1 << 20)

enum { A, B, X, Y, NWHO };
static const char *const who_name[NWHO] = { "bulkhead A", "bulkhead B",
    "libtoxcore X", "libtoxcore Y" };
#define IS_BH(w)	((w) == A || (w) == B)

/* One transfer and what was seen of it. */
struct xfer {
	int		 from, to;	/* A, B, X, Y */
	const char	*path;		/* the source on disk */
	const uint8_t	*data;		/* ... in memory (libtoxcore sends) */
	uint64_t	 size;
	const char	*sha_hex;
	long long	 t0;
	long long	 out_file;	/* bulkhead sender's number */
	long long	 in_file;	/* bulkhead receiver's, once offered */
	char		 in_path[PATH_MAX];
	struct toxpeer_file *tf_out, *tf_in;
	size_t		 offers0;	/* a libtoxcore receiver's offers */
	int		 sent, got;	/* each end said done */
	int		 capped, failed;
	/* the figures */
	double		 mb_s, cpu_s_gib;
};

struct world {
	struct bootstrapd bsd;
	int		 bsd_up;
	struct bh	 bh[2];		/* A, B */
	int		 bh_up[2];
	size_t		 seen[2];	/* events handled */
	char		 dir[2][300];	/* their profiles */
	char		 dl[2][300];	/* their download dirs */
	struct toxpeer	 tp[2];		/* X, Y */
	char		 addr[NWHO][2 * TOX_ADDRESS_SIZE + 1];
	uint8_t		 pk[NWHO][TOX_PUBLIC_KEY_SIZE];
	/* a bulkhead session's friend numbers (-1: none) and UDP state */
	long		 num[2][NWHO];
	int		 udp[2][NWHO];
	long		 tnum[2][NWHO];	/* a toxpeer's, for whom */
	int		 y_accepted;
	struct xfer	*cur;
};

static struct world	w;

/*
 * Where the nodes run: NULL, all on BENCH_ADDR in the bench's namespace
 * (loopback); else each on a host of its own across the impaired link.
 */
enum { H_A, H_B, H_X, H_Y, H_BSD, NHOSTS };
static const char *const host_addr[NHOSTS] = { "198.18.1.2", "198.18.1.3",
    "198.18.1.4", "198.18.1.5", "198.18.1.1" };
static struct link	*lk;
static int		 worlds;	/* made so far: their directories */

/* Into host h's namespace to start a node there (or stay, on loopback). */
static int
at(int h)
{
	return lk == NULL ? 0 : link_enter(lk, h);
}

static void
back(void)
{
	if (lk != NULL)
		(void)link_leave(lk);
}

static const char *
bsd_addr(void)
{
	return lk == NULL ? BENCH_ADDR : host_addr[H_BSD];
}
static char		top[64];	/* on disk: sources, downloads */
static const char	*trace_dir;	/* BENCH_TRACE */
static int		libtox_mb_of;

/* Row i's capped cells, for the label. */
static int		row_capped[RUN_FILE_ROWS];

static struct bh *
bh_of(int who)
{
	return &w.bh[who];
}

static struct toxpeer *
tp_of(int who)
{
	return &w.tp[who - X];
}

static long long
cpu_self_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A command line to a session; its reply is dropped by bh_pump. */
static void
bh_put(int who, json_t *req)
{
	char	*s = json_dumps(req, JSON_COMPACT);
	size_t	 len;

	json_decref(req);
	if (s == NULL)
		return;
	len = strlen(s);
	s[len] = '\n';	/* json_dumps leaves room for its NUL only */
	if (write(bh_of(who)->in, s, len + 1) != (ssize_t)(len + 1))
		warnx("%s: a command was not written", who_name[who]);
	free(s);
}

static int
who_by_pk(const char *hex)
{
	char	h[2 * TOX_PUBLIC_KEY_SIZE + 1];
	int	i;

	if (hex == NULL)
		return -1;
	for (i = 0; i < NWHO; i++) {
		hex_encode(w.pk[i], TOX_PUBLIC_KEY_SIZE, h);
		if (strncasecmp(h, hex, 2 * TOX_PUBLIC_KEY_SIZE) == 0)
			return i;
	}
	return -1;
}

/* The whole file at path hashed; 0 and its hex, or -1. */
static int
sha256_file(const char *path, uint64_t *len, char hex[65])
{
	crypto_hash_sha256_state st;
	uint8_t			*buf, h[crypto_hash_sha256_BYTES];
	ssize_t			 r;
	int			 fd;

	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    (buf = malloc(BLOCK)) == NULL) {
		warn("%s", path);
		if (fd != -1)
			close(fd);
		return -1;
	}
	crypto_hash_sha256_init(&st);
	while ((r = read(fd, buf, BLOCK)) > 0) {
		crypto_hash_sha256_update(&st, buf, (size_t)r);
		*len += (uint64_t)r;
	}
	free(buf);
	close(fd);
	if (r == -1)
		return -1;
	crypto_hash_sha256_final(&st, h);
	hex_encode(h, sizeof(h), hex);
	return 0;
}

/* The file at got is the first bytes of the one at src: 0 (its length in
 * *len), or -1. */
static int
is_prefix(const char *got, const char *src, uint64_t *len)
{
	uint8_t	*a, *b;
	ssize_t	 r, s;
	int	 fa, fb, rc = -1;

	*len = 0;
	fa = open(got, O_RDONLY | O_CLOEXEC);
	fb = open(src, O_RDONLY | O_CLOEXEC);
	a = malloc(BLOCK);
	b = malloc(BLOCK);
	if (fa == -1 || fb == -1 || a == NULL || b == NULL)
		goto out;
	while ((r = read(fa, a, BLOCK)) > 0) {
		if ((s = read(fb, b, (size_t)r)) != r ||
		    memcmp(a, b, (size_t)r) != 0)
			goto out;
		*len += (uint64_t)r;
	}
	rc = r == 0 ? 0 : -1;
out:
	free(a);
	free(b);
	if (fa != -1)
		close(fa);
	if (fb != -1)
		close(fb);
	return rc;
}

/* A bulkhead session's event. */
static void
bh_event_cb(int who, json_t *e)
{
	const char	*ev = json_string_value(json_object_get(e, "event"));
	const char	*pk = json_string_value(json_object_get(e,
			    "public_key"));
	const char	*s;
	struct xfer	*x = w.cur;
	json_t		*r;
	long long	 file = json_integer_value(json_object_get(e, "file"));
	int		 peer = who_by_pk(pk);

	if (ev == NULL)
		return;
	if (strcmp(ev, "friend_request") == 0 && pk != NULL)
		bh_put(who, json_pack("{s:s, s:s}", "cmd", "accept",
		    "public_key", pk));
	else if (strcmp(ev, "friend_connection") == 0 && peer >= 0) {
		s = json_string_value(json_object_get(e, "connection"));
		w.num[who][peer] = (long)json_integer_value(json_object_get(e,
		    "friend"));
		w.udp[who][peer] = s != NULL && strcmp(s, "udp") == 0;
	}
	if (x == NULL || strncmp(ev, "file_", 5) != 0)
		return;
	if (strcmp(ev, "file_offer") == 0 && who == x->to && peer == x->from &&
	    x->in_file < 0) {
		x->in_file = file;
		r = bh_call(bh_of(who), json_pack("{s:s, s:I, s:I}", "cmd",
		    "file_accept", "friend", (json_int_t)w.num[who][peer],
		    "file", (json_int_t)file), T_REPLY);
		s = json_string_value(json_object_get(r, "path"));
		if (r == NULL || !json_is_true(json_object_get(r, "ok")) ||
		    s == NULL) {
			warnx("%s: file_accept failed", who_name[who]);
			x->failed = 1;
		} else
			snprintf(x->in_path, sizeof(x->in_path), "%s", s);
		json_decref(r);
	} else if (strcmp(ev, "file_done") == 0 && who == x->to &&
	    peer == x->from && file == x->in_file) {
		s = json_string_value(json_object_get(e, "sha256"));
		if (s == NULL || strcasecmp(s, x->sha_hex) != 0 ||
		    json_integer_value(json_object_get(e, "size")) !=
		    (json_int_t)x->size) {
			warnx("%s: file_done in with a wrong SHA-256 or size",
			    who_name[who]);
			x->failed = 1;
		}
		x->got = 1;
	} else if (strcmp(ev, "file_done") == 0 && who == x->from &&
	    peer == x->to && file == x->out_file) {
		s = json_string_value(json_object_get(e, "sha256"));
		if (s == NULL || strcasecmp(s, x->sha_hex) != 0) {
			warnx("%s: file_done out with a wrong SHA-256",
			    who_name[who]);
			x->failed = 1;
		}
		x->sent = 1;
	} else if (strcmp(ev, "file_cancelled") == 0 && (peer == x->from ||
	    peer == x->to) && (file == x->in_file || file == x->out_file) &&
	    !x->capped) {
		s = json_string_value(json_object_get(e, "why"));
		warnx("%s: the transfer was cancelled (%s)", who_name[who],
		    s != NULL ? s : "?");
		x->failed = 1;
	}
}

/* Every session's events not handled yet. */
static void
handle(void)
{
	size_t	i;
	int	k;

	for (k = 0; k < 2; k++)
		if (w.bh_up[k])
			for (i = w.seen[k];
			    i < json_array_size(w.bh[k].events); i = ++w.seen[k])
				bh_event_cb(k, json_array_get(w.bh[k].events,
				    i));
	if (!w.y_accepted && w.tp[1].nreq > 0 &&
	    memcmp(w.tp[1].req[0].pk, w.pk[X], TOX_PUBLIC_KEY_SIZE) == 0 &&
	    toxpeer_accept(&w.tp[1], w.pk[X]) >= 0)
		w.y_accepted = 1;
}

/* Runs the peers in ps and the sessions in bs until cond (after the
 * events are handled) or timeout_ms; cond's last answer. */
struct cond {
	int	(*fn)(void *);
	void	*arg;
};

static int
handled(void *arg)
{
	struct cond	*c = arg;

	handle();
	return c->fn(c->arg);
}

static int
run(struct toxpeer *const *ps, size_t np, struct bh *const *bs, size_t nb,
    int timeout_ms, int (*fn)(void *), void *arg)
{
	struct cond	c = { fn, arg };

	return toxpeer_run(ps, np, bs, nb, timeout_ms, handled, &c);
}

static int
all_ready(void *arg)
{
	(void)arg;
	return bh_onion_announced(&w.bh[0]) == 1 &&
	    bh_onion_announced(&w.bh[1]) == 1 &&
	    w.tp[0].conn != TOX_CONNECTION_NONE &&
	    w.tp[1].conn != TOX_CONNECTION_NONE;
}

static int
tp_udp(int who, int peer)
{
	struct toxpeer	*p = tp_of(who);
	long		 n = toxpeer_friend(p, w.pk[peer]);

	w.tnum[who - X][peer] = n;
	return n >= 0 && n < TOXPEER_FRIENDS &&
	    p->fr[n].conn == TOX_CONNECTION_UDP;
}

static int
all_friends(void *arg)
{
	(void)arg;
	return w.udp[A][B] && w.udp[B][A] && w.udp[A][X] && tp_udp(X, A) &&
	    tp_udp(X, Y) && tp_udp(Y, X);
}

/* Client X or Y (k: 0, 1) on its host: a client's sockets are made in
 * the namespace tox_new runs in. */
static int
tp_start_at(int k)
{
	static const char *const name[2] = { "X", "Y" };
	int			 rc;

	if (at(H_X + k) == -1)
		return -1;
	rc = toxpeer_start(&w.tp[k], name[k], k == 0 ? PORT_X : PORT_Y,
	    bsd_addr(), BSD_PORT, w.bsd.key);
	back();
	return rc;
}

/* Sessions A and B, clients X and Y: joined and made friends. */
static int
world_up(void)
{
	struct toxpeer	*ps[2] = { &w.tp[0], &w.tp[1] };
	struct bh	*bs[2] = { &w.bh[0], &w.bh[1] };
	char		 bsarg[160], dlarg[2][340];
	uint8_t		 addr[TOX_ADDRESS_SIZE];
	int		 k;

	memset(w.num, 0xff, sizeof(w.num));
	memset(w.tnum, 0xff, sizeof(w.tnum));
	worlds++;
	if (at(H_BSD) == -1 || bootstrapd_start(&w.bsd, BSD_PORT) == -1) {
		back();
		warnx("tox-bootstrapd did not start");
		return -1;
	}
	back();
	w.bsd_up = 1;
	snprintf(bsarg, sizeof(bsarg), "--bootstrap=%s:%d:%s", bsd_addr(),
	    BSD_PORT, w.bsd.key);
	for (k = 0; k < 2; k++) {
		const char	*args[] = { bsarg, "--no-ipv6", dlarg[k],
		    trace_dir != NULL ? "--log-level=debug" : NULL, NULL };

		/* a world's own: the profiles and downloads of each */
		snprintf(w.dir[k], sizeof(w.dir[k]), "%s/bh%c-%d", top,
		    'A' + k, worlds);
		snprintf(w.dl[k], sizeof(w.dl[k]), "%s/dl%c-%d", top, 'A' + k,
		    worlds);
		snprintf(dlarg[k], sizeof(dlarg[k]), "--download-dir=%s",
		    w.dl[k]);
		if (mkdir(w.dir[k], 0700) == -1 || mkdir(w.dl[k], 0700) == -1 ||
		    run_make_profile(w.dir[k]) == -1 || at(H_A + k) == -1 ||
		    bh_start_dir(&w.bh[k], w.dir[k], args) == -1) {
			back();
			warnx("%s did not start", who_name[k]);
			return -1;
		}
		back();
		w.bh_up[k] = 1;
	}
	if (tp_start_at(0) == -1 || tp_start_at(1) == -1)
		return -1;
	for (k = 0; k < 2; k++) {
		w.tp[k].auto_accept = 1;
		w.tp[k].keep_max = 0;	/* hashed as they come, not kept */
	}
	if (!run(ps, 2, bs, 2, T_READY, all_ready, NULL)) {
		warnx("not all four joined (bulkhead: and announced) in %d s",
		    T_READY / 1000);
		return -1;
	}
	for (k = 0; k < 2; k++) {
		if (bh_address(&w.bh[k], w.addr[k], T_REPLY) == -1 ||
		    hex_decode(w.addr[k], 2 * TOX_PUBLIC_KEY_SIZE, w.pk[k],
		    TOX_PUBLIC_KEY_SIZE) == -1) {
			warnx("%s did not say its Tox ID", who_name[k]);
			return -1;
		}
		memcpy(w.addr[X + k], w.tp[k].address_hex,
		    sizeof(w.addr[0]));
		memcpy(w.pk[X + k], w.tp[k].pk, TOX_PUBLIC_KEY_SIZE);
	}
	bh_put(A, json_pack("{s:s, s:s, s:s}", "cmd", "add", "address",
	    w.addr[B], "message", "bench"));
	if (hex_decode(w.addr[A], 2 * TOX_ADDRESS_SIZE, addr,
	    sizeof(addr)) == -1 || toxpeer_add(&w.tp[0], addr, "bench") ==
	    -1 || hex_decode(w.addr[Y], 2 * TOX_ADDRESS_SIZE, addr,
	    sizeof(addr)) == -1 || toxpeer_add(&w.tp[0], addr, "bench") == -1)
		return -1;
	if (!run(ps, 2, bs, 2, T_FRIENDS, all_friends, NULL)) {
		warnx("A-B, A-X and X-Y were not all friends over UDP in %d s",
		    T_FRIENDS / 1000);
		return -1;
	}
	return 0;
}

void
files_trace_to(const char *dir)
{
	trace_dir = dir;
}

/* A stopped session's log into trace_dir (the bench's /tmp goes). */
static void
trace_keep(int k)
{
	char	 path[PATH_MAX], buf[65536];
	FILE	*in, *out;
	size_t	 n;

	if (trace_dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/%c-%d.log", trace_dir, 'A' + k,
	    worlds);
	if ((in = fopen(w.bh[k].errlog, "r")) == NULL ||
	    (out = fopen(path, "w")) == NULL) {
		warn("BENCH_TRACE: %s", in == NULL ? w.bh[k].errlog : path);
		if (in != NULL)
			fclose(in);
		return;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	if (fclose(out) != 0 || ferror(in))
		warn("BENCH_TRACE: %s", path);
	fclose(in);
}

static void
world_down(void)
{
	int	k;

	for (k = 0; k < 2; k++) {
		toxpeer_stop(&w.tp[k]);
		if (w.bh_up[k]) {
			bh_stop(&w.bh[k]);
			w.bh_up[k] = 0;
			trace_keep(k);
		}
	}
	if (w.bsd_up)
		bootstrapd_stop(&w.bsd);
	w.bsd_up = 0;
}

/*
 * A bulkhead sender's link to the receiver, from its friends list:
 * packets sent, resent and congestion events since the session began
 * (all -1 when it says nothing).  Read before and after a transfer,
 * outside its time: what the transport did, not a guess.
 */
static void
link_get(int who, int peer, long long out[3])
{
	json_t	*r, *e, *l;
	size_t	 i;

	out[0] = out[1] = out[2] = -1;
	r = bh_call(bh_of(who), json_pack("{s:s}", "cmd", "friends"),
	    T_REPLY);
	json_array_foreach(json_object_get(r, "friends"), i, e) {
		if (json_integer_value(json_object_get(e, "friend")) !=
		    w.num[who][peer] ||
		    !json_is_object(l = json_object_get(e, "link")))
			continue;
		out[0] = json_integer_value(json_object_get(l, "sent"));
		out[1] = json_integer_value(json_object_get(l, "resent"));
		out[2] = json_integer_value(json_object_get(l, "congestion"));
	}
	json_decref(r);
}

/* Both ends done, or the cap reached, or a failure. */
static int
xfer_over(void *arg)
{
	struct xfer	*x = arg;

	if (x->failed)
		return 1;
	if (!IS_BH(x->from) && x->tf_out != NULL &&
	    (x->tf_out->done || x->tf_out->cancelled))
		x->sent = 1;
	if (!IS_BH(x->to) && x->tf_in == NULL &&
	    toxpeer_file_offers(tp_of(x->to)) > x->offers0)
		x->tf_in = toxpeer_file_offer(tp_of(x->to), x->offers0);
	if (x->tf_in != NULL && (x->tf_in->done || x->tf_in->cancelled))
		x->got = 1;
	if (x->sent && x->got)
		return 1;
	if (run_now_ns() - x->t0 >= FILES_CAP_S * 1000000000LL) {
		x->capped = 1;
		return 1;
	}
	return 0;
}

/* What arrived checked against the source; the bytes that did, or -1.
 * A capped transfer's must be the source's first bytes. */
static long long
xfer_check(struct xfer *x)
{
	struct toxpeer_file	*f = x->tf_in;
	uint8_t			 h[crypto_hash_sha256_BYTES];
	char			 hex[65];
	uint64_t		 len;

	if (!IS_BH(x->to)) {
		if (f == NULL || f->ngap > 0 || f->start != 0 ||
		    (!x->capped && (!f->done || f->bytes != x->size)) ||
		    f->bytes > x->size || x->data == NULL)
			return -1;
		crypto_hash_sha256(h, x->data, f->bytes);
		hex_encode(h, sizeof(h), hex);
		return strcasecmp(hex, f->sha256_hex) == 0 ?
		    (long long)f->bytes : -1;
	}
	if (x->in_path[0] == '\0')
		return -1;
	if (x->capped)
		return is_prefix(x->in_path, x->path, &len) == 0 ?
		    (long long)len : -1;
	if (sha256_file(x->in_path, &len, hex) == -1 || len != x->size ||
	    strcasecmp(hex, x->sha_hex) != 0)
		return -1;
	return (long long)len;
}

/*
 * One transfer, timed from the send to both ends' done (or the cap);
 * CPU: every process of the sessions taking part, and this process's
 * own (the libtoxcore clients run in it) when a client takes part.
 */
static int
xfer_run(struct xfer *x)
{
	struct toxpeer	*ps[2];
	struct bh	*bs[2];
	struct procset	 set[2];
	struct cost	 c0[2], c1[2];
	const char	*name;
	json_t		*r;
	long long	 t1, self0, self1, moved, cpu = 0;
	size_t		 np = 0, nb = 0, i;
	int		 ends[2] = { x->from, x->to }, k;
	long long	 l0[3] = { -1, -1, -1 }, l1[3] = { -1, -1, -1 };
	char		 lost[96] = "";

	x->in_file = x->out_file = -1;
	x->mb_s = x->cpu_s_gib = RUN_NOT_MEASURED;
	for (k = 0; k < 2; k++) {
		if (IS_BH(ends[k])) {
			bs[nb] = bh_of(ends[k]);
			if (procset_tree(bs[nb]->pid, &set[nb]) == -1)
				return -1;
			nb++;
		} else
			ps[np++] = tp_of(ends[k]);
	}
	if (!IS_BH(x->to))
		x->offers0 = toxpeer_file_offers(tp_of(x->to));
	w.cur = x;
	handle();
	if (IS_BH(x->from))
		link_get(x->from, x->to, l0);
	for (i = 0; i < nb; i++)
		if (proc_cost(&set[i], &c0[i]) == -1)
			return -1;
	self0 = cpu_self_ns();
	x->t0 = run_now_ns();
	if (IS_BH(x->from)) {
		r = bh_call(bh_of(x->from), json_pack("{s:s, s:I, s:s}", "cmd",
		    "file_send", "friend", (json_int_t)w.num[x->from][x->to],
		    "path", x->path), T_REPLY);
		if (r == NULL || !json_is_true(json_object_get(r, "ok"))) {
			warnx("%s: file_send failed", who_name[x->from]);
			json_decref(r);
			return -1;
		}
		x->out_file = json_integer_value(json_object_get(r, "file"));
		json_decref(r);
	} else {
		name = strrchr(x->path, '/') + 1;
		x->tf_out = toxpeer_file_send(tp_of(x->from),
		    (uint32_t)w.tnum[x->from - X][x->to], TOX_FILE_KIND_DATA,
		    x->data, x->size, 0, NULL, name, strlen(name));
		if (x->tf_out == NULL)
			return -1;
	}
	(void)toxpeer_run(ps, np, bs, nb, (FILES_CAP_S + 5) * 1000, handled,
	    &(struct cond){ xfer_over, x });
	t1 = run_now_ns();
	self1 = cpu_self_ns();
	for (i = 0; i < nb; i++)
		if (proc_cost(&set[i], &c1[i]) == -1)
			return -1;
	for (i = 0; i < nb; i++)
		cpu += (long long)(c1[i].cpu_ns - c0[i].cpu_ns);
	if (IS_BH(x->from))
		link_get(x->from, x->to, l1);
	if (l0[0] >= 0 && l1[0] > l0[0])
		snprintf(lost, sizeof(lost), ", %.2f %% resent, %lld "
		    "congestion events", 100.0 * (double)(l1[1] - l0[1]) /
		    (double)(l1[0] - l0[0]), l1[2] - l0[2]);
	if (np > 0)
		cpu += self1 - self0;
	if (x->capped || x->failed) {	/* stop it, let the rest land */
		if (IS_BH(x->from) && x->out_file >= 0)
			bh_put(x->from, json_pack("{s:s, s:I, s:I}", "cmd",
			    "file_cancel", "friend",
			    (json_int_t)w.num[x->from][x->to], "file",
			    (json_int_t)x->out_file));
		else if (!IS_BH(x->from) && x->tf_out != NULL)
			(void)toxpeer_file_cancel(tp_of(x->from), x->tf_out);
		x->capped = x->capped && !x->failed;
		(void)toxpeer_run(ps, np, bs, nb, T_SETTLE, handled,
		    &(struct cond){ xfer_over, x });
	}
	w.cur = NULL;
	if (x->failed || (moved = xfer_check(x)) == -1) {
		warnx("%s -> %s: the file did not arrive whole and unchanged",
		    who_name[x->from], who_name[x->to]);
		return -1;
	}
	if (moved == 0) {
		warnx("%s -> %s: nothing moved in %d s", who_name[x->from],
		    who_name[x->to], FILES_CAP_S);
		return -1;
	}
	if (x->in_path[0] != '\0')
		(void)unlink(x->in_path);
	x->mb_s = (double)moved / 1e6 / ((double)(t1 - x->t0) / 1e9);
	x->cpu_s_gib = (double)cpu / 1e9 * (double)(1ULL << 30) /
	    (double)moved;
	fprintf(stderr, "bench: %s -> %s: %.1f MB in %.1f s, %.1f CPU s "
	    "per GiB%s%s\n", who_name[x->from], who_name[x->to],
	    (double)moved / 1e6, (double)(t1 - x->t0) / 1e9, x->cpu_s_gib,
	    lost, x->capped ? " (capped)" : "");
	return 0;
}

/* size bytes of a fixed sequence (every chunk unlike the next) into the
 * file at path and, if keep is not NULL, memory (*keep, malloc'd); its
 * SHA-256 in hex.  0, or -1. */
static int
make_source(const char *path, uint64_t size, uint8_t **keep, char hex[65])
{
	crypto_hash_sha256_state st;
	uint8_t			*mem = NULL, *buf, h[crypto_hash_sha256_BYTES];
	uint64_t		 s = 0x9e3779b97f4a7c15ULL, done = 0, v;
	size_t			 n, i;
	int			 fd;

	if ((buf = malloc(BLOCK)) == NULL || (keep != NULL &&
	    (mem = malloc(size > 0 ? size : 1)) == NULL) ||
	    (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		warn("%s", path);
		free(buf);
		free(mem);
		return -1;
	}
	crypto_hash_sha256_init(&st);
	while (done < size) {
		n = size - done < BLOCK ? (size_t)(size - done) : BLOCK;
		for (i = 0; i < n; i += sizeof(v)) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			v = s;
			memcpy(buf + i, &v, n - i < sizeof(v) ? n - i :
			    sizeof(v));
		}
		crypto_hash_sha256_update(&st, buf, n);
		if (mem != NULL)
			memcpy(mem + done, buf, n);
		if (write(fd, buf, n) != (ssize_t)n) {
			warn("%s", path);
			close(fd);
			free(buf);
			free(mem);
			return -1;
		}
		done += n;
	}
	free(buf);
	close(fd);
	crypto_hash_sha256_final(&st, h);
	hex_encode(h, sizeof(h), hex);
	if (keep != NULL)
		*keep = mem;
	return 0;
}

static void
xfer_set(struct xfer *x, int from, int to, const char *path,
    const uint8_t *data, uint64_t size, const char *sha_hex)
{
	memset(x, 0, sizeof(*x));
	x->from = from;
	x->to = to;
	x->path = path;
	x->data = data;
	x->size = size;
	x->sha_hex = sha_hex;
}

/* The table's rows, on loopback then across the link: see files_print. */
enum { R_SAME, R_TO_TOX, R_FROM_TOX, R_LINK };

/* The four transfers in a world placed as lk says, into rows base.. */
static int
files_world(int base, const char *big, const char *big_hex, uint64_t bsize,
    const char *small, const char *small_hex, const uint8_t *mem,
    uint64_t ssize, struct obs o[SIDES])
{
	struct xfer	xs[4];
	int		i, rc = -1;

	memset(&w, 0, sizeof(w));
	if (world_up() == -1)
		goto out;
	/* the libtoxcore pair first: its friends are dropped once no
	 * longer iterated, and A -> B needs neither */
	xfer_set(&xs[0], X, Y, small, mem, ssize, small_hex);
	xfer_set(&xs[1], A, X, small, mem, ssize, small_hex);
	xfer_set(&xs[2], X, A, small, mem, ssize, small_hex);
	xfer_set(&xs[3], A, B, big, NULL, bsize, big_hex);
	for (i = 0; i < 4; i++)
		(void)xfer_run(&xs[i]);
	o[SIDE_BULKHEAD].file_mb_s[base + R_SAME] = xs[3].mb_s;
	o[SIDE_BULKHEAD].file_cpu_s_gib[base + R_SAME] = xs[3].cpu_s_gib;
	o[SIDE_BULKHEAD].file_mb_s[base + R_TO_TOX] = xs[1].mb_s;
	o[SIDE_BULKHEAD].file_cpu_s_gib[base + R_TO_TOX] = xs[1].cpu_s_gib;
	o[SIDE_BULKHEAD].file_mb_s[base + R_FROM_TOX] = xs[2].mb_s;
	o[SIDE_BULKHEAD].file_cpu_s_gib[base + R_FROM_TOX] = xs[2].cpu_s_gib;
	for (i = R_SAME; i <= R_FROM_TOX; i++) {
		o[SIDE_LIBTOXCORE].file_mb_s[base + i] = xs[0].mb_s;
		o[SIDE_LIBTOXCORE].file_cpu_s_gib[base + i] = xs[0].cpu_s_gib;
	}
	/* sticky over the repeats: a row says so if any run was capped */
	row_capped[base + R_SAME] |= xs[3].capped || xs[0].capped;
	row_capped[base + R_TO_TOX] |= xs[1].capped || xs[0].capped;
	row_capped[base + R_FROM_TOX] |= xs[2].capped || xs[0].capped;
	rc = 0;
out:
	world_down();
	return rc;
}

/* A link's hosts, up; 0, or -1 (then link_free it).  rate 0: no
 * bottleneck. */
static int
link_up(struct link *l, int delay_ms, int loss_ppm, long rate, int queue_ms)
{
	char	prefix[32];
	int	h;

	if (link_init(l) == -1)
		return -1;
	snprintf(prefix, sizeof(prefix), "bhlink-%d", (int)getpid());
	for (h = 0; h < NHOSTS; h++)
		if (link_host(l, prefix, host_addr[h]) != h)
			return -1;
	/* A and X on one side, B and Y on the other (tox-bootstrapd too) */
	link_bottleneck(l, rate, queue_ms, (const int[NHOSTS]){ 0, 1, 0, 1,
	    1 });
	return link_start(l, delay_ms, loss_ppm);
}

static int
never(void *arg)
{
	(void)arg;
	return 0;
}

/* Runs every node for secs; what crossed the link meanwhile from A to B
 * and from X to Y, in MB/s. */
static void
fair_phase(int secs, double *ab, double *xy)
{
	struct toxpeer	*ps[2] = { &w.tp[0], &w.tp[1] };
	struct bh	*bs[2] = { &w.bh[0], &w.bh[1] };
	unsigned long long ab0, xy0;
	long long	 t0 = run_now_ns();
	double		 dt;

	ab0 = lk->counts->bytes[H_A][H_B];
	xy0 = lk->counts->bytes[H_X][H_Y];
	(void)run(ps, 2, bs, 2, secs * 1000, never, NULL);
	dt = (double)(run_now_ns() - t0) / 1e9;
	*ab = (double)(lk->counts->bytes[H_A][H_B] - ab0) / 1e6 / dt;
	*xy = (double)(lk->counts->bytes[H_X][H_Y] - xy0) / 1e6 / dt;
	fprintf(stderr, "bench: fairness: %.0f s: A -> B %.2f MB/s, X -> Y "
	    "%.2f MB/s\n", dt, *ab, *xy);
}

/*
 * Two flows on one bottleneck (lk's): libtoxcore X -> Y alone, then with
 * bulkhead A -> B, then A -> B alone.  Both send the same source, far
 * more than moves in the time; both are cancelled at the end.
 */
static int
files_fair(const char *path, const char *hex, const uint8_t *mem,
    uint64_t size, struct obs o[SIDES])
{
	struct toxpeer	*ps[2] = { &w.tp[0], &w.tp[1] };
	struct bh	*bs[2] = { &w.bh[0], &w.bh[1] };
	struct toxpeer_file *txy;
	struct xfer	 xab;
	json_t		*r;
	double		 ab, xy, ab_alone, xy_alone, ab_both, xy_both;
	int		 rc = -1;

	memset(&w, 0, sizeof(w));
	if (world_up() == -1)
		goto out;
	xfer_set(&xab, A, B, path, NULL, size, hex);
	xab.in_file = xab.out_file = -1;
	if ((txy = toxpeer_file_send(tp_of(X), (uint32_t)w.tnum[0][Y],
	    TOX_FILE_KIND_DATA, mem, size, 0, NULL, "fair.bin", 8)) == NULL)
		goto out;
	fair_phase(FAIR_PHASE_S, &ab, &xy_alone);
	w.cur = &xab;
	r = bh_call(bh_of(A), json_pack("{s:s, s:I, s:s}", "cmd",
	    "file_send", "friend", (json_int_t)w.num[A][B], "path", path),
	    T_REPLY);
	if (r == NULL || !json_is_true(json_object_get(r, "ok"))) {
		warnx("%s: file_send failed", who_name[A]);
		json_decref(r);
		goto out;
	}
	xab.out_file = json_integer_value(json_object_get(r, "file"));
	json_decref(r);
	fair_phase(FAIR_PHASE_S, &ab_both, &xy_both);
	(void)toxpeer_file_cancel(tp_of(X), txy);
	fair_phase(FAIR_PHASE_S, &ab_alone, &xy);
	xab.capped = 1;		/* cancelled by us: not a failure */
	bh_put(A, json_pack("{s:s, s:I, s:I}", "cmd", "file_cancel", "friend",
	    (json_int_t)w.num[A][B], "file", (json_int_t)xab.out_file));
	(void)run(ps, 2, bs, 2, T_SETTLE, never, NULL);
	if (xab.failed || xab.in_path[0] == '\0') {
		warnx("fairness: A -> B did not run");
		goto out;
	}
	(void)unlink(xab.in_path);
	o[SIDE_BULKHEAD].fair_alone_mb_s = ab_alone;
	o[SIDE_BULKHEAD].fair_shared_mb_s = ab_both;
	o[SIDE_LIBTOXCORE].fair_alone_mb_s = xy_alone;
	o[SIDE_LIBTOXCORE].fair_shared_mb_s = xy_both;
	rc = 0;
out:
	w.cur = NULL;
	world_down();
	return rc;
}

int
files_once(int mb, int only_fair, struct obs o[SIDES])
{
	struct link	 l;
	char		 big[128], small[128], fair[128], c[96];
	char		 big_hex[65], small_hex[65], fair_hex[65];
	uint8_t		*mem = NULL, *fair_mem = NULL;
	uint64_t	 bsize = (uint64_t)mb << 20, ssize;
	int		 i, s, rc = -1;

	libtox_mb_of = mb / 10 > 0 ? mb / 10 : 1;
	ssize = (uint64_t)libtox_mb_of << 20;
	for (s = 0; s < SIDES; s++) {
		for (i = 0; i < RUN_FILE_ROWS; i++)
			o[s].file_mb_s[i] = o[s].file_cpu_s_gib[i] =
			    RUN_NOT_MEASURED;
		o[s].fair_alone_mb_s = o[s].fair_shared_mb_s =
		    RUN_NOT_MEASURED;
	}
	/* on disk: the bench's /tmp is a small tmpfs; named by our pid, so
	 * the parent can remove it if we are killed (bench.c) */
	snprintf(top, sizeof(top), "/var/tmp/bh-bench-files-%d-XXXXXX",
	    (int)getpid());
	if (mkdtemp(top) == NULL) {
		warn("mkdtemp");
		return -1;
	}
	snprintf(big, sizeof(big), "%s/bulkhead-%dMiB.bin", top, mb);
	snprintf(small, sizeof(small), "%s/libtoxcore-%dMiB.bin", top,
	    libtox_mb_of);
	fprintf(stderr, "bench: files: writing %d MiB and %d MiB of "
	    "sources\n", mb, libtox_mb_of);
	snprintf(fair, sizeof(fair), "%s/fair-%dMiB.bin", top, FAIR_MB);
	if (make_source(big, bsize, NULL, big_hex) == -1 ||
	    make_source(small, ssize, &mem, small_hex) == -1 ||
	    make_source(fair, (uint64_t)FAIR_MB << 20, &fair_mem, fair_hex) ==
	    -1)
		goto out;
	lk = NULL;
	if (only_fair)
		goto fair;
	fprintf(stderr, "bench: files: on loopback\n");
	if (files_world(0, big, big_hex, bsize, small, small_hex, mem, ssize,
	    o) == 0)
		rc = 0;
	fprintf(stderr, "bench: files: across a link of %d ms and %d.%02d %% "
	    "loss each way\n", FILES_LINK_DELAY_MS, FILES_LINK_LOSS_PPM /
	    10000, FILES_LINK_LOSS_PPM / 100 % 100);
	if (link_up(&l, FILES_LINK_DELAY_MS, FILES_LINK_LOSS_PPM, 0, 0) ==
	    0) {
		lk = &l;
		if (files_world(R_LINK, big, big_hex, bsize, small, small_hex,
		    mem, ssize, o) == 0)
			rc = 0;
		lk = NULL;
	} else
		warnx("no impaired link: its rows are not measured");
	link_free(&l);
fair:
	fprintf(stderr, "bench: files: two at once through %.1f MB/s (a "
	    "queue of %d ms, %d ms each way)\n", FAIR_RATE / 1e6,
	    FAIR_QUEUE_MS, FILES_LINK_DELAY_MS);
	if (link_up(&l, FILES_LINK_DELAY_MS, 0, FAIR_RATE, FAIR_QUEUE_MS) ==
	    0) {
		lk = &l;
		if (files_fair(fair, fair_hex, fair_mem, (uint64_t)FAIR_MB << 20,
		    o) == 0)
			rc = 0;
		lk = NULL;
	} else
		warnx("no bottleneck: its rows are not measured");
	link_free(&l);
out:
	free(mem);
	free(fair_mem);
	snprintf(c, sizeof(c), "rm -rf '%s'", top);
	if (system(c) != 0)
		warnx("could not remove %s", top);
	return rc;
}

/* A row's figure for the table: rows come in pairs (MB/s, CPU). */
static double
f_at(const struct obs *o, int i)
{
	return i % 2 == 0 ? o->file_mb_s[i / 2] : o->file_cpu_s_gib[i / 2];
}

#define F(i) static double f##i(const struct obs *o) { return f_at(o, i); }
F(0) F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8) F(9) F(10) F(11)
#undef F

static double
fair_alone(const struct obs *o)
{
	return o->fair_alone_mb_s;
}

static double
fair_shared(const struct obs *o)
{
	return o->fair_shared_mb_s;
}

void
files_print(int mb, const struct obs (*o)[SIDES], int nrep)
{
	static char	 name[2 * RUN_FILE_ROWS + 2][120];
	static const char *const kind[RUN_FILE_ROWS / 2] = {
		"file to its own kind",
		"file bulkhead -> libtoxcore",
		"file libtoxcore -> bulkhead",
	};
	double		 (*const fn[2 * RUN_FILE_ROWS + 2])(const struct obs *) =
			    { f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11,
			    fair_alone, fair_shared };
	struct figure	 fig[2 * RUN_FILE_ROWS + 2];
	char		 where[48];
	int		 i, row;

	snprintf(where, sizeof(where), "%d ms + %d %% loss", FILES_LINK_DELAY_MS,
	    FILES_LINK_LOSS_PPM / 10000);
	for (i = 0; i < 2 * RUN_FILE_ROWS; i++) {
		row = i / 2;
		if (i % 2 == 0)
			snprintf(name[i], sizeof(name[i]), "%s, %s (MB/s)%s",
			    kind[row % 3], row < R_LINK ? "loopback" : where,
			    row_capped[row] ? " [capped]" : "");
		else
			snprintf(name[i], sizeof(name[i]), "  CPU per GiB, all "
			    "processes (s)");
		fig[i].name = name[i];
		fig[i].decimals = i % 2 ? 2 : 1;
		fig[i].value = fn[i];
	}
	snprintf(name[i], sizeof(name[i]), "bottleneck %.0f MB/s: a transfer "
	    "alone (MB/s)", FAIR_RATE / 1e6);
	snprintf(name[i + 1], sizeof(name[i + 1]), "  the two at once, each "
	    "(MB/s)");
	for (; i < 2 * RUN_FILE_ROWS + 2; i++) {
		fig[i].name = name[i];
		fig[i].decimals = 2;
		fig[i].value = fn[i];
	}
	printf("issue 12 (bench/bench_files.c), %d run%s (BENCH_FILE_REPEATS): "
	    "two bulkhead sessions (A, B) and two libtoxcore clients in the bench's\n"
	    "  own process (tests/lib/toxpeer, iterated as tox.h says: X, "
	    "Y), friends A-B, X-Y and A-X over UDP\n", nrep,
	    nrep == 1 ? "" : "s");
	printf("sizes: bulkhead -> bulkhead %d MiB (BENCH_FILE_MB), every "
	    "transfer with libtoxcore %d MiB (a tenth)\n", mb, libtox_mb_of);
	printf("timed from the send (bulkhead: `file_send` written; "
	    "libtoxcore: tox_file_send()) until both ends report it done;\n"
	    "  the receiver accepts at once; MB = 10^6 bytes; each file "
	    "checked by SHA-256 (bulkhead's file_done, the file on disk,\n"
	    "  the client's hash of what it received)\n");
	printf("the libtoxcore column is libtoxcore -> libtoxcore on every "
	    "row: under bulkhead, \"its own kind\" is bulkhead -> bulkhead;\n"
	    "  the mixed rows have the mixed transfer under bulkhead\n");
	printf("CPU: every process of each bulkhead session taking part "
	    "(schedstat), and the bench process's own CPU time when a\n"
	    "  libtoxcore client takes part (both clients, and its reading "
	    "of bulkhead's JSON in the mixed rows)\n");
	printf("[capped]: a transfer in the row ran past %d s: cancelled "
	    "there, its figure is over the bytes that arrived (checked to "
	    "be\n  the file's first bytes)\n", FILES_CAP_S);
	printf("loopback: every node on the bench's one address; %s: every "
	    "node in a namespace of its own, each packet held\n  %d ms and "
	    "dropped with %d %% probability, each way, by a relay between "
	    "their TUN devices (bench/link.c: this\n  kernel has no netem); "
	    "its CPU is not counted\n", where, FILES_LINK_DELAY_MS,
	    FILES_LINK_LOSS_PPM / 10000);
	printf("bottleneck: the same relay puts A and X on one side, B and Y "
	    "on the other, joined by %.0f MB/s each way (a queue of\n"
	    "  %d ms of it, tail drop; %d ms each way, no random loss); "
	    "libtoxcore X -> Y alone, then with bulkhead "
	    "A -> B, then A -> B alone, %d s each; MB/s of the link\n"
	    "  (packets with their headers) each flow had\n\n",
	    FAIR_RATE / 1e6, FAIR_QUEUE_MS, FILES_LINK_DELAY_MS, FAIR_PHASE_S);
	table_print(stdout, fig, 2 * RUN_FILE_ROWS + 2, o, nrep);
}
