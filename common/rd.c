/* Bounds-checked byte reader and writer: see rd.h. */
#include <string.h>

#include "rd.h"

void
rd_init(struct rd *r, const void *p, size_t len)
{
	r->p = p;
	r->left = p == NULL ? 0 : len;
	r->bad = 0;
}

const uint8_t *
rd_take(struct rd *r, size_t n)
{
	const uint8_t	*p;

	if (r->bad || n > r->left) {	/* compare, never subtract first */
		r->bad = 1;
		return NULL;
	}
	p = r->p;
	r->p += n;
	r->left -= n;
	return p;
}

int
rd_u8(struct rd *r, uint8_t *v)
{
	const uint8_t	*p;

	if ((p = rd_take(r, 1)) == NULL)
		return -1;
	*v = p[0];
	return 0;
}

static int
rd_uint(struct rd *r, size_t n, int le, uint64_t *v)
{
	const uint8_t	*p;
	uint64_t	 x = 0;
	size_t		 i;

	if ((p = rd_take(r, n)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		x = (x << 8) | p[le ? n - 1 - i : i];
	*v = x;
	return 0;
}

int
rd_u16(struct rd *r, uint16_t *v)
{
	uint64_t	x;

	if (rd_uint(r, 2, 0, &x) == -1)
		return -1;
	*v = (uint16_t)x;
	return 0;
}

int
rd_u32(struct rd *r, uint32_t *v)
{
	uint64_t	x;

	if (rd_uint(r, 4, 0, &x) == -1)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

int
rd_u64(struct rd *r, uint64_t *v)
{
	return rd_uint(r, 8, 0, v);
}

int
rd_u16le(struct rd *r, uint16_t *v)
{
	uint64_t	x;

	if (rd_uint(r, 2, 1, &x) == -1)
		return -1;
	*v = (uint16_t)x;
	return 0;
}

int
rd_u32le(struct rd *r, uint32_t *v)
{
	uint64_t	x;

	if (rd_uint(r, 4, 1, &x) == -1)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

int
rd_u64le(struct rd *r, uint64_t *v)
{
	return rd_uint(r, 8, 1, v);
}

int
rd_bytes(struct rd *r, void *out, size_t n)
{
	const uint8_t	*p;

	if ((p = rd_take(r, n)) == NULL)
		return -1;
	if (n > 0)
		memcpy(out, p, n);
	return 0;
}

int
rd_sub(struct rd *r, size_t n, struct rd *sub)
{
	const uint8_t	*p;

	if ((p = rd_take(r, n)) == NULL) {
		rd_init(sub, NULL, 0);
		sub->bad = 1;
		return -1;
	}
	rd_init(sub, p, n);
	return 0;
}

int
rd_tail(struct rd *r, void *dst, size_t min, size_t max, uint16_t *len)
{
	size_t	n = r->left;

	*len = 0;
	if (r->bad || n < min || n > max || n > UINT16_MAX) {
		rd_fail(r);
		return -1;
	}
	*len = (uint16_t)n;
	return rd_bytes(r, dst, n);
}

const uint8_t *
rd_rest(struct rd *r, size_t *len)
{
	const uint8_t	*p = r->p;

	if (r->bad) {
		*len = 0;
		return NULL;
	}
	*len = r->left;
	r->p += r->left;
	r->left = 0;
	return p;
}

int
rd_skip(struct rd *r, size_t n)
{
	return rd_take(r, n) == NULL ? -1 : 0;
}

size_t
rd_left(const struct rd *r)
{
	return r->bad ? 0 : r->left;
}

long
rd_find(const struct rd *r, uint8_t c)
{
	const uint8_t	*q;

	if (r->bad || r->left == 0 || (q = memchr(r->p, c, r->left)) == NULL)
		return -1;
	return (long)(q - r->p);
}

int
rd_done(const struct rd *r)
{
	return !r->bad && r->left == 0;
}

int
rd_ok(const struct rd *r)
{
	return !r->bad;
}

void
wr_init(struct wr *w, void *p, size_t cap)
{
	w->p = p;
	w->cap = p == NULL ? 0 : cap;
	w->len = 0;
	w->bad = 0;
}

uint8_t *
wr_reserve(struct wr *w, size_t n)
{
	uint8_t	*p;

	if (w->bad || n > w->cap - w->len) {	/* len <= cap always holds */
		w->bad = 1;
		return NULL;
	}
	p = w->p + w->len;
	w->len += n;
	return p;
}

static int
wr_uint(struct wr *w, size_t n, int le, uint64_t v)
{
	uint8_t	*p;
	size_t	 i;

	if ((p = wr_reserve(w, n)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		p[le ? i : n - 1 - i] = (uint8_t)(v >> (8 * i));
	return 0;
}

int
wr_u8(struct wr *w, uint8_t v)
{
	return wr_uint(w, 1, 0, v);
}

int
wr_u16(struct wr *w, uint16_t v)
{
	return wr_uint(w, 2, 0, v);
}

int
wr_u32(struct wr *w, uint32_t v)
{
	return wr_uint(w, 4, 0, v);
}

int
wr_u64(struct wr *w, uint64_t v)
{
	return wr_uint(w, 8, 0, v);
}

int
wr_u16le(struct wr *w, uint16_t v)
{
	return wr_uint(w, 2, 1, v);
}

int
wr_u32le(struct wr *w, uint32_t v)
{
	return wr_uint(w, 4, 1, v);
}

int
wr_u64le(struct wr *w, uint64_t v)
{
	return wr_uint(w, 8, 1, v);
}

int
wr_bytes(struct wr *w, const void *src, size_t n)
{
	uint8_t	*p;

	if ((p = wr_reserve(w, n)) == NULL)
		return -1;
	if (n > 0)
		memcpy(p, src, n);
	return 0;
}

int
wr_zero(struct wr *w, size_t n)
{
	uint8_t	*p;

	if ((p = wr_reserve(w, n)) == NULL)
		return -1;
	memset(p, 0, n);
	return 0;
}

int
wr_ok(const struct wr *w)
{
	return !w->bad;
}

size_t
wr_len(const struct wr *w)
{
	return w->len;
}

void
rd_fail(struct rd *r)
{
	r->bad = 1;
}

void
wr_fail(struct wr *w)
{
	w->bad = 1;
}
