/*
 * netd's nodes-list stream reader (netd/nodes_feed.c): a list arrives as
 * a descriptor (a pipe from fetchd, or a regular file the user named, which
 * epoll refuses and the reader reads at once), read without blocking in
 * the event loop in whatever chunks the writer produces, up to the parser's
 * bound.  fuzz_nodes_json covers the parser itself; this covers the
 * reading around it, and what comes after it.
 *
 * Input: [mode u8][n u8][n chunk lengths u8, times 31] then the list.
 * mode: 0x01 fetched (else a file), 0x02 a regular file (else a pipe),
 * 0x10 two readers at once and a third that must be refused.  (Lists at
 * the size bound are tests/unit/test_nodes_feed.c's: 2 MB per input would
 * make this target crawl.)
 *
 * Invariants: the nodes bootstrapped are exactly those a parse of the
 * whole stream gives, whatever the chunks; each reader tells its caller,
 * once, how many nodes it used (netd's answer to the supervisor for a
 * fetched list: whether keyd keeps it); every descriptor is closed.
 */
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "netd/nodes_feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAXB	NODES_JSON_MAX_BYTES

static struct nodes_list	model, again;
static struct nodes_entry	got[3 * NODES_JSON_MAX_NODES];
static int			ngot, ndone, done_used[3];
static char			*stream;

static void
on_bootstrap(const struct nodes_entry *e, void *arg)
{
	if (ngot == (int)(sizeof(got) / sizeof(got[0])))
		abort();
	got[ngot++] = *e;
}

static void
on_done(int used, void *arg)
{
	int	k = (int)(intptr_t)arg;

	if (k < 0 || k > 2 || done_used[k] != -1)
		abort();		/* once per reader */
	done_used[k] = used;
	ndone++;
}

static int
same_node(const struct nodes_entry *a, const struct nodes_entry *b)
{
	return memcmp(a->pk, b->pk, sizeof(a->pk)) == 0 &&
	    a->has_v4 == b->has_v4 && a->has_v6 == b->has_v6 &&
	    (!a->has_v4 || memcmp(a->v4, b->v4, 4) == 0) &&
	    (!a->has_v6 || memcmp(a->v6, b->v6, 16) == 0) &&
	    a->port == b->port && a->ntcp == b->ntcp &&
	    memcmp(a->tcp_ports, b->tcp_ports,
	    (size_t)a->ntcp * sizeof(a->tcp_ports[0])) == 0 &&
	    a->udp_up == b->udp_up;
}

static int
open_fd(const char *p, size_t n, int regular, int *wr)
{
	int	fds[2];

	*wr = -1;
	if (regular) {
		if ((fds[0] = memfd_create("nodes", MFD_CLOEXEC)) == -1 ||
		    (n > 0 && write(fds[0], p, n) != (ssize_t)n) ||
		    lseek(fds[0], 0, SEEK_SET) == -1)
			abort();
		return fds[0];
	}
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) == -1)
		abort();
	*wr = fds[1];
	return fds[0];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int		 inited;
	struct nodes_feed_ops	 ops = { on_bootstrap, NULL };
	const uint8_t		*chunks;
	size_t			 nchunks, len, off[2], want, i;
	ssize_t			 n;
	char			 err[256];
	uint8_t			 mode;
	int			 rd[3], wr[3], nrd, k, spins, parsed, used;

	if (!inited) {
		log_init("fuzz", LOG_LVL_ERROR);
		signal(SIGPIPE, SIG_IGN);
		loop_init();
		nodes_feed_init(&ops);
		if ((stream = malloc(MAXB + 1)) == NULL)
			abort();
		inited = 1;
	}
	if (size < 2 || size < 2 + (size_t)data[1])
		return 0;
	mode = data[0];
	nchunks = data[1];
	chunks = data + 2;
	len = size - 2 - nchunks;
	if (len > MAXB)
		return 0;
	memcpy(stream, data + 2 + nchunks, len);
	ngot = ndone = 0;
	done_used[0] = done_used[1] = done_used[2] = -1;

	nrd = mode & 0x10 ? 2 : 1;
	for (k = 0; k < nrd; k++)
		rd[k] = open_fd(stream, len, mode & 0x02, &wr[k]);
	for (k = 0; k < nrd; k++)
		nodes_feed_fd(rd[k], k == 0 && (mode & 0x01) ?
		    NODES_SRC_FETCH : NODES_SRC_FILE, on_done,
		    (void *)(intptr_t)k);
	if (nrd == 2 && !(mode & 0x02)) {
		/* a third at once is refused, and its descriptor closed */
		rd[2] = open_fd(stream, len, 0, &wr[2]);
		nodes_feed_fd(rd[2], NODES_SRC_FILE, on_done, (void *)2);
		if (fcntl(rd[2], F_GETFD) != -1 || done_used[2] != 0)
			abort();	/* refused at once, and said so */
		ndone--;
		close(wr[2]);
	}
	off[0] = off[1] = 0;
	for (i = 0; !(mode & 0x02); i++) {
		for (k = 0; k < nrd; k++) {
			if (off[k] == len)
				continue;
			want = nchunks ? (size_t)chunks[i % nchunks] * 31 + 1 :
			    len;
			if (want > len - off[k])
				want = len - off[k];
			if ((n = write(wr[k], stream + off[k], want)) > 0)
				off[k] += (size_t)n;
			else if (n == -1 && errno == EPIPE)
				off[k] = len;	/* the reader gave up */
		}
		loop_once(0);
		if (off[0] == len && (nrd == 1 || off[1] == len))
			break;
	}
	for (k = 0; k < nrd; k++)
		if (wr[k] != -1)
			close(wr[k]);
	for (spins = 0; spins < 1000; spins++) {
		for (k = 0; k < nrd; k++)
			if (fcntl(rd[k], F_GETFD) != -1)
				break;
		if (k == nrd)
			break;
		loop_once(0);
	}
	if (spins == 1000)
		abort();		/* a reader never finished */

	/* each reader feeds its whole list when it reaches EOF */
	parsed = nodes_json_parse(stream, len, &model, err, sizeof(err)) == 0;
	used = 0;
	for (i = 0; parsed && i < (size_t)model.n; i++)
		if (model.nodes[i].udp_up)
			model.nodes[used++] = model.nodes[i];
	if (ngot != used * nrd)
		abort();
	for (k = 0; k < ngot; k++)
		if (!same_node(&got[k], &model.nodes[k % used]))
			abort();
	/* every reader said once how many it used */
	if (ndone != nrd)
		abort();
	for (k = 0; k < nrd; k++)
		if (done_used[k] != used)
			abort();
	return 0;
}
