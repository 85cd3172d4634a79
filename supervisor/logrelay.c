/* Relaying the roles' log lines: see logrelay.h. */
#include <sys/epoll.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "supervisor/logrelay.h"

void
logrelay_emit(const char *p, size_t n)
{
	char	out[LOGRELAY_LINE + 1];
	size_t	i;

	if (n > LOGRELAY_LINE)
		n = LOGRELAY_LINE;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		out[i] = (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c;
	}
	out[n] = '\n';
	if (write(STDERR_FILENO, out, n + 1) == -1) {
		/* nowhere to report it */
	}
}

static void
relay_cb(struct ev_src *src, uint32_t events)
{
	struct logrelay	*lr = src->arg;
	char		*nl;
	ssize_t		 n;
	size_t		 used;

	n = read(src->fd, lr->buf + lr->len, sizeof(lr->buf) - lr->len);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (lr->len > 0)
			logrelay_emit(lr->buf, lr->len);
		logrelay_close(lr);
		return;
	}
	lr->len += (size_t)n;
	while ((nl = memchr(lr->buf, '\n', lr->len)) != NULL) {
		used = (size_t)(nl - lr->buf) + 1;
		logrelay_emit(lr->buf, used - 1);
		memmove(lr->buf, lr->buf + used, lr->len - used);
		lr->len -= used;
	}
	if (lr->len == sizeof(lr->buf)) {	/* an over-long line: cut it */
		logrelay_emit(lr->buf, lr->len);
		lr->len = 0;
	}
}

void
logrelay_open(struct logrelay *lr, int fd)
{
	int	fl;

	memset(lr, 0, sizeof(*lr));
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		fatal("%s: fcntl", __func__);
	lr->src.fd = fd;
	lr->src.cb = relay_cb;
	lr->src.arg = lr;
	lr->open = 1;
	loop_add(&lr->src, EPOLLIN);
}

void
logrelay_close(struct logrelay *lr)
{
	if (!lr->open)
		return;
	loop_del(&lr->src);
	close(lr->src.fd);
	lr->open = 0;
}
