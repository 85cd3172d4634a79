/*
 * File transfers of the test's libtoxcore client (tests/lib/toxpeer):
 * what it sends, from memory or from a file, and what it is offered,
 * with every callback's news kept per transfer so a test can wait for
 * it (toxpeer_run with the conditions below) and then look.
 *
 * Each transfer is one record in the peer's table, in the order they
 * began; records stay after the transfer ends (libtoxcore reuses file
 * numbers, so a later transfer with the same number gets a new record).
 * Received bytes are hashed (SHA-256) as they arrive in order and kept
 * in memory up to the peer's keep_max; what lies beyond is counted and
 * hashed but not kept.  A sender hashes what it served, in order, so
 * both ends of a transfer can be compared with each other and with
 * another client's report.  A seek moves where both start: the hashes
 * then cover [start, end).
 */
#ifndef BULKHEAD_TEST_TOXPEER_FILE_H
#define BULKHEAD_TEST_TOXPEER_FILE_H

#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <tox/tox.h>

#define TOXPEER_FILES		64		/* records per peer */
#define TOXPEER_KEEP_DEFAULT	(4u << 20)	/* bytes kept per transfer */

struct toxpeer;

enum toxpeer_fdir {
	TOXPEER_OUT = 1,		/* we send */
	TOXPEER_IN			/* we were offered it */
};

/* Who ended a transfer that did not finish. */
enum toxpeer_fend {
	TOXPEER_LIVE = 0,
	TOXPEER_BY_FRIEND,		/* its CANCEL came */
	TOXPEER_BY_US,			/* toxpeer_file_cancel */
	TOXPEER_OFFLINE			/* the friend went offline */
};

struct toxpeer_file {
	int		 used;
	enum toxpeer_fdir dir;
	uint32_t	 friend;
	uint32_t	 number;	/* libtoxcore's file number */
	uint32_t	 kind;		/* TOX_FILE_KIND_* (or any) */
	uint64_t	 size;		/* UINT64_MAX: a stream */
	size_t		 name_len;
	uint8_t		 name[TOX_MAX_FILENAME_LENGTH];
	uint8_t		 id[TOX_FILE_ID_LENGTH];

	/* the source of one we send: src[0..src_len) or fd */
	const uint8_t	*src;
	int		 fd;		/* -1 if none */
	uint64_t	 src_len;

	/* what happened */
	int		 accepted;	/* out: the friend's first RESUME;
					 * in: we accepted */
	int		 paused_us;	/* we paused it and did not resume */
	int		 paused_friend;	/* the friend did (after accepting) */
	size_t		 npause;	/* PAUSE controls from the friend */
	size_t		 nresume;	/* RESUMEs from the friend, the
					 * accepting one of an out included */
	int		 done;		/* ended normally (length 0) */
	enum toxpeer_fend cancelled;
	uint64_t	 start;		/* first position seen (a seek) */
	uint64_t	 next;		/* the position after the last in order */
	uint64_t	 bytes;		/* in order from start */
	uint64_t	 end;		/* in: where libtoxcore said it ended */
	size_t		 nchunk;	/* chunk callbacks with data */
	size_t		 nrewind;	/* chunks before next: not hashed again */
	size_t		 ngap;		/* chunks after next: bytes missing */
	size_t		 nerr;		/* tox_file_send_chunk or read failed */
	crypto_hash_sha256_state sha;
	uint8_t		 sha256[crypto_hash_sha256_BYTES]; /* once ended */
	char		 sha256_hex[2 * crypto_hash_sha256_BYTES + 1];

	/* in: what was kept, from start */
	uint8_t		*keep;
	size_t		 keep_len;
	size_t		 keep_cap;
	int		 keep_short;	/* more came than keep_max */

	int		 want_accept;	/* auto_accept, done after iterate */
};

/*
 * Sends data[0..len) (caller's memory, kept until the transfer ends) to
 * friend as kind, named name[0..name_len), with file id id (NULL: one
 * libtoxcore makes, copied into the record).  stream: the size is told
 * as unknown (UINT64_MAX) and the stream ends with a short chunk.  The
 * record, or NULL (printed why).
 */
struct toxpeer_file *toxpeer_file_send(struct toxpeer *, uint32_t friend,
	    uint32_t kind, const void *data, uint64_t len, int stream,
	    const uint8_t *id, const void *name, size_t name_len);
/* The same from the file at path (read as chunks are asked for); name
 * NULL: the path's last component. */
struct toxpeer_file *toxpeer_file_send_path(struct toxpeer *,
	    uint32_t friend, uint32_t kind, const char *path, int stream,
	    const uint8_t *id, const void *name, size_t name_len);

/* Controls for a record; 0, or -1 (printed libtoxcore's error). */
int	toxpeer_file_accept(struct toxpeer *, struct toxpeer_file *);
int	toxpeer_file_seek(struct toxpeer *, struct toxpeer_file *,
	    uint64_t pos);	/* an offer, before accepting it */
int	toxpeer_file_pause(struct toxpeer *, struct toxpeer_file *);
int	toxpeer_file_resume(struct toxpeer *, struct toxpeer_file *);
int	toxpeer_file_cancel(struct toxpeer *, struct toxpeer_file *);

/* The i-th offer received since start (0 the first), or NULL. */
struct toxpeer_file *toxpeer_file_offer(struct toxpeer *, size_t i);
/* How many offers came since start. */
size_t	toxpeer_file_offers(const struct toxpeer *);
/* The live record of friend's file number in dir, else the latest. */
struct toxpeer_file *toxpeer_file_find(struct toxpeer *, uint32_t friend,
	    uint32_t number, enum toxpeer_fdir);

/*
 * Conditions for toxpeer_run.  For these arg is a struct toxpeer_file:
 */
int	toxpeer_file_is_done(void *);		/* ended normally */
int	toxpeer_file_is_cancelled(void *);	/* ended otherwise */
int	toxpeer_file_is_over(void *);		/* either */
int	toxpeer_file_is_accepted(void *);	/* out: the friend accepted */
int	toxpeer_file_friend_paused(void *);	/* the friend paused it */
/* For these, a struct toxpeer_fwant: */
struct toxpeer_fwant {
	struct toxpeer		*p;
	struct toxpeer_file	*f;
	uint64_t		 n;
};
int	toxpeer_file_has_offers(void *);	/* p had at least n offers */
int	toxpeer_file_has_bytes(void *);		/* f moved at least n bytes */
int	toxpeer_file_has_resumes(void *);	/* f had n RESUMEs */

/* For toxpeer.c: callbacks, after each iterate, offline, stop. */
void	toxpeer_file_init(struct toxpeer *);
void	toxpeer_file_after(struct toxpeer *);
void	toxpeer_file_offline(struct toxpeer *, uint32_t friend);
void	toxpeer_file_free(struct toxpeer *);

#endif
