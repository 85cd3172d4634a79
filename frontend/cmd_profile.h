/* Identity commands (cmd_profile.c): what other commands share. */
#ifndef BULKHEAD_FRONTEND_CMD_PROFILE_H
#define BULKHEAD_FRONTEND_CMD_PROFILE_H

#include <jansson.h>

struct ipc_id;

/* {"address", "public_key", "nospam"}: hex. */
json_t	*id_json(const struct ipc_id *);

#endif
