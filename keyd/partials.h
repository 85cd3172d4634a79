/*
 * Partial downloads, for resume: which file (friend's key, the 32-byte
 * file id the friend chose) the user accepted into which path, and the
 * size the friend offered.  When bulkhead stops half way and the friend
 * offers the same file again after a restart (qTox does, with the same
 * id), the frontend asks keyd whether it has a record and, if so, asks
 * the friend to seek to what the file already holds.  keyd alone writes
 * the profile directory, so it keeps the records; it stores the path as
 * bytes and never opens it.
 *
 * In memory: a table of at most PARTIALS_MAX records, allocated once by
 * partials_new() in secbuf_alloc() memory, oldest first.  A put for a key
 * already present replaces that record (it becomes the newest); a put
 * into a full table drops the oldest.  Nothing grows.
 *
 * The file is a sibling of the profile named "<profile name>.partials"
 * (PARTIALS_SUFFIX), rewritten whole by each put and each delete that
 * changes the table, with pstore_write (temporary file, fsync, rename,
 * fsync of the directory): the system calls of profile_store.h, nothing
 * new for keyd's seccomp table.
 *
 *	"BHpartls" (8) || version u32 (1) || key check (16) ||
 *	nonce (24) || crypto_secretbox(plaintext): MAC (16) || ciphertext
 *
 *	plaintext = count u16 (0..PARTIALS_MAX) || count x
 *	    { friend pk (32) || file id (32) || size u64 || len u16 ||
 *	      path (len: 1..PARTIALS_PATH_MAX bytes, no NUL) }
 *
 * oldest first, integers big-endian, no two records with the same key,
 * nothing trailing (the encoding is canonical), the nonce fresh at each
 * write.  The envelope is keyd/sealed.h's, as the outbox's, under its
 * own context strings: the key comes from partials_key_derive() over the
 * same key material (the passphrase key of an encrypted profile, else
 * the long-term secret key), so the files never share a key; the key
 * check tells a file sealed under another key from a damaged one.  What
 * that protects and what not is as outbox.h says; here it hides which
 * friends sent which files and where they were saved.
 *
 * A file that cannot be read (truncated, damaged, another key or
 * version, too large, an I/O error) is never a crash: partials_load()
 * says why and leaves the table empty, and the file stays as it is until
 * the next put, which replaces it (the loss is only that a resume starts
 * from the beginning).  partials_damaged() says whether that is pending,
 * so the glue can log it when it happens.
 *
 * Puts and deletes are durable and all-or-nothing: the new table is
 * encoded and written first, and memory changes only if the write
 * succeeded; a failed write leaves table and file as they were.
 */
#ifndef BULKHEAD_KEYD_PARTIALS_H
#define BULKHEAD_KEYD_PARTIALS_H

#include <stddef.h>
#include <stdint.h>

#include "common/toxid.h"
#include "keyd/profile_store.h"
#include "keyd/sealed.h"

#define PARTIALS_MAX		256	/* records */
#define PARTIALS_FILE_ID_LEN	32
#define PARTIALS_PATH_MAX	4095	/* bytes, as Linux's PATH_MAX - 1 */
#define PARTIALS_KEY_LEN	SEALED_KEY_LEN

#define PARTIALS_SUFFIX		".partials"
#define PARTIALS_MAGIC		"BHpartls"
#define PARTIALS_MAGIC_LEN	SEALED_MAGIC_LEN
#define PARTIALS_VERSION	1
#define PARTIALS_CHECK_LEN	SEALED_CHECK_LEN
#define PARTIALS_NONCE_LEN	SEALED_NONCE_LEN
#define PARTIALS_MAC_LEN	SEALED_MAC_LEN
#define PARTIALS_FILE_HDR	SEALED_HDR	/* 52 */
#define PARTIALS_ENTRY_HDR	(TOX_PK_LEN + PARTIALS_FILE_ID_LEN + 8 + 2)
#define PARTIALS_PLAIN_MAX	(2 + PARTIALS_MAX * \
	(PARTIALS_ENTRY_HDR + PARTIALS_PATH_MAX))
#define PARTIALS_FILE_MAX	(PARTIALS_FILE_HDR + PARTIALS_MAC_LEN + \
	PARTIALS_PLAIN_MAX)

enum partials_err {
	PARTIALS_OK = 0,
	PARTIALS_ERR_INVALID,	/* bad argument: an empty or long path, NUL */
	PARTIALS_ERR_NOTFOUND,	/* no record with that key */
	PARTIALS_ERR_STORE,	/* the write failed (pstore error kept) */
	PARTIALS_ERR_NOMEM,
	PARTIALS_ERR_NOFILE,	/* partials_load has not named the file */
	/* Reading the file (partials_load, partials_unpack): */
	PARTIALS_ERR_TRUNCATED,	/* shorter than a header and a MAC */
	PARTIALS_ERR_MAGIC,	/* not a partials file */
	PARTIALS_ERR_VERSION,	/* a version we do not know */
	PARTIALS_ERR_KEY,	/* sealed under another key */
	PARTIALS_ERR_AUTH,	/* the MAC fails: damaged */
	PARTIALS_ERR_FORMAT,	/* authentic but invalid inside */
	PARTIALS_ERR_TOOBIG,	/* over PARTIALS_FILE_MAX */
	PARTIALS_ERR_READ,	/* an I/O error (pstore error kept) */
};

