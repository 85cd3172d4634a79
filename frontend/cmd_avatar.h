/*
 * Avatars seen from the user (issue 12): the `avatar` command (set ours
 * from a PNG, or remove it), keyd's AVATAR_FRIEND notices (the
 * friend_avatar event when one changed), and what `friends` shows.
 */
#ifndef BULKHEAD_FRONTEND_CMD_AVATAR_H
#define BULKHEAD_FRONTEND_CMD_AVATAR_H

#include <jansson.h>
#include <stdint.h>

#include "common/toxid.h"
#include "ipc/chan.h"

extern const struct chan_table	cmd_avatar_from_keyd;

/* {"path", "sha256"} of the friend's avatar keyd holds, or null. */
json_t	*cmd_avatar_json(const uint8_t pk[TOX_PK_LEN]);

#endif
