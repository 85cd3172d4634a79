/*
 * The supervisor's log relay (supervisor/logrelay.c) over a real pipe: a
 * role's stderr is hostile bytes, written in chunks whose sizes the input
 * chooses, relayed through the event loop to the supervisor's stderr (a
 * memfd here).  What comes out must be exactly the model: the stream cut
 * at each newline and every LOGRELAY_LINE bytes without one, the rest
 * emitted at EOF, C0 controls but tab and DEL shown as '?', one '\n' per
 * line.  Nothing may crash or leak the pipe.
 *
 * Input: [n u8] then n chunk lengths (u8 each, times 7, so a chunk can
 * exceed one line), then the stream bytes.
 *
 * The filter is the one on this branch; the rewrite of the relay and its
 * filter (common/textsafe.c) must be re-pointed here when merged.
 */
#include <sys/mman.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "supervisor/logrelay.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
void __sanitizer_set_report_fd(void *);

static int	 out_fd = -1, saved_err = -1;
static char	*model;
static size_t	 model_len, model_cap;

static void
model_put(char c)
{
	if (model_len == model_cap) {
		model_cap = model_cap ? model_cap * 2 : 4096;
		if ((model = realloc(model, model_cap)) == NULL)
			abort();
	}
	model[model_len++] = c;
}

static void
model_line(const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		model_put((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f ?
		    '?' : (char)p[i]);
	model_put('\n');
}

/* What the relay must print for the whole stream. */
static void
model_stream(const uint8_t *p, size_t n)
{
	size_t	start = 0, i;

	model_len = 0;
	for (i = 0; i < n; i++) {
		if (p[i] == '\n') {
			model_line(p + start, i - start);
			start = i + 1;
		} else if (i + 1 - start == LOGRELAY_LINE) {
			model_line(p + start, LOGRELAY_LINE);
			start = i + 1;
		}
	}
	if (start < n)
		model_line(p + start, n - start);
}

/* Runs the loop with stderr pointing at the capture. */
static void
pump(void)
{
	if (dup2(out_fd, STDERR_FILENO) == -1)
		abort();
	loop_once(0);
	if (dup2(saved_err, STDERR_FILENO) == -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t	 got[1 << 20];
	struct logrelay	 lr;
	const uint8_t	*chunks, *s;
	size_t		 nchunks, slen, off, want, i;
	ssize_t		 n;
	int		 p[2], spins;

	if (out_fd == -1) {
		log_init("fuzz", LOG_LVL_ERROR);
		loop_init();
		if ((out_fd = memfd_create("stderr", MFD_CLOEXEC)) == -1 ||
		    (saved_err = dup(STDERR_FILENO)) == -1)
			abort();
		/* sanitizer reports go to the real stderr, not the capture */
		__sanitizer_set_report_fd((void *)(intptr_t)saved_err);
	}
	if (size < 1)
		return 0;
	nchunks = data[0];
	if (size < 1 + nchunks)
		return 0;
	chunks = data + 1;
	s = data + 1 + nchunks;
	slen = size - 1 - nchunks;
	if (ftruncate(out_fd, 0) == -1 || lseek(out_fd, 0, SEEK_SET) == -1)
		abort();
	if (pipe2(p, O_CLOEXEC) == -1)
		abort();
	logrelay_open(&lr, p[0]);
	/* the writer blocks on a full pipe: the relay reads in between */
	if (fcntl(p[1], F_SETFL, O_NONBLOCK) == -1)
		abort();
	for (off = 0, i = 0; off < slen; i++) {
		want = nchunks ? (size_t)chunks[i % nchunks] * 7 + 1 : slen;
		if (want > slen - off)
			want = slen - off;
		if ((n = write(p[1], s + off, want)) > 0)
			off += (size_t)n;
		pump();
	}
	close(p[1]);
	for (spins = 0; lr.open && spins < 1000; spins++)
		pump();
	if (lr.open)
		abort();		/* EOF never seen */
	if (fcntl(p[0], F_GETFD) != -1)
		abort();		/* the relay must close its end */

	model_stream(s, slen);
	n = pread(out_fd, got, sizeof(got), 0);
	if (n < 0 || (size_t)n != model_len || memcmp(got, model, model_len))
		abort();
	for (i = 0; i < (size_t)n; i++)
		if ((got[i] < 0x20 && got[i] != '\t' && got[i] != '\n') ||
		    got[i] == 0x7f)
			abort();
	return 0;
}
