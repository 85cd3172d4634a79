/*
 * The sends table's insides, shared by the table and codec (sends.c)
 * and the file glue (sends_store.c) only.
 */
#ifndef BULKHEAD_KEYD_SENDS_PRIV_H
#define BULKHEAD_KEYD_SENDS_PRIV_H

#include "keyd/sends.h"

struct sd_slot {
	uint8_t			pk[TOX_PK_LEN];
	uint8_t			file_id[SENDS_FILE_ID_LEN];
	struct sends_stamp	stamp;
	uint16_t		len;
	char			path[SENDS_PATH_MAX + 1];	/* NUL-ended */
};

/* One secbuf_alloc() block; slots[0 .. n-1] oldest first. */
struct sends {
	uint8_t			 key[SENDS_KEY_LEN];
	size_t			 n;
	int			 named;		/* sends_load ran */
	enum sends_err		 damaged;	/* a bad file waits for a put */
	enum pstore_err		 perr;
	struct pstore		 store;
	uint8_t			*plain;		/* SENDS_PLAIN_MAX, secbuf */
	uint8_t			*file;		/* SENDS_FILE_MAX, secbuf */
	struct sd_slot		 slots[SENDS_MAX];
};

/* Empties the table, wiping it. */
void	sends_clear(struct sends *);
/* The slot with (pk, path), or -1. */
long	sends_find_path(const struct sends *, const uint8_t pk[TOX_PK_LEN],
	    const char *path, size_t len);
/* The slot with (pk, id), or -1. */
long	sends_find_id(const struct sends *, const uint8_t pk[TOX_PK_LEN],
	    const uint8_t id[SENDS_FILE_ID_LEN]);
/*
 * Whether a put may go in, and the slot it takes out: its own (pk,
 * path), else the oldest when the table is full, else -1 (*victim).
 * INVALID for a bad path or an id of another path of this friend's.
 */
enum sends_err	sends_check_put(const struct sends *,
	    const uint8_t pk[TOX_PK_LEN], const uint8_t id[SENDS_FILE_ID_LEN],
	    const char *path, size_t len, long *victim);
/* Removes slot i, wiping it. */
void	sends_remove_at(struct sends *, size_t i);
/* Fills a slot from a put's arguments (the caller checked the path). */
void	sends_fill(struct sd_slot *, const uint8_t pk[TOX_PK_LEN],
	    const uint8_t id[SENDS_FILE_ID_LEN], const struct sends_stamp *,
	    const char *path, size_t len);
/*
 * The plaintext of the table as it would be after a change: slot skip
 * left out (-1: none), then add appended (NULL: none).  0 if cap is
 * short.  sends_encode is the unchanged case.
 */
size_t	sends_encode_change(const struct sends *, long skip,
	    const struct sd_slot *add, uint8_t *out, size_t cap);

#endif
