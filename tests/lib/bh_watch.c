/* Watching a session's events: see bh_watch.h. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lib/bh_watch.h"

#define WATCH_MAX	8

/* Every whole line already read or readable now, without waiting. */
static void
drain(struct bh *b)
{
	json_t	*j;

	while ((j = bh_read(b, 1)) != NULL) {
		if (json_object_get(j, "event") != NULL)
			json_array_append_new(b->events, j);
		else
			json_decref(j);
	}
}

void
bh_pump(struct bh *const *bs, size_t n, int timeout_ms)
{
	struct pollfd	pfd[WATCH_MAX];
	size_t		i;

	if (n > WATCH_MAX)
		n = WATCH_MAX;
	for (i = 0; i < n; i++) {
		pfd[i].fd = bs[i]->out;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	(void)poll(pfd, n, timeout_ms);
	for (i = 0; i < n; i++)
		drain(bs[i]);
}

static int
matches(json_t *e, const char *name, const char *member, const char *value)
{
	const char	*s;

	s = json_string_value(json_object_get(e, "event"));
	if (s == NULL || strcmp(s, name) != 0)
		return 0;
	if (member == NULL)
		return 1;
	s = json_string_value(json_object_get(e, member));
	return s != NULL && strcmp(s, value) == 0;
}

json_t *
bh_peek(struct bh *b, const char *name, const char *member,
    const char *value)
{
	json_t	*e;
	size_t	 i;

	json_array_foreach(b->events, i, e)
		if (matches(e, name, member, value))
			return e;
	return NULL;
}

size_t
bh_count(struct bh *b, const char *name, const char *member,
    const char *value)
{
	json_t	*e;
	size_t	 i, n = 0;

	json_array_foreach(b->events, i, e)
		if (matches(e, name, member, value))
			n++;
	return n;
}

/* e has every member of want, equal. */
static int
like(json_t *e, json_t *want)
{
	const char	*k;
	json_t		*v;

	json_object_foreach(want, k, v)
		if (!json_equal(json_object_get(e, k), v))
			return 0;
	return 1;
}

json_t *
bh_find(struct bh *b, size_t from, json_t *want)
{
	size_t	i;

	for (i = from; i < json_array_size(b->events); i++)
		if (like(json_array_get(b->events, i), want))
			return json_array_get(b->events, i);
	return NULL;
}

size_t
bh_count_like(struct bh *b, json_t *want)
{
	json_t	*e;
	size_t	 i, n = 0;

	json_array_foreach(b->events, i, e)
		if (like(e, want))
			n++;
	return n;
}

int
bh_onion_announced(struct bh *b)
{
	json_t	*e;
	size_t	 i;
	int	 last = -1;

	json_array_foreach(b->events, i, e)
		if (matches(e, "onion", NULL, NULL))
			last = json_is_true(json_object_get(e, "announced"));
	return last;
}

int
bh_all_announced(struct bh *const *bs, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (bh_onion_announced(bs[i]) != 1)
			return 0;
	return 1;
}

json_t *
bh_call(struct bh *b, json_t *req, int timeout_ms)
{
	char	*line = json_dumps(req, JSON_COMPACT);
	json_t	*r = NULL;

	json_decref(req);
	if (line != NULL)
		r = bh_cmd(b, line, timeout_ms);
	free(line);
	return r;
}

int
bh_address(struct bh *b, char out[77], int timeout_ms)
{
	json_t		*r = bh_cmd(b, "{\"cmd\":\"id\"}", timeout_ms);
	const char	*s;
	int		 rc = -1;

	if (r == NULL)
		return -1;
	s = json_string_value(json_object_get(r, "address"));
	if (s != NULL && strlen(s) == 76) {
		memcpy(out, s, 77);
		rc = 0;
	}
	json_decref(r);
	return rc;
}

int
bh_start_joined(struct bh *b, const char *dir, int port, const char *host,
    int node_port, const char *node_key)
{
	return bh_start_joined_with(b, dir, port, host, node_port, node_key,
	    NULL);
}

int
bh_start_joined_with(struct bh *b, const char *dir, int port,
    const char *host, int node_port, const char *node_key,
    const char *const extra[])
{
	char		 p[32], bs[160], scratch[64];
	const char	*args[12] = { p, bs, "--log-level=debug", NULL };
	int		 rc;
	size_t		 i;

	for (i = 0; extra != NULL && extra[i] != NULL; i++) {
		if (i == 8)
			return -1;
		args[3 + i] = extra[i];
	}
	args[3 + i] = NULL;

	if (dir == NULL && bh_make_profile("fr", scratch, sizeof(scratch)) ==
	    -1)
		return -1;
	snprintf(p, sizeof(p), "--port=%d", port);
	snprintf(bs, sizeof(bs), "--bootstrap=%s:%d:%s", host, node_port,
	    node_key);
	rc = bh_start_dir(b, dir != NULL ? dir : scratch, args);
	if (dir == NULL)
		b->keep_dir = 0;	/* ours: bh_stop removes it */
	return rc;
}
