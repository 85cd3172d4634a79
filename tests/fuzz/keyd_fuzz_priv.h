/*
 * Between the files of the keyd fuzz harness (keyd_fuzz.h is what the
 * targets use): keyd_fuzz.c runs keyd and the peers, keyd_fuzz_dir.c
 * keeps the profile directory, keyd_fuzz_friend.c plays the friends and
 * strangers, keyd_fuzz_seeds.c builds seeds.
 */
#ifndef BULKHEAD_TESTS_FUZZ_KEYD_FUZZ_PRIV_H
#define BULKHEAD_TESTS_FUZZ_KEYD_FUZZ_PRIV_H

#include "tests/fuzz/keyd_fuzz.h"

/* keyd_fuzz_dir.c: the directory, made once and put back per input. */
/* Makes the directory (removed at exit); the profile's path in it. */
const char	*kfz_dir_init(void);
/* The plain profile: our key ("self"), KFZ_NOSPAM, the friends. */
void		 kfz_dir_make(void);
/* The secret key kfz_dir_make gave the profile. */
const uint8_t	*kfz_made_sk(void);
/* Keeps the directory's files as they are; puts them back. */
void		 kfz_dir_snapshot(void);
void		 kfz_dir_restore(void);
/* After an input (keyd stopped): aborts unless the profile loads and,
 * for our own plain identity, each store beside it that changed. */
void		 kfz_dir_check(void);

/* keyd_fuzz_friend.c: the friends' and strangers' side. */
/* The long-term public key of friend or stranger i (< KFZ_OTHERS). */
const uint8_t	*kfz_pk(unsigned i);
/* A keypair that is the same in every run: "self", or "other" i. */
void		 kfz_keypair(const char *what, unsigned i, uint8_t *pk,
		    uint8_t *sk);
void		 kfz_others_init(void);
void		 kfz_others_reset(void);
/* KFZ_PLAY: the payload for type into w: 1, or 0 if type has no part to
 * play (the record goes as it is), or -1 to drop the record. */
int		 kfz_play(uint16_t type, const uint8_t *p, size_t len,
		    struct wr *w);
/* A message keyd sent netd: a friend learns our half of its session. */
void		 kfz_others_saw(const struct ipc_msg *);
/* The session key friend i holds, or NULL. */
const uint8_t	*kfz_session_key(unsigned i);

/* keyd_fuzz.c: the profile's public key now, or NULL (none loaded). */
const uint8_t	*kfz_self_pk(void);

/*
 * keyd_fuzz_seeds.c: seeds built as the peers build their messages (the
 * ipc packers, the friends' keys).  A seed is for one target: a record
 * from its other peer gets KFZ_OTHER; the type is written raw, so a seed
 * stays right when the catalogue gains types.
 */
struct kfz_seed {
	const struct kfz_target	*t;
	uint8_t			 buf[16384];
	size_t			 len;
};
void	kfz_seed_rec(struct kfz_seed *, enum kfz_peer from, uint8_t ctl,
	    uint16_t type, const struct wr *, const void *file, size_t flen);
/* The records that store what kfz_init keeps beside the profile. */
void	kfz_seed_stores(struct kfz_seed *);
/* Writes the seeds of the tables keyd has for t's first peer into dir. */
void	kfz_seeds_write(const struct kfz_target *, const char *dir);

#endif
