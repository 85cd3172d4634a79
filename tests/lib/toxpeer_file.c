/* File transfers of the test's libtoxcore client: see toxpeer_file.h. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/hex.h"
#include "tests/lib/toxpeer.h"

/* A fresh record, or NULL when the table is full (counted). */
static struct toxpeer_file *
record_new(struct toxpeer *p, enum toxpeer_fdir dir, uint32_t friend,
    uint32_t number)
{
	struct toxpeer_file	*f;

	if (p->nfile >= TOXPEER_FILES) {
		p->nfile_lost++;
		fprintf(stderr, "%s: no record left for file %u of friend %u\n",
		    p->name, number, friend);
		return NULL;
	}
	f = &p->file[p->nfile++];
	memset(f, 0, sizeof(*f));
	f->used = 1;
	f->dir = dir;
	f->friend = friend;
	f->number = number;
	f->fd = -1;
	crypto_hash_sha256_init(&f->sha);
	return f;
}

static int
live(const struct toxpeer_file *f)
{
	return f->used && !f->done && f->cancelled == TOXPEER_LIVE;
}

/* The live record of friend's number (either direction if dir is 0). */
static struct toxpeer_file *
find_live(struct toxpeer *p, uint32_t friend, uint32_t number,
    enum toxpeer_fdir dir)
{
	size_t	i;

	for (i = p->nfile; i-- > 0;)
		if (live(&p->file[i]) && p->file[i].friend == friend &&
		    p->file[i].number == number &&
		    (dir == 0 || p->file[i].dir == dir))
			return &p->file[i];
	return NULL;
}

struct toxpeer_file *
toxpeer_file_find(struct toxpeer *p, uint32_t friend, uint32_t number,
    enum toxpeer_fdir dir)
{
	struct toxpeer_file	*f;
	size_t			 i;

	if ((f = find_live(p, friend, number, dir)) != NULL)
		return f;
	for (i = p->nfile; i-- > 0;)
		if (p->file[i].friend == friend &&
		    p->file[i].number == number && p->file[i].dir == dir)
			return &p->file[i];
	return NULL;
}

/* Ends a live record: done if why is TOXPEER_LIVE, else cancelled. */
static void
finish(struct toxpeer_file *f, enum toxpeer_fend why)
{
	if (!live(f))
		return;
	if (why == TOXPEER_LIVE)
		f->done = 1;
	else
		f->cancelled = why;
	crypto_hash_sha256_final(&f->sha, f->sha256);
	hex_encode(f->sha256, sizeof(f->sha256), f->sha256_hex);
	if (f->fd != -1)
		(void)close(f->fd);
	f->fd = -1;
}

/* Keeps data[0..n) of an incoming transfer at off from its start. */
static void
keep(struct toxpeer *p, struct toxpeer_file *f, uint64_t off,
    const uint8_t *data, size_t n)
{
	uint8_t	*k;
	size_t	 cap;

	if (f->keep_short || off > p->keep_max || n > p->keep_max - off) {
		f->keep_short = 1;
		return;
	}
	if (off + n > f->keep_cap) {
		cap = f->keep_cap > 0 ? f->keep_cap : 65536;
		if (f->size != UINT64_MAX && f->size - f->start <= p->keep_max)
			cap = (size_t)(f->size - f->start);
		if (cap == 0)
			cap = 1;
		while (cap < off + n)
			cap = cap > p->keep_max / 2 ? p->keep_max : 2 * cap;
		if ((k = realloc(f->keep, cap)) == NULL) {
			f->keep_short = 1;
			return;
		}
		f->keep = k;
		f->keep_cap = cap;
	}
	memcpy(f->keep + off, data, n);
	if (off + n > f->keep_len)
		f->keep_len = (size_t)(off + n);
}

/*
 * Counts and hashes a chunk at pos: in order it extends what was seen;
 * a repeat of bytes already seen is hashed only past them; one after a
 * hole is counted as a gap (the hash can no longer match).
 */
