/*
 * The frontend's text parsers: one JSON-lines request, the sanitizer for
 * the terminal, and the passphrase input split into lines.
 */
#include <stdint.h>
#include <string.h>

#include "frontend/json_cmd.h"
#include "frontend/passphrase.h"
#include "frontend/sanitize.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_cmd	jc;
	char		err[256], out[512];

	if (json_cmd_parse((const char *)data, size, &jc, err,
	    sizeof(err)) == 0) {
		if (strlen(jc.name) == 0 || strlen(jc.name) > JSON_CMD_MAX_NAME)
			__builtin_trap();
		json_decref(jc.obj);
	} else if (jc.obj != NULL) {
		if (jc.tag == NULL)	/* kept only to echo the id */
			__builtin_trap();
		json_decref(jc.obj);
	}
	sanitize_text((const char *)data, size, out, sizeof(out));
	{
		static struct pass	a, b;
		int			n;

		n = pass_split((const char *)data, size, &a, &b);
		if (n > 2 || a.len > PASS_MAX || b.len > PASS_MAX)
			__builtin_trap();
	}
	return 0;
}
