#include <string.h>

#include "role.h"

static const char *const names[ROLE_MAX] = {
	[ROLE_SUP] = "bulkhead",
	[ROLE_KEYD] = "keyd",
	[ROLE_NETD] = "netd",
	[ROLE_CHATD] = "chatd",
	[ROLE_MEDIAD] = "mediad",
	[ROLE_FRONTEND] = "frontend",
	[ROLE_FETCHD] = "fetchd",
};

const char *
role_name(enum role r)
{
	if ((unsigned)r >= ROLE_MAX)
		return "?";
	return names[r];
}

int
role_from_name(const char *s)
{
	int	i;

	for (i = 0; i < ROLE_MAX; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}
