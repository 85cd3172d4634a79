/*
 * The message history, opt-in (--history): the last messages to and from
 * friends, kept by keyd in an encrypted file beside the profile.  It is
 * off by default because a seized or compromised machine would show past
 * conversations; the outbox, by contrast, holds only messages not yet
 * delivered and drops each one at its receipt.
 *
 * In memory: at most HISTORY_MAX entries holding at most
 * HISTORY_TEXT_TOTAL bytes of text, all allocated by history_new() in
 * secbuf_alloc() memory: a ring of slots and a ring of text bytes (an
 * entry's text may wrap around the end).  A new entry beyond either
 * bound drops the oldest ones, in O(1) each: a flood evicts, nothing
 * grows.  Entries keep the order they were added in; each gets a
 * sequence number (increasing, for this run only) that pages of a
 * HISTORY_REQ use as a stable cursor while new entries arrive.
 *
 * The file is "<profile name>.history" (HISTORY_SUFFIX), written whole
 * with pstore_write (temporary file, fsync, rename, fsync of the
 * directory): the system calls of profile_store.h, plus newfstatat and
 * renameat to set a damaged file aside.
 *
 *	"BHhistry" (8) || version u32 (1) || key check (16) ||
 *	nonce (24) || MAC (16) || ciphertext
 *
 *	plaintext = count u32 || count x
 *	    { time u64 || friend pk (32) || direction u8 || action u8 ||
 *	      message id u64 || len u16 || text (len) }
 *
 * in keyd/sealed.h's envelope, oldest first, integers big-endian, the
 * nonce fresh at each write.  The key check (a keyed BLAKE2b of a fixed
 * string) tells a file sealed under another key from a damaged one.
 * Entries: direction 0 (in) or 1 (out), action 0 or 1, text
 * 1..HISTORY_TEXT_MAX bytes, the bounds above, and nothing trailing.  Text is kept as the bytes chatd sent: keyd never
 * parses it (rule 4), the frontend neutralises it for display.
 *
 * The key: history_key_derive() from the same key material as the
 * outbox's (the passphrase key of an encrypted profile, else the
 * long-term secret key), under its own context string, so the two files
 * never share a key.  What that protects and what not is as in outbox.h:
 * with a plain profile, only against someone who has the history file
 * alone.
 *
 * Writes are coalesced: history_add() changes memory only and marks the
 * history dirty; the glue calls history_flush() at most once a second
 * (HISTORY_FLUSH_MS) and at exit.  A crash of keyd can lose the last
 * second of history; nothing else.  Each flush rewrites the whole file
 * (it is at most HISTORY_FILE_MAX bytes).
 *
 * A file that cannot be read (damaged, truncated, another key, another
 * version, too large) is never overwritten: history_load() renames it to
 * "<profile name>.history.damaged" (or ".damaged.1" .. ".damaged.9" if
 * that exists) and starts empty, saying so.  If it cannot be set aside
 * (all ten names taken, or an I/O error), the history stays locked: it
 * is kept in memory for this run and never written.
 */
#ifndef BULKHEAD_KEYD_HISTORY_H
#define BULKHEAD_KEYD_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "common/toxid.h"
#include "keyd/profile_store.h"
#include "keyd/sealed.h"

#define HISTORY_MAX		10000		/* entries */
#define HISTORY_TEXT_MAX	16384		/* bytes in one entry */
#define HISTORY_TEXT_TOTAL	(2u * 1024 * 1024)	/* in all entries */
#define HISTORY_KEY_LEN		SEALED_KEY_LEN
#define HISTORY_FLUSH_MS	1000
#define HISTORY_DAMAGED_MAX	10	/* names tried to set a file aside */

#define HISTORY_SUFFIX		".history"
#define HISTORY_DAMAGED_SUFFIX	".history.damaged"
#define HISTORY_MAGIC		"BHhistry"
#define HISTORY_MAGIC_LEN	SEALED_MAGIC_LEN
#define HISTORY_VERSION		1
#define HISTORY_CHECK_LEN	SEALED_CHECK_LEN
#define HISTORY_NONCE_LEN	SEALED_NONCE_LEN
#define HISTORY_MAC_LEN		SEALED_MAC_LEN
#define HISTORY_FILE_HDR	SEALED_HDR	/* 52 */
#define HISTORY_ENTRY_HDR	(8 + TOX_PK_LEN + 1 + 1 + 8 + 2)	/* 52 */
#define HISTORY_PLAIN_MAX	(4 + HISTORY_MAX * HISTORY_ENTRY_HDR + \
	HISTORY_TEXT_TOTAL)
#define HISTORY_FILE_MAX	(HISTORY_FILE_HDR + HISTORY_MAC_LEN + \
	HISTORY_PLAIN_MAX)

