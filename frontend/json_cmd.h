/*
 * Parsing of one JSON-lines request.  Input is untrusted (a script, or
 * whoever controls stdin): bounded, strict JSON (duplicate keys rejected),
 * an object with a string "cmd"; an optional "id" (string or integer) is
 * echoed in the reply.
 */
#ifndef BULKHEAD_FRONTEND_JSON_CMD_H
#define BULKHEAD_FRONTEND_JSON_CMD_H

#include <jansson.h>
#include <stddef.h>

#define JSON_CMD_MAX_LINE	(64 * 1024)
#define JSON_CMD_MAX_NAME	64

struct json_cmd {
	char	 name[JSON_CMD_MAX_NAME + 1];
	json_t	*obj;		/* the whole request; caller json_decref()s */
	json_t	*tag;		/* borrowed from obj, or NULL */
};

/*
 * Returns 0, or -1 with a message for the user in err; then obj and tag
 * are set too if the id could be read (so the error reply echoes it), and
 * the caller json_decref()s obj (NULL otherwise).
 */
int	json_cmd_parse(const char *, size_t, struct json_cmd *, char *err,
	    size_t errsz);

#endif
