/*
 * The outbox: messages the user sent that no friend has received yet.
 * keyd alone keeps it (chatd has no files and no keys); a message is
 * accepted, and the user gets its id, only once it is on disk, and it
 * stays there until the receipt comes, through an exit, a crash or a
 * kill -9 of any role.
 *
 * In memory: a table of at most OUTBOX_MAX entries holding at most
 * OUTBOX_TEXT_TOTAL bytes of text, all of it allocated by outbox_new() in
 * secbuf_alloc() memory (with the key): a put beyond either bound fails
 * with OUTBOX_ERR_FULL and nothing grows.  Entries are kept in id order.
 *
 * Ids: keyd assigns them, strictly increasing from 1 and never reused:
 * the next id is saved in the file with the table, so emptying the table
 * and restarting does not bring an old id back.
 *
 * The file is a sibling of the profile named "<profile name>.outbox"
 * (OUTBOX_SUFFIX): unlike the nodes cache (nodes.json, one per directory,
 * harmless to share) it must belong to one profile.  It is written with
 * pstore_write (temporary file, fsync, rename, fsync of the directory),
 * so the system calls are those of profile_store.h plus renameat for
 * outbox_reset(): nothing new for keyd's seccomp table.
 *
 *	"BHoutbox" (8) || version u32 (1) || key check (16) ||
 *	nonce (24) || crypto_secretbox(plaintext): MAC (16) || ciphertext
 *
 *	plaintext = next_id u64 || count u32 || count x
 *	    { id u64 || friend pk (32) || action u8 || created u64 ||
 *	      len u16 || text (len) }
 *
 * The envelope is keyd/sealed.h's, shared by keyd's sealed tables.
 * All integers big-endian.  The nonce is fresh and random at each write.
 * The key check is a keyed BLAKE2b of a fixed string under the key: it
 * tells a file sealed under another key (OUTBOX_ERR_KEY) from a damaged
 * one (OUTBOX_ERR_AUTH) and says nothing about the key.  Ids inside are
 * strictly increasing and below next_id, texts 1..OUTBOX_TEXT_MAX bytes,
 * the bounds above hold, and nothing trails: the encoding is canonical.
 *
 * The key: outbox_key_derive() from the profile's key.  An encrypted
 * profile gives its passphrase key: the outbox is then as strong as the
 * passphrase, and a stolen disk or backup shows neither the texts nor the
 * friends they go to, and nobody without the key can alter or forge an
 * entry (the MAC covers all of it).  An unencrypted profile gives its
 * long-term secret key, which lies in the profile next to the outbox:
 * that protects only against someone who has the outbox file alone (a
 * copy, a sync, a grep of the disk), not against a reader of the profile
 * directory.  Neither protects against a compromised keyd (it holds the
 * key), hides how much is queued (the file size follows the total text
 * length) or stops a rollback: whoever can write the directory can put
 * back an older sealed file, which resends delivered messages and lowers
 * the next id (so ids handed out since could come back).
 *
 * Deletions are lazy: outbox_del() and outbox_del_friend() change the
 * table at once and the file at the next outbox_flush() (the glue calls
 * it on a timer, e.g. every OUTBOX_FLUSH_MS while outbox_dirty(), and at
 * exit) or the next put, which writes everything.  A crash in between
 * costs a resend of a message the friend already has; never a loss.
 *
 * A file that cannot be read (damaged, truncated, another key, another
 * version, too large, an I/O error) is never overwritten: outbox_load()
 * says why and leaves the outbox empty and locked; puts then fail with
 * OUTBOX_ERR_LOCKED (the user gets no id for a message that could not be
 * stored) and flushes write nothing.  Only outbox_reset(), on the user's
 * explicit word, unlocks: it renames the unreadable file to
 * "<profile name>.outbox.damaged" (replacing an older one) and starts
 * empty.  The old next id is unknown then, so the new one starts at
 * now_unix << 24 (or higher): above any id handed out unless more than
 * 2^24 were handed out per second since 1970.  A file that is simply
 * missing (a new profile, or deleted by hand) starts at 1.  Queued
 * messages are never dropped silently.
 */
#ifndef BULKHEAD_KEYD_OUTBOX_H
#define BULKHEAD_KEYD_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "common/toxid.h"
#include "keyd/profile_store.h"
#include "keyd/sealed.h"

