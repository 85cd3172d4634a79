/* Import and export files handed to keyd: see target.h. */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "keyd/target.h"

int
target_kind_parse(const char *s)
{
	if (strcmp(s, "import") == 0)
		return TARGET_IMPORT;
	if (strcmp(s, "export") == 0)
		return TARGET_EXPORT;
	return -1;
}

int
target_check(int fd, enum target_kind kind, char *why, size_t whysz)
{
	const char	*what = kind == TARGET_EXPORT ? "export" : "import";
	struct stat	 st;
	int		 fl;

	if (kind != TARGET_IMPORT && kind != TARGET_EXPORT) {
		snprintf(why, whysz, "no file to import or export");
		return -1;
	}
	if (fd < 0 || fstat(fd, &st) == -1 || (fl = fcntl(fd, F_GETFL)) == -1) {
		snprintf(why, whysz, "no %s file was given", what);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whysz, "the %s file is not a regular file", what);
		return -1;
	}
	if (kind == TARGET_IMPORT) {
		if ((fl & O_ACCMODE) != O_RDONLY) {
			snprintf(why, whysz, "the import file is not opened "
			    "read-only");
			return -1;
		}
		return 0;
	}
	if ((fl & O_ACCMODE) != O_WRONLY) {
		snprintf(why, whysz, "the export file is not opened write-only");
		return -1;
	}
	if (st.st_size != 0) {
		snprintf(why, whysz, "the export file is not empty");
		return -1;
	}
	return 0;
}
