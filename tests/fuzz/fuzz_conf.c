/* bulkhead.conf parser on arbitrary bytes. */
#include <stdint.h>
#include <string.h>

#include "common/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct conf_entry	e[CONF_MAX_ENTRIES];
	char				err[128];
	int				n, i;

	n = conf_parse(data, size, e, CONF_MAX_ENTRIES, err, sizeof(err));
	for (i = 0; i < n; i++)		/* every entry is a proper string */
		if (strlen(e[i].key) == 0 || strlen(e[i].key) > CONF_MAX_KEY ||
		    strlen(e[i].value) > CONF_MAX_VALUE)
			__builtin_trap();
	return 0;
}
