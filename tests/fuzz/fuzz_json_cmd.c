/* One JSON-lines request, parsed as the frontend does, then sanitized. */
#include <stdint.h>
#include <string.h>

#include "frontend/json_cmd.h"
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
	}
	sanitize_text((const char *)data, size, out, sizeof(out));
	return 0;
}
