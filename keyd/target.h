/*
 * The file of a one-shot import or export: opened by the supervisor from
 * the path the user typed and handed to keyd at start, at FD_KEYD_TARGET
 * (never through the frontend: a compromised frontend must not be able to
 * make keyd write the profile, plain, to the terminal or a log, audit M4).
 * keyd still checks what it got: an export goes only into a regular, empty
 * file opened write-only (as the supervisor creates it, O_EXCL); an import
 * is read only from a regular file.
 */
#ifndef BULKHEAD_KEYD_TARGET_H
#define BULKHEAD_KEYD_TARGET_H

#include <stddef.h>

#include "common/role.h"

enum target_kind {
	TARGET_NONE = 0,
	TARGET_IMPORT,
	TARGET_EXPORT,
};

/* "import" or "export"; -1 otherwise. */
int	target_kind_parse(const char *);
/*
 * 0 if fd is fit for kind, else -1 with the reason in why (for the
 * user: "the export target is not empty").
 */
int	target_check(int fd, enum target_kind, char *why, size_t whysz);

#endif
