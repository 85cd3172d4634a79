/* Open descriptors, for the fuzz targets' leak checks: see fd_count.h. */
#include <dirent.h>
#include <stdlib.h>

#include "tests/fuzz/fd_count.h"

int
fd_count(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		abort();
	while ((de = readdir(d)) != NULL)
		n++;
	closedir(d);
	return n;
}
