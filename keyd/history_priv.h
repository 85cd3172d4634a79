/*
 * The history's insides, shared by the table and codec (history.c) and
 * the file glue (history_store.c) only.  Everything else uses history.h.
 */
#ifndef BULKHEAD_KEYD_HISTORY_PRIV_H
#define BULKHEAD_KEYD_HISTORY_PRIV_H

#include "keyd/history.h"

struct hi_slot {
	uint64_t	seq;
	uint64_t	time;
	uint64_t	message_id;
	uint32_t	off;		/* of its text in history.text (ring) */
	uint16_t	len;
	uint8_t		dir;
	uint8_t		action;
	uint8_t		pk[TOX_PK_LEN];
};

/*
 * One secbuf_alloc() block.  Slots form a ring from head (the oldest),
 * n of them; texts lie in the text ring in the same order, the oldest
 * starting at slots[head].off, text_used bytes in all.
 */
struct history {
	uint8_t		  key[HISTORY_KEY_LEN];
	size_t		  head;
	size_t		  n;
	size_t		  text_used;
	uint64_t	  next_seq;
	int		  dirty;
	enum history_err  locked;	/* why the file must not be written */
	enum pstore_err	  perr;
	struct pstore	  store;
	/* HISTORY_FILE_MAX: the file as read or to write; the plaintext is
	 * encoded and sealed in place in it. */
	uint8_t		 *file;
	struct hi_slot	  slots[HISTORY_MAX];
	uint8_t		  text[HISTORY_TEXT_TOTAL];
};

/* Empties the table, wiping it. */
void	history_clear(struct history *);

#endif
