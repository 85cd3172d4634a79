/* fetchd's output, collected and handed on: see fetch_buf.h. */
#include <sys/epoll.h>
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "ipc/msg_nodes.h"
#include "supervisor/fetch_buf.h"

static struct ev_src	 src = { .fd = -1 };
static char		*buf;
static size_t		 len;
static void		(*on_done)(long);

static void
finish(long result)
{
	void	(*done)(long) = on_done;

	if (src.fd != -1) {
		loop_del(&src);
		(void)close(src.fd);
		src.fd = -1;
	}
	on_done = NULL;
	if (done != NULL)
		done(result);
}

static void
readable(struct ev_src *s, uint32_t events)
{
	ssize_t	n;

	for (;;) {
		/* one byte past the bound shows a list that is too large */
		n = read(s->fd, buf + len, NODES_LIST_MAX + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n == -1) {
			log_warn("reading the fetched nodes list");
			finish(-1);
			return;
		}
		if (n == 0) {
			finish((long)len);
			return;
		}
		len += (size_t)n;
		if (len > NODES_LIST_MAX) {
			log_warnx("the fetched nodes list is larger than %d "
			    "bytes: ignored", NODES_LIST_MAX);
			finish(-1);
			return;
		}
	}
}

void
fetch_buf_start(int fd, void (*done)(long))
{
	fetch_buf_clear();
	if ((buf = malloc(NODES_LIST_MAX + 1)) == NULL)
		fatal("%s: malloc", __func__);
	len = 0;
	on_done = done;
	if (fcntl(fd, F_SETFL, O_NONBLOCK) == -1)
		fatal("%s: fcntl", __func__);
	src.fd = fd;
	src.cb = readable;
	src.arg = NULL;
	loop_add(&src, EPOLLIN);
}

int
fetch_buf_memfd(void)
{
	size_t	off = 0;
	ssize_t	n;
	int	fd;

	if (buf == NULL || (fd = memfd_create("bulkhead-nodes",
	    MFD_CLOEXEC | MFD_ALLOW_SEALING)) == -1)
		return -1;
	while (off < len) {
		if ((n = write(fd, buf + off, len - off)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			(void)close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	/* the reader gets these bytes and no others, whatever it tries */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
	    F_SEAL_WRITE | F_SEAL_SEAL) == -1 ||
	    lseek(fd, 0, SEEK_SET) == -1) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

void
fetch_buf_clear(void)
{
	on_done = NULL;
	if (src.fd != -1) {
		loop_del(&src);
		(void)close(src.fd);
		src.fd = -1;
	}
	free(buf);
	buf = NULL;
	len = 0;
}
