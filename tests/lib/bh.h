/*
 * Test harness: a real bulkhead session in --json mode, driven through its
 * stdin and stdout as a script would.  Waits are bounded by a deadline so a
 * broken build fails instead of hanging; nothing asserts on timing.
 */
#ifndef BULKHEAD_TEST_BH_H
#define BULKHEAD_TEST_BH_H

#include <jansson.h>
#include <sys/types.h>

#define BH_MAX_ARGS	32

struct bh {
	pid_t	 pid;
	int	 in;		/* its stdin */
	int	 out;		/* its stdout */
	char	 buf[65536];
	size_t	 len;
	char	 dir[256];	/* scratch dir: profile, stderr log */
	char	 errlog[300];
	json_t	*events;	/* events seen while waiting for replies */
	int	 keep_dir;	/* the dir was given: bh_stop leaves it */
	int	 errpipe;	/* bh_start_errpipe: stderr's read end */
};

/*
 * Sessions started from now on run in the network namespace fd names
 * (setns before exec); -1: the test's own.  The caller keeps fd open.
 */
void	 bh_set_netns(int fd);
/* Starts BUILD_DIR/bin/bulkhead --json --profile DIR/profile.tox ARGS. */
int	 bh_start(struct bh *, const char *const args[]);
/* The same with another supervisor binary (a copy whose libexec holds a
 * test build of a role), in dir if not NULL. */
int	 bh_start_bin(struct bh *, const char *dir, const char *bin,
	    const char *const args[]);
/* The same in an existing dir (a profile left by an earlier session),
 * which bh_stop then leaves in place. */
int	 bh_start_dir(struct bh *, const char *dir, const char *const args[]);
/*
 * A new scratch dir (/tmp/bh-NAME-XXXXXX into dir) holding a new identity
 * without a passphrase (bulkhead init), for bh_start_dir.  0, or -1 with
 * init's output printed.  The caller removes dir.
 */
int	 bh_make_profile(const char *name, char *dir, size_t dirsz);
/* As bh_start, but stderr is a pipe whose read end is left in errpipe:
 * a script that never reads the stderr it captures. */
int	 bh_start_errpipe(struct bh *, const char *const args[]);
/* Sends one request line; returns the reply object (caller decrefs) or
 * NULL if none arrived by the deadline. */
json_t	*bh_cmd(struct bh *, const char *line, int timeout_ms);
/* Returns the first event named name (already seen or new), or NULL. */
json_t	*bh_event(struct bh *, const char *name, int timeout_ms);
/* Reads one JSON line; NULL at EOF or deadline. */
json_t	*bh_read(struct bh *, int timeout_ms);
/* Waits for exit; returns the wait status, or -1 at the deadline. */
int	 bh_wait(struct bh *, int timeout_ms);
/* Kills whatever is left and removes the scratch dir. */
void	 bh_stop(struct bh *);
/* pid of a role from a status reply, or -1. */
pid_t	 bh_role_pid(json_t *status, const char *role);
/* Reads /proc/PID/status field ("Seccomp"); returns its value or -1. */
long	 bh_proc_field(pid_t, const char *field);
/*
 * Runs `bulkhead ARGS` to completion (a one-shot command) with pass, if
 * not NULL, readable on descriptor 9 (--passphrase-fd=9 is added) and
 * stdin from /dev/null.  Fills out/err (NUL-terminated, truncated) and
 * returns the wait status, or -1.
 */
int	 bh_run(const char *const args[], const char *pass, char *out,
	    size_t outsz, char *err, size_t errsz);
/* The same with stdin read from the file at path in (not a pipe: a
 * regular file, or /dev/null). */
int	 bh_run_in(const char *const args[], const char *in, const char *pass,
	    char *out, size_t outsz, char *err, size_t errsz);
/* Reads a whole small file into buf; returns its length or -1. */
long	 bh_slurp(const char *path, void *buf, size_t bufsz);
/* Prints the session's stderr log (for failing tests). */
void	 bh_dump_log(struct bh *);

#endif
