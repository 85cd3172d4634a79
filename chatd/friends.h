/*
 * chatd's friend table: fixed at FRIEND_NUM_MAX slots, a friend's number
 * is its slot (the lowest free one when added, as c-toxcore numbers), so
 * numbers stay put while the process lives and come back the same from
 * keyd after a restart (FRIENDS_LOAD carries them).
 *
 * Also the schedule on which a friend request is sent again while the
 * friend is not connected: at once, then after 5 s, doubling each time
 * (c-toxcore's), capped at an hour.  A pure engine: time comes in as
 * now_ms (monotonic); the caller arms one timer to friends_next_due().
 */
#ifndef BULKHEAD_CHATD_FRIENDS_H
#define BULKHEAD_CHATD_FRIENDS_H

#include <stddef.h>
#include <stdint.h>

#include "common/toxid.h"
#include "ipc/msg_friend.h"

#define FRIEND_RESEND_FIRST_MS	5000
#define FRIEND_RESEND_MAX_MS	(60u * 60 * 1000)

struct friend {
	int		used;
	int		pending;	/* keyd has not stored it yet */
	uint8_t		status;		/* 1 added, 2 sent, 3 confirmed */
	uint8_t		pk[TOX_PK_LEN];
	uint8_t		nospam[TOX_NOSPAM_LEN];
	uint8_t		userstatus;
	uint8_t		connection;	/* enum friend_conn */
	uint16_t	name_len;
	uint8_t		name[FRIEND_NAME_MAX];
	uint16_t	status_msg_len;
	uint8_t		status_msg[FRIEND_STATUSMSG_MAX];
	uint16_t	request_len;
	uint8_t		request[FRIEND_REQ_SEND_MAX];
	uint64_t	resend_due;	/* mono ms; 0: nothing to send */
	uint32_t	resend_ivl;	/* the wait after the next send */
	uint64_t	dhtpk_last;	/* no_replay of its last DHT-PK taken */
	uint8_t		dht_pk[TOX_PK_LEN];	/* its DHT key, if has_dht */
	int		has_dht;
};

struct friends {
	struct friend	f[FRIEND_NUM_MAX];
	uint8_t		self_pk[TOX_PK_LEN];
	int		have_self;	/* keyd has sent the list */
};

/* Forgets every friend (not our own key). */
void		 friends_reset(struct friends *);
/* The number of the friend with key pk (pending ones too), or -1. */
int		 friends_find(const struct friends *, const uint8_t *pk);
/* The lowest free number, or -1 when the table is full. */
int		 friends_free_slot(const struct friends *);
/* The friend numbered n, or NULL if the slot is free or n too big. */
struct friend	*friends_get(struct friends *, unsigned n);
/* Takes slot n (must be free) for pk: a zeroed friend, or NULL. */
struct friend	*friends_take(struct friends *, unsigned n, const uint8_t *pk);
void		 friends_del(struct friends *, unsigned n);
/* How many slots are used. */
size_t		 friends_count(const struct friends *);
/* 1 while a request to f has to be sent (added or sent, not confirmed). */
int		 friend_request_pending(const struct friend *);

/* Starts f's request schedule: due at once. */
void		 friends_resend_start(struct friend *, uint64_t now_ms);
/* The earliest request due, 0 if none. */
uint64_t	 friends_next_due(const struct friends *);
/*
 * The number of a friend whose request is due at now_ms, with its next
 * send scheduled (the wait doubles up to the cap); -1 if none is due.
 */
int		 friends_take_due(struct friends *, uint64_t now_ms);

#endif
