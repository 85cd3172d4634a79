/* The bootstrap nodes list parser on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "netd/nodes_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nodes_list	list;
	char				err[256];
	int				i;

	if (nodes_json_parse((const char *)data, size, &list, err,
	    sizeof(err)) == 0) {
		if (list.n < 0 || list.n > NODES_JSON_MAX_NODES)
			__builtin_trap();
		for (i = 0; i < list.n; i++)
			if (list.nodes[i].port == 0 ||
			    (!list.nodes[i].has_v4 && !list.nodes[i].has_v6))
				__builtin_trap();
	}
	return 0;
}