enum history_err {
	HISTORY_OK = 0,
	HISTORY_ERR_INVALID,	/* bad argument: text length, direction */
	HISTORY_ERR_LOCKED,	/* the file could not be set aside */
	HISTORY_ERR_STORE,	/* a write failed (pstore error kept) */
	HISTORY_ERR_NOMEM,
	HISTORY_ERR_NOFILE,	/* history_load has not named the file */
	/* Reading the file (history_load, history_unpack): */
	HISTORY_ERR_TRUNCATED,
	HISTORY_ERR_MAGIC,
	HISTORY_ERR_VERSION,
	HISTORY_ERR_KEY,	/* sealed under another key */
	HISTORY_ERR_AUTH,	/* the MAC fails: damaged */
	HISTORY_ERR_FORMAT,	/* authentic but invalid inside */
	HISTORY_ERR_TOOBIG,
	HISTORY_ERR_READ,	/* an I/O error (pstore error kept) */
};

/* One entry, copied out (its text may wrap in the ring). */
struct history_entry {
	uint64_t	seq;		/* this run's cursor */
	uint64_t	time;		/* unix seconds, keyd's clock */
	uint64_t	message_id;	/* as chatd numbered it */
	uint8_t		pk[TOX_PK_LEN];
	uint8_t		dir;		/* 0 in, 1 out */
	uint8_t		action;
	uint16_t	len;
	uint8_t		text[HISTORY_TEXT_MAX];
};

struct history;

/* The history's key from the profile's key material (any length). */
void		 history_key_derive(uint8_t out[HISTORY_KEY_LEN],
		    const uint8_t *ikm, size_t len);

/* An empty history with all its memory and a copy of key, or NULL. */
struct history	*history_new(const uint8_t key[HISTORY_KEY_LEN]);
/* Wipes and frees; NULL is fine.  Does not flush. */
void		 history_free(struct history *);

/* --- The table (no I/O) --- */
size_t		 history_count(const struct history *);
size_t		 history_text_bytes(const struct history *);
/* The i-th entry, oldest first (0 <= i < count); -1 past the end. */
int		 history_at(const struct history *, size_t i,
		    struct history_entry *);
/*
 * Adds an entry, dropping the oldest ones as the bounds need; marks the
 * history dirty.  INVALID for a bad direction (> 1), action (> 1) or
 * length (0 or over HISTORY_TEXT_MAX).
 */
enum history_err history_add(struct history *, uint64_t time,
		    const uint8_t pk[TOX_PK_LEN], uint8_t dir, uint8_t action,
		    uint64_t message_id, const uint8_t *text, size_t len);
/*
 * Friend pk's entries older than sequence number `before` (0: all),
 * newest first: their indices (for history_at) into idx, at most max of
 * them.  Returns how many.
 */
size_t		 history_select(const struct history *,
		    const uint8_t pk[TOX_PK_LEN], uint64_t before,
		    size_t *idx, size_t max);

/* --- The codec (no I/O; what the fuzzer drives) --- */
/* The table as plaintext bytes; the length, or 0 if cap is short. */
size_t		 history_encode(const struct history *, uint8_t *out,
		    size_t cap);
/* Replaces the table by the plaintext's; on error it is left empty. */
enum history_err history_decode(struct history *, const uint8_t *data,
		    size_t len);
/* Seals plaintext p into a file image in out; its length, or 0 if cap
 * is short.  p may be out + HISTORY_FILE_HDR + HISTORY_MAC_LEN. */
size_t		 history_seal(const uint8_t key[HISTORY_KEY_LEN],
		    const uint8_t *p, size_t plen, uint8_t *out, size_t cap);
/* The table sealed into the history's own file buffer; see _file(). */
enum history_err history_pack(struct history *, size_t *len);
const uint8_t	*history_file(const struct history *);
/* Replaces the table by the one sealed in data (a whole file). */
enum history_err history_unpack(struct history *, const uint8_t *data,
		    size_t len);

/* --- The file --- */
/*
 * Names the file after the profile and reads it.  OK for a file read or
 * none at all.  Anything else: the error that made the file unreadable;
 * the file was then set aside (*aside holds its new name, the history is
 * empty and writable) or, if that failed (*aside is ""), the history is
 * locked (kept in memory, never written).
 */
enum history_err history_load(struct history *, const struct pstore *,
		    char *aside, size_t asidesz);
/* 1 when memory holds entries the file lacks. */
int		 history_dirty(const struct history *);
/* Writes the table if dirty; OK if nothing waits.  LOCKED, NOFILE, or
 * STORE (still dirty: try again later). */
enum history_err history_flush(struct history *);
/* Takes a new key and re-seals the file at once (if not locked); if the
 * write fails the history stays dirty under the new key. */
enum history_err history_rekey(struct history *,
		    const uint8_t key[HISTORY_KEY_LEN]);
enum history_err history_locked(const struct history *);
enum pstore_err	 history_store_error(const struct history *);
const char	*history_strerror(enum history_err);

#endif
