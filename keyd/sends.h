/*
 * Files being sent, for resume on the friend's side: which id each file
 * the user sends to a friend was offered under.  bulkhead offers a file
 * under a random id; when the same file goes to the same friend again
 * (bulkhead restarted, or the friend went offline half way), the offer
 * must carry the same id, because that is how a receiver (bulkhead's
 * partials, qTox, any c-toxcore client that seeks) knows it holds a part
 * of it already.  keyd alone writes the profile directory, so it keeps
 * the records; it stores the path as bytes and never opens it.
 *
 * A record is keyed by the friend's long-term key and the path as the
 * user gave it, and holds the id and the file's stamp: size, mtime (ns),
 * device and inode as the supervisor saw them when it opened the file.
 * A file whose stamp changed is another file: it gets a new id (the
 * receiver starts it from zero rather than splice two contents).  A
 * record lives until the file was sent whole or the user cancelled it;
 * a transfer that died with the friend's connection, or the session,
 * keeps it.  The id is keyd's randombytes, never a value from a friend.
 *
 * In memory: a table of at most SENDS_MAX records, allocated once by
 * sends_new() in secbuf_alloc() memory, oldest first.  A put for a key
 * already present replaces that record (it becomes the newest); a put
 * into a full table drops the oldest.  Nothing grows.
 *
 * The file is a sibling of the profile named "<profile name>.sends"
 * (SENDS_SUFFIX), rewritten whole by each put and each delete that
 * changes the table, with pstore_write (temporary file, fsync, rename,
 * fsync of the directory): nothing new for keyd's seccomp table.
 *
 *	"BHsendid" (8) || version u32 (1) || key check (16) ||
 *	nonce (24) || crypto_secretbox(plaintext): MAC (16) || ciphertext
 *
 *	plaintext = count u16 (0..SENDS_MAX) || count x
 *	    { friend pk (32) || file id (32) || size u64 || mtime u64 ||
 *	      dev u64 || ino u64 || len u16 ||
 *	      path (len: 1..SENDS_PATH_MAX bytes, no NUL) }
 *
 * oldest first, integers big-endian, no two records with the same
 * (friend, path) nor the same (friend, file id), nothing trailing (the
 * encoding is canonical), the nonce fresh at each write.  The envelope
 * is keyd/sealed.h's, as the partials', under its own context strings, over the same key material, so the files never share a key;
 * here it hides which files went to which friends.
 *
 * A file that cannot be read (truncated, damaged, another key or
 * version, too large, an I/O error) is never a crash: sends_load() says
 * why and leaves the table empty, and the file stays as it is until the
 * next put, which replaces it (the loss is only that a re-send goes
 * under a new id and the friend starts from zero).  Puts and deletes are
 * durable and all-or-nothing: the new table is written first, and memory
 * changes only if the write succeeded.
 */
#ifndef BULKHEAD_KEYD_SENDS_H
#define BULKHEAD_KEYD_SENDS_H

#include <stddef.h>
#include <stdint.h>

#include "common/toxid.h"
#include "keyd/profile_store.h"
#include "keyd/sealed.h"

#define SENDS_MAX		256	/* records */
#define SENDS_FILE_ID_LEN	32
#define SENDS_PATH_MAX		4095	/* bytes, as Linux's PATH_MAX - 1 */
#define SENDS_KEY_LEN		SEALED_KEY_LEN

#define SENDS_SUFFIX		".sends"
#define SENDS_MAGIC		"BHsendid"
#define SENDS_MAGIC_LEN		SEALED_MAGIC_LEN
#define SENDS_VERSION		1
#define SENDS_CHECK_LEN		SEALED_CHECK_LEN
#define SENDS_NONCE_LEN		SEALED_NONCE_LEN
#define SENDS_MAC_LEN		SEALED_MAC_LEN
#define SENDS_FILE_HDR		SEALED_HDR	/* 52 */
#define SENDS_ENTRY_HDR		(TOX_PK_LEN + SENDS_FILE_ID_LEN + 4 * 8 + 2)
#define SENDS_PLAIN_MAX		(2 + SENDS_MAX * \
	(SENDS_ENTRY_HDR + SENDS_PATH_MAX))
#define SENDS_FILE_MAX		(SENDS_FILE_HDR + SENDS_MAC_LEN + \
	SENDS_PLAIN_MAX)

enum sends_err {
	SENDS_OK = 0,
	SENDS_ERR_INVALID,	/* bad argument: a bad path, an id in use */
	SENDS_ERR_NOTFOUND,	/* no record with that key */
	SENDS_ERR_STORE,	/* the write failed (pstore error kept) */
	SENDS_ERR_NOMEM,
	SENDS_ERR_NOFILE,	/* sends_load has not named the file */
	/* Reading the file (sends_load, sends_unpack): */
	SENDS_ERR_TRUNCATED,	/* shorter than a header and a MAC */
	SENDS_ERR_MAGIC,	/* not a sends file */
	SENDS_ERR_VERSION,	/* a version we do not know */
	SENDS_ERR_KEY,		/* sealed under another key */
	SENDS_ERR_AUTH,		/* the MAC fails: damaged */
	SENDS_ERR_FORMAT,	/* authentic but invalid inside */
	SENDS_ERR_TOOBIG,	/* over SENDS_FILE_MAX */
	SENDS_ERR_READ,		/* an I/O error (pstore error kept) */
};

