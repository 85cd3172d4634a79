/* Feeding bootstrap nodes lists into the DHT: see nodes_feed.h. */
#include <sys/epoll.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "netd/nodes_feed.h"

#define FEED_READERS	2	/* a file and a fetch at once, at most */

struct reader {
	struct ev_src		 src;
	enum nodes_source	 source;
	char			*buf;
	size_t			 len;
	int			 busy;
	void			(*done)(int, void *);
	void			*arg;
};

static struct nodes_feed_ops	ops;
static struct reader		readers[FEED_READERS];
static struct nodes_list	list;		/* 512 nodes: not on the stack */

void
nodes_feed_init(const struct nodes_feed_ops *o)
{
	ops = *o;
}

int
nodes_feed_buf(const char *p, size_t n, enum nodes_source source)
{
	char	err[256];
	int	i, used = 0;

	/*
	 * Nothing fetched: fetchd failed, and the supervisor says so.  A
	 * parse error on top would only mislead (and print across the
	 * user's first prompt).
	 */
	if (n == 0 && source == NODES_SRC_FETCH) {
		log_debug("nodes list: nothing fetched");
		return 0;
	}
	if (nodes_json_parse(p, n, &list, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		return 0;
	}
	for (i = 0; i < list.n; i++) {
		if (list.nodes[i].ntcp > 0 && ops.relay != NULL)
			ops.relay(&list.nodes[i], ops.arg);
		if (!list.nodes[i].udp_up)
			continue;
		if (ops.bootstrap != NULL)
			ops.bootstrap(&list.nodes[i], ops.arg);
		used++;
	}
	log_info("nodes list (%s): %d nodes, %d used, %d skipped",
	    source == NODES_SRC_FETCH ? "fetched" : source == NODES_SRC_FILE ?
	    "file" : "cache", list.n, used, list.skipped);
	return used;
}

static void
reader_done(struct reader *rd)
{
	void	(*done)(int, void *) = rd->done;
	void	*arg = rd->arg;
	int	 used;

	if (rd->src.events != 0)
		loop_del(&rd->src);
	close(rd->src.fd);
	used = nodes_feed_buf(rd->buf, rd->len, rd->source);
	free(rd->buf);
	memset(rd, 0, sizeof(*rd));
	if (done != NULL)
		done(used, arg);
}

static void
reader_cb(struct ev_src *src, uint32_t events)
{
	struct reader	*rd = src->arg;
	ssize_t		 n;

	for (;;) {
		/* one byte past the bound tells a list that is too long
		 * from one of exactly the bound, which the parser takes */
		if (rd->len > NODES_JSON_MAX_BYTES) {
			log_warnx("nodes list too large: ignored");
			reader_done(rd);	/* the parser refuses it */
			return;
		}
		n = read(src->fd, rd->buf + rd->len,
		    NODES_JSON_MAX_BYTES + 1 - rd->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n <= 0) {
			if (n == -1)
				log_warn("reading nodes list");
			reader_done(rd);
			return;
		}
		rd->len += (size_t)n;
	}
}

void
nodes_feed_fd(int fd, enum nodes_source source, void (*done)(int, void *),
    void *arg)
{
	struct reader	*rd = NULL;
	int		 i, fl;

	for (i = 0; i < FEED_READERS; i++)
		if (!readers[i].busy) {
			rd = &readers[i];
			break;
		}
	if (rd == NULL || (fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		log_warnx("nodes list dropped: %s", rd == NULL ?
		    "already reading two" : "bad descriptor");
		close(fd);
		if (done != NULL)
			done(0, arg);
		return;
	}
	/* +1: room to notice a list longer than the bound */
	if ((rd->buf = malloc(NODES_JSON_MAX_BYTES + 1)) == NULL)
		fatal("%s: malloc", __func__);
	rd->busy = 1;
	rd->len = 0;
	rd->source = source;
	rd->done = done;
	rd->arg = arg;
	rd->src.fd = fd;
	rd->src.cb = reader_cb;
	rd->src.arg = rd;
	rd->src.events = 0;
	if (loop_try_add(&rd->src, EPOLLIN) == -1) {
		if (errno != EPERM)
			fatal("%s: epoll_ctl", __func__);
		/* A regular file: epoll cannot watch it, and it never blocks. */
		reader_cb(&rd->src, EPOLLIN);
	}
}
