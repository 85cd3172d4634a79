/*
 * The partials table's insides, shared by the table and codec
 * (partials.c) and the file glue (partials_store.c) only.
 */
#ifndef BULKHEAD_KEYD_PARTIALS_PRIV_H
#define BULKHEAD_KEYD_PARTIALS_PRIV_H

#include "keyd/partials.h"

struct pt_slot {
	uint8_t		pk[TOX_PK_LEN];
	uint8_t		file_id[PARTIALS_FILE_ID_LEN];
	uint64_t	size;
	uint16_t	len;
	char		path[PARTIALS_PATH_MAX + 1];	/* NUL-terminated */
};

/* One secbuf_alloc() block; slots[0 .. n-1] oldest first. */
struct partials {
	uint8_t			 key[PARTIALS_KEY_LEN];
	size_t			 n;
	int			 named;		/* partials_load ran */
	enum partials_err	 damaged;	/* a bad file waits for a put */
	enum pstore_err		 perr;
	struct pstore		 store;
	uint8_t			*plain;		/* PARTIALS_PLAIN_MAX, secbuf */
	uint8_t			*file;		/* PARTIALS_FILE_MAX, secbuf */
	struct pt_slot		 slots[PARTIALS_MAX];
};

/* Empties the table, wiping it. */
void	partials_clear(struct partials *);
/* The slot with that key, or -1. */
long	partials_find(const struct partials *, const uint8_t pk[TOX_PK_LEN],
	    const uint8_t file_id[PARTIALS_FILE_ID_LEN]);
/* The slot a put of that key takes out: its own, else the oldest when
 * the table is full, else -1. */
long	partials_victim(const struct partials *,
	    const uint8_t pk[TOX_PK_LEN],
	    const uint8_t file_id[PARTIALS_FILE_ID_LEN]);
/* Removes slot i, wiping it. */
void	partials_remove_at(struct partials *, size_t i);
/* 1 if the path is one a record may hold. */
int	partials_path_ok(const char *path, size_t len);
/* Fills a slot from a put's arguments (the caller checked the path). */
void	partials_fill(struct pt_slot *, const uint8_t pk[TOX_PK_LEN],
	    const uint8_t file_id[PARTIALS_FILE_ID_LEN], uint64_t size,
	    const char *path, size_t len);
/*
 * The plaintext of the table as it would be after a change: slot skip
 * left out (-1: none), then add appended (NULL: none).  0 if cap is
 * short.  partials_encode is the unchanged case.
 */
size_t	partials_encode_change(const struct partials *, long skip,
	    const struct pt_slot *add, uint8_t *out, size_t cap);

#endif
