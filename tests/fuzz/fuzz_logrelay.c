/*
 * The supervisor's log relay (supervisor/logrelay.c) over a real pipe: a
 * role's stderr is hostile bytes, written in chunks whose sizes the input
 * chooses, relayed through the event loop and the relay's non-blocking
 * queue to the supervisor's stderr (a memfd here).  What comes out must be
 * whole lines, each at most one relay line long, each already terminal-
 * safe (common/textsafe.c leaves it unchanged: valid UTF-8, no C0, DEL,
 * C1, bidi or zero-width character), no more of them than the stream had
 * plus the relay's own reports; the relay closes its end at EOF, and
 * nothing crashes.
 *
 * Input: [n u8] then n chunk lengths (u8 each, times 7, so a chunk can
 * exceed one line), then the stream bytes.
 */
#include <sys/mman.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "common/textsafe.h"
#include "supervisor/logrelay.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
void __sanitizer_set_report_fd(void *);

static int	 out_fd = -1;

/* Lines in the stream as the relay cuts them: at each newline, and every
 * LOGRELAY_LINE bytes without one; the rest at EOF. */
static size_t
stream_lines(const uint8_t *p, size_t n)
{
	size_t	start = 0, i, lines = 0;

	for (i = 0; i < n; i++)
		if (p[i] == '\n' || i + 1 - start == LOGRELAY_LINE) {
			lines++;
			start = i + 1;
		}
	return lines + (start < n);
}

static void
pump(void)
{
	loop_once(0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t	 got[1 << 20];
	static char	 safe[2 * LOGRELAY_LINE + 256];
	static struct logrelay lr;	/* zeroed: open closes an old one */
	const uint8_t	*chunks, *s;
	size_t		 nchunks, slen, off, want, i, start, lines;
	ssize_t		 n;
	int		 p[2], spins;

	if (out_fd == -1) {
		log_init("fuzz", LOG_LVL_ERROR);
		loop_init();
		/* a regular file: the relay's writes never block on it */
		if ((out_fd = memfd_create("stderr", MFD_CLOEXEC)) == -1)
			abort();
		logrelay_init(out_fd);
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
	logrelay_open(&lr, p[0], "role");
	/* the writer would block on a full pipe: the relay reads between */
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
	for (spins = 0; spins < 4; spins++)
		pump();			/* the queue, out to the memfd */

	n = pread(out_fd, got, sizeof(got), 0);
	if (n < 0 || (n > 0 && got[n - 1] != '\n'))
		abort();		/* whole lines only */
	for (lines = 0, start = 0, i = 0; i < (size_t)n; i++) {
		if (got[i] != '\n')
			continue;
		if (i - start > LOGRELAY_LINE + 128)
			abort();	/* one line, and a report at most */
		/* already safe: the filter leaves it as it is */
		if (textsafe((const char *)got + start, i - start, safe,
		    sizeof(safe)) != i - start ||
		    memcmp(safe, got + start, i - start) != 0)
			abort();
		lines++;
		start = i + 1;
	}
	/* nothing invented: the stream's lines, and a few reports; and
	 * something relayed (a fresh relay's first lines are within its
	 * rate) */
	if (lines > stream_lines(s, slen) + 4 ||
	    (stream_lines(s, slen) > 0 && lines == 0))
		abort();
	return 0;
}
