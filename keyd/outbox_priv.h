/*
 * The outbox's insides, shared by the table and codec (outbox.c) and the
 * file glue (outbox_store.c) only.  Everything else uses outbox.h.
 */
#ifndef BULKHEAD_KEYD_OUTBOX_PRIV_H
#define BULKHEAD_KEYD_OUTBOX_PRIV_H

#include "keyd/outbox.h"

struct ob_slot {
	uint64_t	id;
	uint64_t	created;
	uint32_t	off;		/* of its text in outbox.text */
	uint16_t	len;
	uint8_t		action;
	uint8_t		pk[TOX_PK_LEN];
};

/*
 * One secbuf_alloc() block.  Texts lie in text[] in slot order, packed
 * (slot i's text starts where slot i-1's ends): a deletion moves the
 * later ones down, so the arena never fragments.
 */
struct outbox {
	uint8_t		 key[OUTBOX_KEY_LEN];
	uint64_t	 next_id;
	size_t		 n;
	size_t		 text_used;
	int		 dirty;
	enum outbox_err	 locked;	/* why the file must not be written */
	enum pstore_err	 perr;
	struct pstore	 store;
	uint8_t		*plain;		/* OUTBOX_PLAIN_MAX, secbuf */
	/* OUTBOX_FILE_MAX, sealed so not secret; a secbuf all the same,
	 * as a pointer held only in secbuf memory hides a malloc from
	 * LeakSanitizer. */
	uint8_t		*file;
	struct ob_slot	 slots[OUTBOX_MAX];
	uint8_t		 text[OUTBOX_TEXT_TOTAL];
};

/* Empties the table (wiping the texts); next_id back to 1. */
void	outbox_clear(struct outbox *);
/* Appends an entry with the next id (the caller checked the bounds). */
uint64_t outbox_append(struct outbox *, const uint8_t pk[TOX_PK_LEN],
	    uint8_t action, const uint8_t *text, size_t len, uint64_t created);
/* Removes slot i, wiping its text. */
void	outbox_remove_at(struct outbox *, size_t i);

#endif