static void
account(struct toxpeer *p, struct toxpeer_file *f, uint64_t pos,
    const uint8_t *data, size_t n)
{
	size_t	skip = 0;

	if (f->nchunk++ == 0 && f->bytes == 0)
		f->start = f->next = pos;
	if (pos < f->next) {
		f->nrewind++;
		if (f->next - pos >= n)
			return;
		skip = (size_t)(f->next - pos);
	} else if (pos > f->next)
		f->ngap++;
	crypto_hash_sha256_update(&f->sha, data + skip, n - skip);
	if (f->dir == TOXPEER_IN && pos >= f->start)
		keep(p, f, pos + skip - f->start, data + skip, n - skip);
	f->bytes += n - skip;
	f->next = pos + n;
}

static void
on_recv(Tox *tox, uint32_t friend, uint32_t number, uint32_t kind,
    uint64_t size, const uint8_t *name, size_t len, void *user)
{
	struct toxpeer		*p = user;
	struct toxpeer_file	*f;
	Tox_Err_File_Get	 e;

	p->noffer++;
	if ((f = record_new(p, TOXPEER_IN, friend, number)) == NULL)
		return;
	f->kind = kind;
	f->size = size;
	f->name_len = len < sizeof(f->name) ? len : sizeof(f->name);
	if (f->name_len > 0)	/* an empty name may come as NULL */
		memcpy(f->name, name, f->name_len);
	if (!tox_file_get_file_id(tox, friend, number, f->id, &e))
		fprintf(stderr, "%s: tox_file_get_file_id: error %d\n",
		    p->name, (int)e);
	/* not from inside libtoxcore's callback: after the iterate */
	f->want_accept = p->auto_accept;
}

static void
on_recv_chunk(Tox *tox, uint32_t friend, uint32_t number, uint64_t pos,
    const uint8_t *data, size_t len, void *user)
{
	struct toxpeer		*p = user;
	struct toxpeer_file	*f;

	(void)tox;
	if ((f = find_live(p, friend, number, TOXPEER_IN)) == NULL)
		return;
	if (len == 0) {
		f->end = pos;
		finish(f, TOXPEER_LIVE);
		return;
	}
	account(p, f, pos, data, len);
}

static void
on_chunk_request(Tox *tox, uint32_t friend, uint32_t number, uint64_t pos,
    size_t len, void *user)
{
	struct toxpeer		*p = user;
	struct toxpeer_file	*f;
	Tox_Err_File_Send_Chunk	 e;
	uint8_t			 buf[TOX_MAX_CUSTOM_PACKET_SIZE];
	const uint8_t		*data = NULL;
	size_t			 n = 0;
	ssize_t			 r;

	if ((f = find_live(p, friend, number, TOXPEER_OUT)) == NULL)
		return;
	if (len == 0) {
		f->end = pos;
		finish(f, TOXPEER_LIVE);
		return;
	}
	if (len > sizeof(buf)) {
		f->nerr++;
		return;
	}
	/* a stream ends with the first chunk shorter than asked */
	if (pos < f->src_len)
		n = f->src_len - pos < len ? (size_t)(f->src_len - pos) : len;
	if (n > 0 && f->src != NULL)
		data = f->src + pos;
	else if (n > 0) {
		data = buf;
		r = pread(f->fd, buf, n, (off_t)pos);
		if (r < 0 || (size_t)r != n) {
			fprintf(stderr, "%s: reading file %u at %llu: %s\n",
			    p->name, number, (unsigned long long)pos,
			    r < 0 ? strerror(errno) : "short");
			f->nerr++;
			n = r > 0 ? (size_t)r : 0;
		}
	}
	if (!tox_file_send_chunk(tox, friend, number, pos, data, n, &e)) {
		fprintf(stderr, "%s: tox_file_send_chunk %u at %llu (%zu of "
		    "%zu): error %d\n", p->name, number,
		    (unsigned long long)pos, n, len, (int)e);
		f->nerr++;
		return;
	}
	if (n > 0)
		account(p, f, pos, data, n);
}

