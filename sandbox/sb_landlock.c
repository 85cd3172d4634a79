/*
 * Landlock: which paths a role may touch.  netd, mediad and frontend get
 * a ruleset that handles every file access and allows none; keyd may read
 * and write regular files under its profile dir; fetchd reads its
 * resolver and CA files (built-in list).  Built against the installed
 * <linux/landlock.h> (which may be older than the kernel), so the newer
 * rights are defined here and each is handled only when the running
 * kernel's ABI knows it.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "sandbox/sb_int.h"

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER		(1ULL << 13)	/* ABI 2 */
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE		(1ULL << 14)	/* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV		(1ULL << 15)	/* ABI 5 */
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP		(1ULL << 0)	/* ABI 4 */
#define LANDLOCK_ACCESS_NET_CONNECT_TCP		(1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET	(1ULL << 0)	/* ABI 6 */
#define LANDLOCK_SCOPE_SIGNAL			(1ULL << 1)
#endif

/* struct landlock_ruleset_attr as of ABI 6; the kernel takes any size
 * whose unknown tail is zero. */
struct sb_ll_attr {
	uint64_t	handled_access_fs;
	uint64_t	handled_access_net;
	uint64_t	scoped;
};

#define LL_FS_V1	(LANDLOCK_ACCESS_FS_EXECUTE | \
	LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE | \
	LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | \
	LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR | \
	LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | \
	LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | \
	LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM)
/* Rights that make sense on a file (not a dir) in a path_beneath rule. */
#define LL_FS_FILE	(LANDLOCK_ACCESS_FS_EXECUTE | \
	LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE | \
	LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

#define LL_RO	(LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
/*
 * keyd's profile dir: read the profile, create a temporary file, write and
 * fsync it, rename it over the profile in the same dir (no REFER: that is
 * for links and renames across dirs), remove a stale one.  Regular files
 * only: no MAKE_DIR, REMOVE_DIR, READ_DIR (the dir fd is opened before
 * lockdown), no TRUNCATE (O_EXCL, never O_TRUNC or ftruncate).  Landlock
 * grants a dir's rights to its whole subtree; nothing narrower exists.
 */
#define LL_RW	(LANDLOCK_ACCESS_FS_READ_FILE | \
	LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_MAKE_REG | \
	LANDLOCK_ACCESS_FS_REMOVE_FILE)

int
sb_landlock_abi(void)
{
	long	abi;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0)
		return 0;
	return abi > 255 ? 255 : (int)abi;
}

static uint64_t
ll_fs_handled(int abi)
{
	uint64_t	fs = LL_FS_V1;

	if (abi >= 2)
		fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return fs;
}

static int
ll_add_path(int rsfd, const char *path, uint64_t allowed, uint64_t handled)
{
	struct landlock_path_beneath_attr	pb;
	struct stat				st;
	int					fd, rv, saved;

	if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	memset(&pb, 0, sizeof(pb));
	pb.parent_fd = fd;
	pb.allowed_access = allowed & handled;
	if (!S_ISDIR(st.st_mode))
		pb.allowed_access &= LL_FS_FILE;
	rv = (int)syscall(SYS_landlock_add_rule, rsfd,
	    LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	saved = errno;
	close(fd);
	errno = saved;
	return rv;
}

int
sb_landlock_prepare(const struct sandbox_conf *conf, int abi,
    const char *const *builtin_ro, int handle_net, const char **what)
{
	struct sb_ll_attr	attr;
	int			rsfd, i, saved;

	*what = NULL;
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = ll_fs_handled(abi);
	/* For the roles without network, which have no socket() anyway. */
	if (abi >= 4 && handle_net)
		attr.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP |
		    LANDLOCK_ACCESS_NET_CONNECT_TCP;
	/* No role signals or connects to anything outside itself. */
	if (abi >= 6)
		attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
		    LANDLOCK_SCOPE_SIGNAL;
	rsfd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr),
	    0);
	if (rsfd == -1)
		return -1;
	for (i = 0; i < SANDBOX_MAX_PATHS; i++) {
		if (conf->ro_paths[i] != NULL &&
		    ll_add_path(rsfd, conf->ro_paths[i], LL_RO,
		    attr.handled_access_fs) == -1) {
			*what = conf->ro_paths[i];
			goto fail;
		}
		if (conf->rw_paths[i] != NULL &&
		    ll_add_path(rsfd, conf->rw_paths[i], LL_RW,
		    attr.handled_access_fs) == -1) {
			*what = conf->rw_paths[i];
			goto fail;
		}
	}
	for (i = 0; builtin_ro != NULL && builtin_ro[i] != NULL; i++) {
		if (ll_add_path(rsfd, builtin_ro[i], LL_RO,
		    attr.handled_access_fs) == -1 && errno != ENOENT) {
			*what = builtin_ro[i];
			goto fail;
		}
	}
	return rsfd;
fail:
	saved = errno;
	close(rsfd);
	errno = saved;
	return -1;
}

int
sb_landlock_enforce(int rsfd)
{
	int	rv, saved;

	rv = (int)syscall(SYS_landlock_restrict_self, rsfd, 0);
	saved = errno;
	close(rsfd);
	errno = saved;
	return rv;
}
