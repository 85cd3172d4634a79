/* Relaying the roles' log lines: see logrelay.h. */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/mono.h"
#include "common/textsafe.h"
#include "supervisor/logrelay.h"

/* The queue in front of stderr: whole lines, oldest first. */
static struct {
	struct ev_src	src;
	int		active;
	int		fd;
	int		own;		/* our own reopening of fd 2 */
	int		restore_fl;	/* fd 2's flags to restore, or -1 */
	int		sock;		/* a socket: MSG_DONTWAIT */
	int		polled;		/* waiting for EPOLLOUT */
	int		mid;		/* first line partly written */
	char		q[LOGRELAY_QUEUE];
	size_t		off, end;
	uint64_t	dropped;	/* not yet reported */
	uint64_t	dropped_total;
} out = { .fd = STDERR_FILENO, .restore_fl = -1 };

static void	out_drain(void);

static void
out_poll(int on)
{
	if (on && !out.polled)
		out.polled = loop_try_add(&out.src, EPOLLOUT) == 0;
	else if (!on && out.polled) {
		loop_del(&out.src);
		out.polled = 0;
	}
}

static void
out_cb(struct ev_src *src, uint32_t events)
{
	(void)src;
	(void)events;
	out_drain();
}

static ssize_t
out_write(const char *p, size_t n)
{
	if (out.sock)
		return send(out.fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	return write(out.fd, p, n);
}

/* Makes room for n bytes by dropping the oldest whole lines. */
static int
out_room(size_t n)
{
	size_t	 start, len;
	char	*nl;

	if (out.end + n > sizeof(out.q)) {
		memmove(out.q, out.q + out.off, out.end - out.off);
		out.end -= out.off;
		out.off = 0;
	}
	while (out.end + n > sizeof(out.q)) {
		start = 0;
		/* a line half written is finished first, never cut */
		if (out.mid && (nl = memchr(out.q, '\n', out.end)) != NULL)
			start = (size_t)(nl - out.q) + 1;
		if ((nl = memchr(out.q + start, '\n', out.end - start)) == NULL)
			return -1;
		len = (size_t)(nl - (out.q + start)) + 1;
		memmove(out.q + start, out.q + start + len,
		    out.end - start - len);
		out.end -= len;
		out.dropped++;
		out.dropped_total++;
	}
	return 0;
}

static void
out_put(const char *p, size_t n)
{
	if (!out.active) {
		if (write(STDERR_FILENO, p, n) == -1) {
			/* nowhere to report it */
		}
		return;
	}
	if (n > sizeof(out.q) / 2)
		n = sizeof(out.q) / 2;
	if (out_room(n) == -1) {
		out.dropped++;
		out.dropped_total++;
		return;
	}
	memcpy(out.q + out.end, p, n);
	out.end += n;
	if (!out.polled)
		out_drain();
}

static void
out_drain(void)
{
	char	msg[128];
	ssize_t	n;
	int	len;

	for (;;) {
		if (out.off == out.end) {
			out.off = out.end = 0;
			out.mid = 0;
			if (out.dropped == 0)
				break;
			/* stderr takes lines again: say what it missed */
			len = snprintf(msg, sizeof(msg), "bulkhead: %llu log "
			    "lines dropped: stderr was not being read\n",
			    (unsigned long long)out.dropped);
			out.dropped = 0;
			memcpy(out.q, msg, (size_t)len);
			out.end = (size_t)len;
			continue;
		}
		n = out_write(out.q + out.off, out.end - out.off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			out_poll(1);
			return;
		}
		/* stderr is gone: nothing to keep */
		if (n <= 0) {
			out.off = out.end = 0;
			out.mid = 0;
			out.dropped = 0;
			break;
		}
		out.off += (size_t)n;
		out.mid = out.q[out.off - 1] != '\n';
	}
	out_poll(0);
}

static void
sink(const char *line, size_t len, int final)
{
	out_put(line, len);
	if (final)
		logrelay_finish(1000);
}

void
logrelay_init(int fd)
{
	struct stat	st;
	char		path[64];
	int		nfd, fl;

	memset(&out, 0, sizeof(out));
	out.fd = fd;
	out.restore_fl = -1;
	if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode))
		out.sock = 1;
	else if (fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || isatty(fd))) {
		/*
		 * A pipe or a terminal can block.  O_NONBLOCK goes on a new
		 * open file description of our own: setting it on fd 2
		 * itself would change it for the shell that shares it.
		 */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if ((nfd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY |
		    O_CLOEXEC)) != -1) {
			out.fd = nfd;
			out.own = 1;
		} else if ((fl = fcntl(fd, F_GETFL)) != -1 &&
		    fcntl(fd, F_SETFL, fl | O_NONBLOCK) != -1)
			out.restore_fl = fl;
	}
	/* A regular file or /dev/null: plain writes do not block. */
	out.src.fd = out.fd;
	out.src.cb = out_cb;
	out.active = 1;
	log_set_sink(sink);
}