static void
on_recv_control(Tox *tox, uint32_t friend, uint32_t number,
    Tox_File_Control ctl, void *user)
{
	struct toxpeer		*p = user;
	struct toxpeer_file	*f;

	(void)tox;
	if ((f = find_live(p, friend, number, 0)) == NULL)
		return;
	switch (ctl) {
	case TOX_FILE_CONTROL_RESUME:
		f->nresume++;
		if (f->dir == TOXPEER_OUT && !f->accepted)
			f->accepted = 1;
		else
			f->paused_friend = 0;
		break;
	case TOX_FILE_CONTROL_PAUSE:
		f->npause++;
		f->paused_friend = 1;
		break;
	case TOX_FILE_CONTROL_CANCEL:
		finish(f, TOXPEER_BY_FRIEND);
		break;
	}
}

void
toxpeer_file_init(struct toxpeer *p)
{
	if (sodium_init() < 0)
		fprintf(stderr, "%s: sodium_init failed\n", p->name);
	p->keep_max = TOXPEER_KEEP_DEFAULT;
	tox_callback_file_recv(p->tox, on_recv);
	tox_callback_file_recv_chunk(p->tox, on_recv_chunk);
	tox_callback_file_chunk_request(p->tox, on_chunk_request);
	tox_callback_file_recv_control(p->tox, on_recv_control);
}

void
toxpeer_file_after(struct toxpeer *p)
{
	size_t	i;

	for (i = 0; i < p->nfile; i++)
		if (p->file[i].want_accept) {
			p->file[i].want_accept = 0;
			if (live(&p->file[i]))
				(void)toxpeer_file_accept(p, &p->file[i]);
		}
}

/* libtoxcore drops a friend's transfers without a callback. */
void
toxpeer_file_offline(struct toxpeer *p, uint32_t friend)
{
	size_t	i;

	for (i = 0; i < p->nfile; i++)
		if (p->file[i].friend == friend)
			finish(&p->file[i], TOXPEER_OFFLINE);
}

void
toxpeer_file_free(struct toxpeer *p)
{
	size_t	i;

	for (i = 0; i < p->nfile && i < TOXPEER_FILES; i++) {
		if (!p->file[i].used)
			continue;
		if (p->file[i].fd != -1)
			(void)close(p->file[i].fd);
		p->file[i].fd = -1;
		free(p->file[i].keep);
		p->file[i].keep = NULL;
		p->file[i].keep_cap = p->file[i].keep_len = 0;
	}
}

/* tox_file_send and a record for it; fd is the record's from now on. */
static struct toxpeer_file *
send_common(struct toxpeer *p, uint32_t friend, uint32_t kind,
    const uint8_t *src, int fd, uint64_t len, int stream, const uint8_t *id,
    const void *name, size_t name_len)
{
	struct toxpeer_file	*f;
	Tox_Err_File_Send	 e;
	Tox_Err_File_Get	 eg;
	uint32_t		 n;

	if (name_len > TOX_MAX_FILENAME_LENGTH) {
		fprintf(stderr, "%s: file name of %zu bytes\n", p->name,
		    name_len);
		goto fail;
	}
	n = tox_file_send(p->tox, friend, kind, stream ? UINT64_MAX : len, id,
	    name, name_len, &e);
	if (e != TOX_ERR_FILE_SEND_OK) {
		fprintf(stderr, "%s: tox_file_send: error %d\n", p->name,
		    (int)e);
		goto fail;
	}
	if ((f = record_new(p, TOXPEER_OUT, friend, n)) == NULL) {
		(void)tox_file_control(p->tox, friend, n,
		    TOX_FILE_CONTROL_CANCEL, NULL);
		goto fail;
	}
	f->kind = kind;
	f->size = stream ? UINT64_MAX : len;
	f->name_len = name_len;
	if (name_len > 0)
		memcpy(f->name, name, name_len);
	if (!tox_file_get_file_id(p->tox, friend, n, f->id, &eg))
		fprintf(stderr, "%s: tox_file_get_file_id: error %d\n",
		    p->name, (int)eg);
	f->src = src;
	f->fd = fd;
	f->src_len = len;
	return f;
fail:
	if (fd != -1)
		(void)close(fd);
	return NULL;
}

struct toxpeer_file *
toxpeer_file_send(struct toxpeer *p, uint32_t friend, uint32_t kind,
    const void *data, uint64_t len, int stream, const uint8_t *id,
    const void *name, size_t name_len)
{
	return send_common(p, friend, kind, data, -1, len, stream, id, name,
	    name_len);
}

