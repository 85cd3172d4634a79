/* Parsing of one JSON-lines request: see json_cmd.h. */
#include <stdio.h>
#include <string.h>

#include "frontend/json_cmd.h"

int
json_cmd_parse(const char *line, size_t len, struct json_cmd *out, char *err,
    size_t errsz)
{
	json_error_t	 jerr;
	json_t		*cmd, *tag;
	const char	*name;

	memset(out, 0, sizeof(*out));
	if (len > JSON_CMD_MAX_LINE) {
		snprintf(err, errsz, "request longer than %d bytes",
		    JSON_CMD_MAX_LINE);
		return -1;
	}
	out->obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (out->obj == NULL) {
		snprintf(err, errsz, "invalid JSON at column %d: %s",
		    jerr.column, jerr.text);
		return -1;
	}
	if (!json_is_object(out->obj)) {
		snprintf(err, errsz, "a request is a JSON object");
		goto fail;
	}
	tag = json_object_get(out->obj, "id");
	if (tag != NULL && !json_is_string(tag) && !json_is_integer(tag)) {
		snprintf(err, errsz, "\"id\" must be a string or an integer");
		goto fail;
	}
	out->tag = tag;		/* from here on, an error reply echoes it */
	cmd = json_object_get(out->obj, "cmd");
	if (cmd == NULL || !json_is_string(cmd)) {
		snprintf(err, errsz, "missing \"cmd\" string");
		goto fail;
	}
	name = json_string_value(cmd);
	if (json_string_length(cmd) == 0 ||
	    json_string_length(cmd) > JSON_CMD_MAX_NAME ||
	    strlen(name) != json_string_length(cmd)) {
		snprintf(err, errsz, "bad \"cmd\" value");
		goto fail;
	}
	memcpy(out->name, name, json_string_length(cmd) + 1);
	return 0;
fail:
	if (out->tag == NULL) {
		json_decref(out->obj);
		out->obj = NULL;
	}
	return -1;
}