/* What tells one content of a path from another. */
struct sends_stamp {
	uint64_t	size;
	uint64_t	mtime;		/* nanoseconds since the epoch */
	uint64_t	dev;
	uint64_t	ino;
};

/* One record as the accessors show it; path is NUL-terminated and valid
 * until the next change of the table. */
struct sends_entry {
	uint8_t			 pk[TOX_PK_LEN];
	uint8_t			 file_id[SENDS_FILE_ID_LEN];
	struct sends_stamp	 stamp;
	uint16_t		 len;
	const char		*path;
};

struct sends;

/* The key for the file from the profile's key material (any length):
 * BLAKE2b keyed with this file's own context string. */
void		 sends_key_derive(uint8_t out[SENDS_KEY_LEN],
		    const uint8_t *ikm, size_t len);

/* An empty table with all its memory and a copy of key, or NULL.  Puts
 * and deletes fail with NOFILE until sends_load(). */
struct sends	*sends_new(const uint8_t key[SENDS_KEY_LEN]);
/* Wipes and frees; NULL is fine. */
void		 sends_free(struct sends *);

/* --- The table (no I/O) --- */
size_t		 sends_count(const struct sends *);
/* The i-th record, oldest first (0 <= i < count); -1 past the end. */
int		 sends_at(const struct sends *, size_t i,
		    struct sends_entry *);
/* The record for (pk, path), whatever its stamp; -1 if there is none. */
int		 sends_get(const struct sends *, const uint8_t pk[TOX_PK_LEN],
		    const char *path, size_t len, struct sends_entry *);
/*
 * The id an unfinished offer of this file (pk, path, and the same stamp)
 * went under, into id: 1; 0 if there is none or the file changed.
 */
int		 sends_match(const struct sends *,
		    const uint8_t pk[TOX_PK_LEN], const struct sends_stamp *,
		    const char *path, size_t len,
		    uint8_t id[SENDS_FILE_ID_LEN]);
/*
 * In memory only: adds a record as the newest, replacing the one with
 * the same (pk, path), or dropping the oldest when the table is full.
 * INVALID for a path of 0 or over SENDS_PATH_MAX bytes or holding a
 * NUL, and for an id another path of this friend's has.
 */
enum sends_err	 sends_set(struct sends *, const uint8_t pk[TOX_PK_LEN],
		    const uint8_t id[SENDS_FILE_ID_LEN],
		    const struct sends_stamp *, const char *path, size_t len);
/* In memory only: removes the record (pk, id); NOTFOUND if none. */
enum sends_err	 sends_unset(struct sends *, const uint8_t pk[TOX_PK_LEN],
		    const uint8_t id[SENDS_FILE_ID_LEN]);

/* --- The codec (no I/O; what the fuzzer drives) --- */
/* The table as plaintext (the format above); 0 if cap is short. */
size_t		 sends_encode(const struct sends *, uint8_t *out, size_t cap);
/* Replaces the table by the plaintext's; on any error the table is
 * left empty (FORMAT). */
enum sends_err	 sends_decode(struct sends *, const uint8_t *data,
		    size_t len);
/* Seals plaintext p as a whole file into out; its length, or 0 if cap
 * is short. */
size_t		 sends_seal(const uint8_t key[SENDS_KEY_LEN], const uint8_t *p,
		    size_t plen, uint8_t *out, size_t cap);
/* The table sealed under its key into out (SENDS_FILE_MAX always
 * suffices); the file's length in *len. */
enum sends_err	 sends_pack(struct sends *, uint8_t *out, size_t cap,
		    size_t *len);
/* Replaces the table by the one sealed in data (a whole file); on any
 * error the table is left empty. */
enum sends_err	 sends_unpack(struct sends *, const uint8_t *data,
		    size_t len);

/* --- The file --- */
/*
 * Names the file after the profile (a sibling of the profile's store,
 * sharing its directory descriptor) and reads it.  OK for a file read
 * and for no file at all; any other value leaves the table empty and
 * the file untouched until the next put.  Call again after the
 * profile's store is replaced (an import).
 */
enum sends_err	 sends_load(struct sends *, const struct pstore *profile);
/* sends_set, durably: OK only once the file holds the new table. */
enum sends_err	 sends_put(struct sends *, const uint8_t pk[TOX_PK_LEN],
		    const uint8_t id[SENDS_FILE_ID_LEN],
		    const struct sends_stamp *, const char *path, size_t len);
/* sends_unset, durably.  OK also when there was no record (nothing is
 * written then). */
enum sends_err	 sends_del(struct sends *, const uint8_t pk[TOX_PK_LEN],
		    const uint8_t id[SENDS_FILE_ID_LEN]);
/* Re-seals under a new key (the passphrase changed) and writes at once,
 * if there is anything to write; the old key stays if the write fails. */
enum sends_err	 sends_rekey(struct sends *,
		    const uint8_t key[SENDS_KEY_LEN]);
/* Why the last load failed while its file still waits to be replaced by
 * a put (SENDS_OK if nothing is pending). */
enum sends_err	 sends_damaged(const struct sends *);
/* The last pstore error of a STORE or READ failure, for logs. */
enum pstore_err	 sends_store_error(const struct sends *);
const char	*sends_strerror(enum sends_err);

#endif