struct toxpeer_file *
toxpeer_file_send_path(struct toxpeer *p, uint32_t friend, uint32_t kind,
    const char *path, int stream, const uint8_t *id, const void *name,
    size_t name_len)
{
	struct stat	 st;
	const char	*base;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		fprintf(stderr, "%s: %s: %s\n", p->name, path,
		    strerror(errno));
		if (fd != -1)
			(void)close(fd);
		return NULL;
	}
	if (name == NULL) {
		base = strrchr(path, '/');
		name = base != NULL ? base + 1 : path;
		name_len = strlen(name);
	}
	return send_common(p, friend, kind, NULL, fd, (uint64_t)st.st_size,
	    stream, id, name, name_len);
}

static int
control(struct toxpeer *p, struct toxpeer_file *f, Tox_File_Control ctl,
    const char *what)
{
	Tox_Err_File_Control	e;

	if (!tox_file_control(p->tox, f->friend, f->number, ctl, &e)) {
		fprintf(stderr, "%s: %s of file %u: error %d\n", p->name,
		    what, f->number, (int)e);
		return -1;
	}
	return 0;
}

int
toxpeer_file_accept(struct toxpeer *p, struct toxpeer_file *f)
{
	if (control(p, f, TOX_FILE_CONTROL_RESUME, "accept") == -1)
		return -1;
	f->accepted = 1;
	return 0;
}

int
toxpeer_file_seek(struct toxpeer *p, struct toxpeer_file *f, uint64_t pos)
{
	Tox_Err_File_Seek	e;

	if (!tox_file_seek(p->tox, f->friend, f->number, pos, &e)) {
		fprintf(stderr, "%s: seek of file %u to %llu: error %d\n",
		    p->name, f->number, (unsigned long long)pos, (int)e);
		return -1;
	}
	f->start = f->next = pos;
	return 0;
}

int
toxpeer_file_pause(struct toxpeer *p, struct toxpeer_file *f)
{
	if (control(p, f, TOX_FILE_CONTROL_PAUSE, "pause") == -1)
		return -1;
	f->paused_us = 1;
	return 0;
}

int
toxpeer_file_resume(struct toxpeer *p, struct toxpeer_file *f)
{
	if (control(p, f, TOX_FILE_CONTROL_RESUME, "resume") == -1)
		return -1;
	f->paused_us = 0;
	return 0;
}

int
toxpeer_file_cancel(struct toxpeer *p, struct toxpeer_file *f)
{
	if (control(p, f, TOX_FILE_CONTROL_CANCEL, "cancel") == -1)
		return -1;
	finish(f, TOXPEER_BY_US);
	return 0;
}

struct toxpeer_file *
toxpeer_file_offer(struct toxpeer *p, size_t i)
{
	size_t	k;

	for (k = 0; k < p->nfile; k++)
		if (p->file[k].dir == TOXPEER_IN && i-- == 0)
			return &p->file[k];
	return NULL;
}

size_t
toxpeer_file_offers(const struct toxpeer *p)
{
	return p->noffer;
}

int
toxpeer_file_is_done(void *arg)
{
	return ((const struct toxpeer_file *)arg)->done;
}

int
toxpeer_file_is_cancelled(void *arg)
{
	return ((const struct toxpeer_file *)arg)->cancelled != TOXPEER_LIVE;
}

int
toxpeer_file_is_over(void *arg)
{
	return !live(arg);
}

int
toxpeer_file_is_accepted(void *arg)
{
	return ((const struct toxpeer_file *)arg)->accepted;
}

int
toxpeer_file_friend_paused(void *arg)
{
	return ((const struct toxpeer_file *)arg)->paused_friend;
}

int
toxpeer_file_has_offers(void *arg)
{
	const struct toxpeer_fwant	*w = arg;

	return w->p->noffer >= w->n;
}

int
toxpeer_file_has_bytes(void *arg)
{
	const struct toxpeer_fwant	*w = arg;

	return w->f->bytes >= w->n;
}

int
toxpeer_file_has_resumes(void *arg)
{
	const struct toxpeer_fwant	*w = arg;

	return w->f->nresume >= w->n;
}
