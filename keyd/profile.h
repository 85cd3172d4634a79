/*
 * A Tox profile in memory: what c-toxcore 0.2.18 keeps in its savedata
 * (keyd/savedata.c reads and writes that format).  The secret key is in a
 * vault (sodium_malloc pages); everything else is public or the user's own
 * data.  Sections bulkhead does not interpret (conferences, anything newer)
 * are kept byte for byte so that a profile moved from qTox or toxic and
 * back loses nothing.
 */
#ifndef BULKHEAD_PROFILE_H
#define BULKHEAD_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "common/packed_node.h"
#include "common/toxid.h"
#include "keyd/vault.h"

#define PROFILE_NAME_MAX	128
#define PROFILE_STATUSMSG_MAX	1007
#define PROFILE_REQUEST_MAX	1024	/* friend request text we sent */

/* Our own presence, as in c-toxcore's TOX_USER_STATUS. */
enum profile_userstatus {
	USERSTATUS_NONE = 0,
	USERSTATUS_AWAY,
	USERSTATUS_BUSY,
	USERSTATUS_MAX
};

/* c-toxcore's friend states; 4 (online) is saved as 3 by c-toxcore. */
enum profile_friend_status {
	FRIEND_NONE = 0,	/* an empty slot: c-toxcore skips it */
	FRIEND_ADDED,		/* request to be sent */
	FRIEND_REQUESTED,	/* request sent */
	FRIEND_CONFIRMED,
	FRIEND_ONLINE
};

struct profile_friend {
	uint8_t		status;		/* enum profile_friend_status, raw */
	uint8_t		pk[TOX_PK_LEN];
	uint8_t		request[PROFILE_REQUEST_MAX];
	uint16_t	request_len;
	uint8_t		name[PROFILE_NAME_MAX];
	uint16_t	name_len;
	uint8_t		status_msg[PROFILE_STATUSMSG_MAX];
	uint16_t	status_msg_len;
	uint8_t		userstatus;	/* raw byte, as the friend sent it */
	uint8_t		nospam[TOX_NOSPAM_LEN];	/* from the ID we added */
	uint64_t	last_seen;	/* Unix seconds */
};

/* A savedata section kept verbatim. */
struct profile_section {
	uint16_t	 type;
	uint32_t	 len;
	uint8_t		*data;		/* malloc'd, NULL when len is 0 */
};

struct profile {
	uint8_t			 nospam[TOX_NOSPAM_LEN];
	uint8_t			 pk[TOX_PK_LEN];
	struct vault		*vault;		/* the secret key */
	uint8_t			 name[PROFILE_NAME_MAX];
	size_t			 name_len;
	uint8_t			 status_msg[PROFILE_STATUSMSG_MAX];
	size_t			 status_msg_len;
	uint8_t			 userstatus;	/* enum profile_userstatus */
	struct profile_friend	*friends;
	size_t			 nfriends;
	struct packed_node	*dht_nodes;	/* UDP families only */
	size_t			 ndht_nodes;
	struct packed_node	*tcp_relays;	/* TCP (and UDP) families */
	size_t			 ntcp_relays;
	struct packed_node	*path_nodes;	/* UDP families only */
	size_t			 npath_nodes;
	uint8_t			*conferences;	/* section 0x14, verbatim */
	size_t			 conferences_len;
	struct profile_section	*extra;		/* unknown sections, in order */
	size_t			 nextra;
};

/* An empty profile with a zeroed vault, or NULL if memory is short. */
struct profile	*profile_new(void);
/* Frees everything and wipes the vault; NULL is fine. */
void		 profile_free(struct profile *);
/*
 * A new identity: fresh keypair (crypto_box_keypair straight into the
 * vault) and random nospam.  Returns NULL if memory is short.
 */
struct profile	*profile_generate(void);
/* The 38-byte Tox ID of the profile. */
void		 profile_address(const struct profile *,
		    uint8_t addr[TOX_ADDRESS_LEN]);
/* 1 if pk is a friend stored in p (never our own key); p may be NULL. */
int		 profile_has_friend(const struct profile *p,
		    const uint8_t pk[TOX_PK_LEN]);

#endif