#define OUTBOX_MAX		1024		/* entries */
#define OUTBOX_TEXT_MAX		16384		/* bytes in one entry */
#define OUTBOX_TEXT_TOTAL	(2u * 1024 * 1024)	/* in all entries */
#define OUTBOX_ACTION_MAX	1	/* 0 a message, 1 an action (/me) */
#define OUTBOX_KEY_LEN		SEALED_KEY_LEN
#define OUTBOX_FLUSH_MS		1000	/* a sensible flush timer */

#define OUTBOX_SUFFIX		".outbox"
#define OUTBOX_DAMAGED_SUFFIX	".outbox.damaged"
#define OUTBOX_MAGIC		"BHoutbox"
#define OUTBOX_MAGIC_LEN	SEALED_MAGIC_LEN
#define OUTBOX_VERSION		1
#define OUTBOX_CHECK_LEN	SEALED_CHECK_LEN
#define OUTBOX_NONCE_LEN	SEALED_NONCE_LEN
#define OUTBOX_MAC_LEN		SEALED_MAC_LEN
#define OUTBOX_FILE_HDR		SEALED_HDR	/* 52 */
#define OUTBOX_PLAIN_HDR	(8 + 4)
#define OUTBOX_ENTRY_HDR	(8 + TOX_PK_LEN + 1 + 8 + 2)	/* 51 */
#define OUTBOX_PLAIN_MAX	(OUTBOX_PLAIN_HDR + \
	OUTBOX_MAX * OUTBOX_ENTRY_HDR + OUTBOX_TEXT_TOTAL)
#define OUTBOX_FILE_MAX		(OUTBOX_FILE_HDR + OUTBOX_MAC_LEN + \
	OUTBOX_PLAIN_MAX)

enum outbox_err {
	OUTBOX_OK = 0,
	OUTBOX_ERR_INVALID,	/* bad argument: text length, action */
	OUTBOX_ERR_FULL,	/* OUTBOX_MAX entries or the text total */
	OUTBOX_ERR_NOTFOUND,	/* no entry with that id */
	OUTBOX_ERR_LOCKED,	/* the file is unreadable: not saving over it */
	OUTBOX_ERR_STORE,	/* the write failed (pstore error kept) */
	OUTBOX_ERR_NOMEM,
	OUTBOX_ERR_NOFILE,	/* outbox_load has not named the file yet */
	/* Reading the file (outbox_load, outbox_unpack): */
	OUTBOX_ERR_TRUNCATED,	/* shorter than a header and a MAC */
	OUTBOX_ERR_MAGIC,	/* not an outbox file */
	OUTBOX_ERR_VERSION,	/* an outbox of a version we do not know */
	OUTBOX_ERR_KEY,		/* sealed under another key */
	OUTBOX_ERR_AUTH,	/* the MAC fails: damaged */
	OUTBOX_ERR_FORMAT,	/* authentic but invalid inside */
	OUTBOX_ERR_TOOBIG,	/* over OUTBOX_FILE_MAX */
	OUTBOX_ERR_READ,	/* an I/O error (pstore error kept) */
};

/* One entry as the accessors show it; text is valid until the next
 * change of the table. */
struct outbox_entry {
	uint64_t	 id;
	uint64_t	 created;	/* unix seconds, as the caller said */
	uint8_t		 pk[TOX_PK_LEN];	/* the friend's real key */
	uint8_t		 action;
	uint16_t	 len;
	const uint8_t	*text;
};

struct outbox;

/*
 * The key for the outbox from the profile's key material (ikm, any
 * length): BLAKE2b keyed with a context string, so it is never the
 * profile's own key.  See above for which ikm to pass.
 */
void		 outbox_key_derive(uint8_t out[OUTBOX_KEY_LEN],
		    const uint8_t *ikm, size_t len);

/* An empty outbox with all its memory and a copy of key, or NULL. */
struct outbox	*outbox_new(const uint8_t key[OUTBOX_KEY_LEN]);
/* Wipes and frees; NULL is fine.  Does not flush. */
void		 outbox_free(struct outbox *);

/* --- The table (no I/O) --- */
size_t		 outbox_count(const struct outbox *);
/* Entries whose friend is pk. */
size_t		 outbox_count_friend(const struct outbox *,
		    const uint8_t pk[TOX_PK_LEN]);
/* The i-th entry in id order (0 <= i < count); -1 past the end. */
int		 outbox_at(const struct outbox *, size_t i,
		    struct outbox_entry *);
/* The entry with that id; -1 if there is none. */
int		 outbox_find(const struct outbox *, uint64_t id,
		    struct outbox_entry *);
