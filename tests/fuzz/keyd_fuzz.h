/*
 * keyd in process, for the libFuzzer targets fuzz_keyd*.c: keyd's own
 * tables and hooks (keyd/peers.h) over real channels to three fake peers,
 * frontend, netd and chatd, on a real profile directory (tmpfs when there
 * is one), made once.  Every input starts from the same state
 * (kfz_run): the directory as it was made, keyd started afresh on it, the
 * peers' channels new, and, for a target that asks, a session with
 * friend 0 (keys set) and one with friend 1 (established, its address
 * known), made the way netd and the friends make them.
 *
 * The state made once, at the first input: a plain profile whose own key
 * and friends' keys are fixed (seeds name them: KFZ_FRIENDS friends, then
 * KFZ_STRANGERS strangers), nospam KFZ_NOSPAM, and beside it what the
 * peers store through keyd's own handlers (keyd_fuzz_seeds.c): an outbox
 * message (id 1, to friend 0), history, a partial download, a file being
 * sent, our avatar and friend 1's.  keyd_fuzz_priv.h lists the helper's
 * parts.
 *
 * An input is a sequence of records, each one message from a peer:
 *
 *	[ctl u8][tsel u8][len u16][payload][if ctl & KFZ_FILE: flen u16][file]
 *
 * (lengths big endian, taken modulo 4096 and 8192).  The target names two
 * peers; ctl picks which one speaks, tsel the type: by default the
 * tsel-th (modulo) of the types the catalogue lets that peer send keyd,
 * so the handlers are reached and not only the catalogue's check.
 */
#ifndef BULKHEAD_TESTS_FUZZ_KEYD_FUZZ_H
#define BULKHEAD_TESTS_FUZZ_KEYD_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "common/rd.h"
#include "ipc/ipc.h"

enum kfz_peer {
	KFZ_FRONTEND,
	KFZ_NETD,
	KFZ_CHATD,
	KFZ_PEERS
};

/* ctl bits of a record. */
#define KFZ_OTHER	0x01	/* from the target's other peer */
#define KFZ_FILE	0x02	/* a file follows: a memfd sent with it */
#define KFZ_ID		0x0c	/* the request id: */
#define KFZ_ID_NEW	0x00	/*   a fresh one (tracked: one answer) */
#define KFZ_ID_ZERO	0x04	/*   0, a notice */
#define KFZ_ID_CALL	0x08	/*   that of a request keyd made of the
				 *   peer (tsel picks which): an answer */
#define KFZ_ID_LAST	0x0c	/*   the last one again */
#define KFZ_RAW		0x10	/* tsel is the type itself ... */
#define KFZ_HIGH	0x80	/* ... plus 256 */
#define KFZ_NOLOOP	0x20	/* keyd does not run after it: bursts */
#define KFZ_PLAY	0x40	/* the harness plays the peer's part (below) */

/*
 * KFZ_PLAY: what a fuzzer cannot forge, the harness builds from the
 * payload with the friends' and strangers' keys, so the handlers behind
 * a MAC are reached (keyd_fuzz_friend.c).  "who" picks one of
 * KFZ_OTHERS (friends first); a payload that does not make one is
 * dropped.
 *   netd NC_HS_IN		who, want_reply, then dht_pk, the cookie it
 *				answers and the two other cookies (zeros
 *				when short): who's handshake to us
 *   netd NC_DATA_IN		who, ack u32, number u32, id || data:
 *				sealed in who's session
 *   netd ONION_DATA_IN		who, id, data: sealed from who to us
 *   netd ONION_DHTPK_IN	who, plain text: boxed from who to us
 *   netd ONION_ANNOUNCE_OPEN	who (the node), sendback 8, plain text:
 *				the node's 0x84 to us
 *   frontend SEND_DEL		the file id is the one keyd answered the
 *				last SEND_ID with, as the frontend keeps it
 */

#define KFZ_FRIENDS	3	/* 0 and 1 confirmed, 2 asked (request sent) */
#define KFZ_STRANGERS	2
#define KFZ_OTHERS	(KFZ_FRIENDS + KFZ_STRANGERS)
#define KFZ_NOSPAM	"\x6b\x66\x7a\x21"

/* One record, read (kfz_next) and about to be sent. */
struct kfz_rec {
	uint8_t		 ctl;
	uint16_t	 type;
	enum kfz_peer	 peer;
	uint32_t	 id;
	const uint8_t	*p, *file;
	size_t		 len, flen;
};

struct kfz_target {
	enum kfz_peer	 peer, other;	/* ctl & KFZ_OTHER picks other */
	int		 sessions;	/* friend 0's and 1's made first */
	/* May drop the record (-1) or take its memfd (*fd = -1); NULL:
	 * every record goes as it is. */
	int		(*prepare)(const struct kfz_rec *, int *fd);
};

/*
 * Runs one input.  Aborts (a finding) if keyd crashes, sends a peer its
 * long-term secret key or a session key that the input does not hold
 * itself, answers a request of an open channel not exactly once or with
 * a type that does not answer it, leaves a profile that does not load
 * or a store beside it that does not open (while the identity is the
 * one made here and plain), or leaks a descriptor.
 */
int	kfz_run(const struct kfz_target *, const uint8_t *, size_t);

/*
 * KFZ_TRACE=1 in the environment: on stderr each message of the input,
 * the table whose row took it and what keyd sent back; at exit every row
 * of every table keyd has for the target's two peers with how many of
 * the inputs' messages it took, and "N of M handlers reached".
 * KFZ_SEEDS=DIR: the seeds for the tables of the target's first peer are
 * written into DIR and the program exits.  Call this from
 * LLVMFuzzerInitialize.
 */
void	kfz_env(const struct kfz_target *);
/* How many inputs kfz_run has begun, this one included. */
unsigned long	kfz_inputs(void);

/* A target's two entry points, on its struct kfz_target t. */
#define KFZ_TARGET(t)							\
int	LLVMFuzzerInitialize(int *, char ***);				\
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);		\
int									\
LLVMFuzzerInitialize(int *argc, char ***argv)				\
{									\
	kfz_env(&(t));							\
	return 0;							\
}									\
int									\
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)		\
{									\
	return kfz_run(&(t), data, size);				\
}

#endif
