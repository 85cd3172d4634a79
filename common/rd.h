/*
 * Bounds-checked reading and writing of byte buffers.
 *
 * Every parser of untrusted bytes in bulkhead goes through struct rd: it is
 * the only code that does pointer arithmetic on received data.  Errors are
 * sticky, so a parser chains its reads and checks once with rd_done(), which
 * also rejects trailing bytes.  struct wr is the mirror image for packing.
 */
#ifndef BULKHEAD_RD_H
#define BULKHEAD_RD_H

#include <stddef.h>
#include <stdint.h>

struct rd {
	const uint8_t	*p;
	size_t		 left;
	int		 bad;		/* sticky: once set, every read fails */
};

void		 rd_init(struct rd *, const void *, size_t);
/* Returns a pointer to the next n bytes and advances, or NULL (and bad). */
const uint8_t	*rd_take(struct rd *, size_t);
int		 rd_u8(struct rd *, uint8_t *);
int		 rd_u16(struct rd *, uint16_t *);	/* big endian */
int		 rd_u32(struct rd *, uint32_t *);
int		 rd_u64(struct rd *, uint64_t *);
int		 rd_u16le(struct rd *, uint16_t *);
int		 rd_u32le(struct rd *, uint32_t *);
int		 rd_u64le(struct rd *, uint64_t *);
int		 rd_bytes(struct rd *, void *, size_t);
/* A bounded sub-reader over the next n bytes; the parent skips them. */
int		 rd_sub(struct rd *, size_t, struct rd *);
/* Everything left; the reader is then empty.  *len may be 0. */
const uint8_t	*rd_rest(struct rd *, size_t *);
/*
 * The rest of the payload as a string of min..max bytes copied into dst
 * (which holds max), its length in *len: the last field of many
 * messages.  -1 (and bad) if the rest is shorter or longer.
 */
int		 rd_tail(struct rd *, void *dst, size_t min, size_t max,
		    uint16_t *len);
int		 rd_skip(struct rd *, size_t);
size_t		 rd_left(const struct rd *);
/* Offset of the next occurrence of byte c among the bytes left, or -1. */
long		 rd_find(const struct rd *, uint8_t c);
/* 1 when no read failed and no byte is left over. */
int		 rd_done(const struct rd *);
int		 rd_ok(const struct rd *);	/* no read failed */
/* Marks the reader bad: a value read fine but is out of range. */
void		 rd_fail(struct rd *);

struct wr;
/* Marks the builder bad: the value cannot be packed. */
void		 wr_fail(struct wr *);

struct wr {
	uint8_t		*p;
	size_t		 cap;
	size_t		 len;
	int		 bad;		/* sticky: set when a write would overflow */
};

void		 wr_init(struct wr *, void *, size_t);
/* Reserves n bytes and returns them for the caller to fill, or NULL. */
uint8_t		*wr_reserve(struct wr *, size_t);
int		 wr_u8(struct wr *, uint8_t);
int		 wr_u16(struct wr *, uint16_t);		/* big endian */
int		 wr_u32(struct wr *, uint32_t);
int		 wr_u64(struct wr *, uint64_t);
int		 wr_u16le(struct wr *, uint16_t);
int		 wr_u32le(struct wr *, uint32_t);
int		 wr_u64le(struct wr *, uint64_t);
int		 wr_bytes(struct wr *, const void *, size_t);
int		 wr_zero(struct wr *, size_t);
int		 wr_ok(const struct wr *);
size_t		 wr_len(const struct wr *);

#endif