/* The id the next put will get. */
uint64_t	 outbox_next_id(const struct outbox *);
/* Bytes of text held. */
size_t		 outbox_text_bytes(const struct outbox *);

/* --- The codec (no I/O; what the fuzzer drives) --- */
/*
 * Seals the table into out (cap bytes, OUTBOX_FILE_MAX always suffices)
 * under the outbox's key with a random nonce; the file's length in *len.
 */
enum outbox_err	 outbox_pack(struct outbox *, uint8_t *out, size_t cap,
		    size_t *len);
/*
 * Replaces the table by the one sealed in data (a whole file).  On any
 * error the table is left empty and the next id at 1.
 */
enum outbox_err	 outbox_unpack(struct outbox *, const uint8_t *data,
		    size_t len);
/* The plaintext side alone: the table as bytes, and back (the same
 * contract as outbox_unpack).  encode returns 0 if cap is short. */
size_t		 outbox_encode(const struct outbox *, uint8_t *out,
		    size_t cap);
enum outbox_err	 outbox_decode(struct outbox *, const uint8_t *data,
		    size_t len);
/* Seals plaintext p (plen bytes) as a file into out; its length, or 0 if
 * cap is short.  For tests and the fuzzer; outbox_pack uses it. */
size_t		 outbox_seal(const uint8_t key[OUTBOX_KEY_LEN],
		    const uint8_t *p, size_t plen, uint8_t *out, size_t cap);

/* --- The file --- */
/*
 * Names the file after the profile (a sibling of the profile's store,
 * sharing its directory descriptor) and reads it.  OUTBOX_OK for a file
 * read and for no file at all (an empty outbox, nothing written until
 * the first put); any other value leaves the outbox empty and locked (see
 * above).  May be called again (after outbox_reset or a fix by hand),
 * and must be after the profile's pstore is closed or replaced (an
 * import): the outbox keeps using that store's directory descriptor.
 */
enum outbox_err	 outbox_load(struct outbox *, const struct pstore *profile);
/*
 * Adds a message and writes the whole table (with lazy deletions) to
 * disk; returns OUTBOX_OK and the entry's id only once the file holds
 * it.  On any error the table is as before (a waiting deletion still
 * waits) and the user must be told the message was not accepted (FULL:
 * "outbox full").  A failed write spends its id all the same: if only
 * the directory's fsync failed, the file may hold the entry, and a crash
 * before the next write would then send a message the user was told had
 * failed; the next successful write drops it from the file.  text is 1 ..
 * OUTBOX_TEXT_MAX bytes, action 0 .. OUTBOX_ACTION_MAX.
 */
enum outbox_err	 outbox_put(struct outbox *, const uint8_t pk[TOX_PK_LEN],
		    uint8_t action, const uint8_t *text, size_t len,
		    uint64_t now_unix, uint64_t *id);
/* Removes the entry (the receipt came); written lazily.  NOTFOUND if it
 * is not there (a duplicate receipt). */
enum outbox_err	 outbox_del(struct outbox *, uint64_t id);
/* Removes every entry for the friend (deleted); lazily.  How many. */
size_t		 outbox_del_friend(struct outbox *,
		    const uint8_t pk[TOX_PK_LEN]);
/* 1 when the file lags behind the table (a deletion waits). */
int		 outbox_dirty(const struct outbox *);
/* Writes a waiting deletion; OUTBOX_OK if nothing waits.  LOCKED while
 * locked; STORE on a failed write (still dirty: try again later). */
enum outbox_err	 outbox_flush(struct outbox *);
/*
 * Re-seals under a new key (the profile's passphrase changed) and writes
 * at once; the old key stays in use if the write fails.
 */
enum outbox_err	 outbox_rekey(struct outbox *,
		    const uint8_t key[OUTBOX_KEY_LEN]);
/*
 * The user's decision about an unreadable file: move it aside to
 * "<profile>.outbox.damaged" and unlock with an empty table whose next
 * id is derived from now_unix (see above), written at once.  OUTBOX_OK
 * also when it was not locked (nothing done); STORE if the rename failed
 * (still locked) or the first write did (unlocked and dirty: a flush or
 * a put writes it).
 */
enum outbox_err	 outbox_reset(struct outbox *, uint64_t now_unix);
/* Why the outbox is locked (OUTBOX_OK if it is not). */
enum outbox_err	 outbox_locked(const struct outbox *);
/* The last pstore error of a STORE or READ failure, for logs. */
enum pstore_err	 outbox_store_error(const struct outbox *);
const char	*outbox_strerror(enum outbox_err);

#endif