/* One record as the accessors show it; path is NUL-terminated and valid
 * until the next change of the table. */
struct partials_entry {
	uint8_t		 pk[TOX_PK_LEN];
	uint8_t		 file_id[PARTIALS_FILE_ID_LEN];
	uint64_t	 size;		/* as the friend offered it */
	uint16_t	 len;
	const char	*path;
};

struct partials;

/* The key for the file from the profile's key material (any length):
 * BLAKE2b keyed with this file's own context string. */
void		 partials_key_derive(uint8_t out[PARTIALS_KEY_LEN],
		    const uint8_t *ikm, size_t len);

/* An empty table with all its memory and a copy of key, or NULL.  Puts
 * and deletes fail with NOFILE until partials_load(). */
struct partials	*partials_new(const uint8_t key[PARTIALS_KEY_LEN]);
/* Wipes and frees; NULL is fine. */
void		 partials_free(struct partials *);

/* --- The table (no I/O) --- */
size_t		 partials_count(const struct partials *);
/* The i-th record, oldest first (0 <= i < count); -1 past the end. */
int		 partials_at(const struct partials *, size_t i,
		    struct partials_entry *);
/* The record for (pk, file id); -1 if there is none. */
int		 partials_get(const struct partials *,
		    const uint8_t pk[TOX_PK_LEN],
		    const uint8_t file_id[PARTIALS_FILE_ID_LEN],
		    struct partials_entry *);
/*
 * In memory only: adds a record as the newest, replacing one with the
 * same key, or dropping the oldest when the table is full.  INVALID for
 * a path of 0 or over PARTIALS_PATH_MAX bytes, or holding a NUL.
 */
enum partials_err partials_set(struct partials *,
		    const uint8_t pk[TOX_PK_LEN],
		    const uint8_t file_id[PARTIALS_FILE_ID_LEN], uint64_t size,
		    const char *path, size_t len);
/* In memory only: removes the record; NOTFOUND if there is none. */
enum partials_err partials_unset(struct partials *,
		    const uint8_t pk[TOX_PK_LEN],
		    const uint8_t file_id[PARTIALS_FILE_ID_LEN]);

/* --- The codec (no I/O; what the fuzzer drives) --- */
/* The table as plaintext (the format above); 0 if cap is short. */
size_t		 partials_encode(const struct partials *, uint8_t *out,
		    size_t cap);
/* Replaces the table by the plaintext's; on any error the table is
 * left empty (FORMAT). */
enum partials_err partials_decode(struct partials *, const uint8_t *data,
		    size_t len);
/* Seals plaintext p as a whole file into out; its length, or 0 if cap
 * is short. */
size_t		 partials_seal(const uint8_t key[PARTIALS_KEY_LEN],
		    const uint8_t *p, size_t plen, uint8_t *out, size_t cap);
/* The table sealed under its key into out (PARTIALS_FILE_MAX always
 * suffices); the file's length in *len. */
enum partials_err partials_pack(struct partials *, uint8_t *out,
		    size_t cap, size_t *len);
/* Replaces the table by the one sealed in data (a whole file); on any
 * error the table is left empty. */
enum partials_err partials_unpack(struct partials *, const uint8_t *data,
		    size_t len);

/* --- The file --- */
/*
 * Names the file after the profile (a sibling of the profile's store,
 * sharing its directory descriptor) and reads it.  OK for a file read
 * and for no file at all; any other value leaves the table empty and
 * the file untouched until the next put (see above).  Call again after
 * the profile's store is replaced (an import).
 */
enum partials_err partials_load(struct partials *,
		    const struct pstore *profile);
/* partials_set, durably: OK only once the file holds the new table. */
enum partials_err partials_put(struct partials *,
		    const uint8_t pk[TOX_PK_LEN],
		    const uint8_t file_id[PARTIALS_FILE_ID_LEN], uint64_t size,
		    const char *path, size_t len);
/* partials_unset, durably.  OK also when there was no record (nothing
 * is written then). */
enum partials_err partials_del(struct partials *,
		    const uint8_t pk[TOX_PK_LEN],
		    const uint8_t file_id[PARTIALS_FILE_ID_LEN]);
/* Re-seals under a new key (the passphrase changed) and writes at once,
 * if there is anything to write; the old key stays if the write fails. */
enum partials_err partials_rekey(struct partials *,
		    const uint8_t key[PARTIALS_KEY_LEN]);
/* Why the last load failed while its file still waits to be replaced by
 * a put (PARTIALS_OK if nothing is pending). */
enum partials_err partials_damaged(const struct partials *);
/* The last pstore error of a STORE or READ failure, for logs. */
enum pstore_err	 partials_store_error(const struct partials *);
const char	*partials_strerror(enum partials_err);

#endif