void
logrelay_finish(int timeout_ms)
{
	struct pollfd	pfd;
	uint64_t	deadline = mono_ms() + (uint64_t)timeout_ms;
	uint64_t	now;

	if (!out.active)
		return;
	out_poll(0);
	for (;;) {
		out_drain();
		out_poll(0);
		if (out.off == out.end || (now = mono_ms()) >= deadline)
			break;
		pfd.fd = out.fd;
		pfd.events = POLLOUT;
		(void)poll(&pfd, 1, (int)(deadline - now));
	}
	log_set_sink(NULL);
	if (out.restore_fl != -1)
		(void)fcntl(out.fd, F_SETFL, out.restore_fl);
	if (out.own)
		close(out.fd);
	out.active = 0;
}

uint64_t
logrelay_dropped_total(void)
{
	return out.dropped_total;
}

void
logrelay_emit(const char *p, size_t n)
{
	char	line[LOGRELAY_LINE + 2];
	size_t	len;

	if (n > LOGRELAY_LINE)
		n = LOGRELAY_LINE;
	len = textsafe(p, n, line, sizeof(line) - 1);
	line[len++] = '\n';
	out_put(line, len);
}

static void
report_cb(struct timer *t)
{
	struct logrelay	*lr = t->arg;

	if (lr->suppressed == 0)
		return;
	log_warnx("%s: %llu log lines not shown (more than %d a second)",
	    lr->name, (unsigned long long)lr->suppressed, LOGRELAY_RATE);
	lr->suppressed = 0;
}

/* One complete line from a role, within its rate. */
static void
relay_line(struct logrelay *lr, const char *p, size_t n)
{
	uint64_t	now = mono_ms();

	if (now - lr->window >= 1000) {
		lr->window = now;
		lr->lines = 0;
	}
	if (lr->lines >= LOGRELAY_RATE) {
		if (lr->suppressed++ == 0)
			timer_at(&lr->report, lr->window + 1000);
		return;
	}
	lr->lines++;
	logrelay_emit(p, n);
}

static void
relay_cb(struct ev_src *src, uint32_t events)
{
	struct logrelay	*lr = src->arg;
	char		*nl;
	ssize_t		 n;
	size_t		 used;

	(void)events;
	n = read(src->fd, lr->buf + lr->len, sizeof(lr->buf) - lr->len);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (lr->len > 0)
			relay_line(lr, lr->buf, lr->len);
		logrelay_close(lr);
		return;
	}
	lr->len += (size_t)n;
	while ((nl = memchr(lr->buf, '\n', lr->len)) != NULL) {
		used = (size_t)(nl - lr->buf) + 1;
		relay_line(lr, lr->buf, used - 1);
		memmove(lr->buf, lr->buf + used, lr->len - used);
		lr->len -= used;
	}
	if (lr->len == sizeof(lr->buf)) {	/* an over-long line: cut it */
		relay_line(lr, lr->buf, lr->len);
		lr->len = 0;
	}
}

void
logrelay_open(struct logrelay *lr, int fd, const char *name)
{
	int	fl;

	logrelay_close(lr);	/* a restarted role's old pipe, if open */
	memset(lr, 0, sizeof(*lr));
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		fatal("%s: fcntl", __func__);
	lr->name = name;
	lr->src.fd = fd;
	lr->src.cb = relay_cb;
	lr->src.arg = lr;
	timer_init(&lr->report, report_cb, lr);
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
	lr->src.fd = -1;	/* an event left in this round reads nothing */
	lr->open = 0;
	timer_cancel(&lr->report);
	report_cb(&lr->report);
}
