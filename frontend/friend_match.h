/*
 * Which friend a word at the prompt names (issue 10): a number, a full
 * public key, a name (exactly as shown, then ignoring ASCII case), or the
 * start of a key (4 or more hex digits).  Pure: the caller brings the
 * friend list (cmd_friends.c pages it from chatd) and gets an index or a
 * message naming the candidates.  JSON mode never comes here: scripts
 * give a number or a full key.
 */
#ifndef BULKHEAD_FRONTEND_FRIEND_MATCH_H
#define BULKHEAD_FRONTEND_FRIEND_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "common/toxid.h"
#include "ipc/msg_friend.h"

/* Fewest hex digits of a key that may name a friend. */
#define FRIEND_PREFIX_MIN	4
/* Candidates an "ambiguous" message names; the rest are counted. */
#define FRIEND_MATCH_SHOW	4

/* A friend as the resolver sees it. */
struct friend_cand {
	uint16_t	number;
	uint8_t		pk[TOX_PK_LEN];
	char		name[FRIEND_NAME_MAX + 1];	/* neutralised */
};

enum friend_word {
	FRIEND_WORD_NUMBER,	/* 1 to 3 decimal digits below FRIEND_NUM_MAX */
	FRIEND_WORD_KEY,	/* 64 hex digits */
	FRIEND_WORD_LOOKUP,	/* a name or a key prefix: needs the list */
	FRIEND_WORD_BAD,	/* empty */
};

/*
 * What w (len bytes, as typed) is without the list; *number or pk is
 * set for FRIEND_WORD_NUMBER and FRIEND_WORD_KEY.
 */
enum friend_word friend_word(const char *w, size_t len, uint16_t *number,
	    uint8_t pk[TOX_PK_LEN]);

/* Fills c from what chatd said; the name (len bytes, the friend's
 * choice) is neutralised as the terminal shows it. */
void	friend_cand_set(struct friend_cand *c, uint16_t number,
	    const uint8_t pk[TOX_PK_LEN], const uint8_t *name, size_t len);

/*
 * The index in c[0..n) of the one friend w names, tried in this order:
 * a name equal to w, a name equal ignoring ASCII case, a key starting
 * with w (FRIEND_PREFIX_MIN or more hex digits, either case).  The first
 * rule that matches decides; if it matches several friends, or no rule
 * matches, -1 with why saying so (up to FRIEND_MATCH_SHOW candidates as
 * 'NUMBER "NAME" (KEY START)').
 */
int	friend_match(const char *w, size_t len, const struct friend_cand *c,
	    size_t n, char *why, size_t whysz);

#endif
