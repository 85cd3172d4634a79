/* Costs of process sets from /proc: see proc.h. */
#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/proc.h"

/* The ppid in /proc/<pid>/stat; -1 if it is gone or unreadable. */
static pid_t
ppid_of(pid_t pid)
{
	char	 path[64], buf[512], *p;
	FILE	*f;
	size_t	 n;
	int	 ppid;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* "pid (comm) S ppid ...": comm may hold spaces and parentheses */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %*c %d", &ppid) != 1)
		return -1;
	return (pid_t)ppid;
}

static int
pid_cmp(const void *a, const void *b)
{
	pid_t	x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

int
procset_has(const struct procset *s, pid_t pid)
{
	int	i;

	for (i = 0; i < s->n; i++)
		if (s->pid[i] == pid)
			return 1;
	return 0;
}

int
procset_equal(const struct procset *a, const struct procset *b)
{
	return a->n == b->n &&
	    memcmp(a->pid, b->pid, (size_t)a->n * sizeof(a->pid[0])) == 0;
}

int
procset_tree(pid_t root, struct procset *s)
{
	struct dirent	*de;
	DIR		*d;
	pid_t		 ppid, pid;
	int		 grew;

	if (ppid_of(root) == -1) {
		warnx("process %d: /proc/%d/stat unreadable", (int)root,
		    (int)root);
		return -1;
	}
	s->n = 0;
	s->pid[s->n++] = root;
	/* Passes until nothing is added: a grandchild may come first. */
	do {
		grew = 0;
		if ((d = opendir("/proc")) == NULL) {
			warn("opendir /proc");
			return -1;
		}
		while ((de = readdir(d)) != NULL) {
			if (!isdigit((unsigned char)de->d_name[0]))
				continue;
			pid = (pid_t)atoi(de->d_name);
			/* an unrelated process may end while we look */
			if (procset_has(s, pid) ||
			    (ppid = ppid_of(pid)) == -1 ||
			    !procset_has(s, ppid))
				continue;
			if (s->n == PROCSET_MAX) {
				closedir(d);
				warnx("more than %d processes under %d",
				    PROCSET_MAX, (int)root);
				return -1;
			}
			s->pid[s->n++] = pid;
			grew = 1;
		}
		closedir(d);
	} while (grew);
	qsort(s->pid, (size_t)s->n, sizeof(s->pid[0]), pid_cmp);
	return 0;
}

/* The first number in path; -1 (said) if it cannot be read. */
static int
read_first_u64(const char *path, uint64_t *v)
{
	FILE	*f;
	int	 ok;

	if ((f = fopen(path, "r")) == NULL) {
		warn("%s", path);
		return -1;
	}
	ok = fscanf(f, "%" SCNu64, v) == 1;
	fclose(f);
	if (!ok)
		warnx("%s: no number", path);
	return ok ? 0 : -1;
}

/* The values of the "name:" lines of path, added to *sum; each of the
 * nnames names must be there. */
static int
add_fields(const char *path, const char *const names[], int nnames,
    uint64_t *sum)
{
	char	 line[256];
	FILE	*f;
	size_t	 len;
	uint64_t v;
	int	 found = 0, i;

	if ((f = fopen(path, "r")) == NULL) {
		warn("%s", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL)
		for (i = 0; i < nnames; i++) {
			len = strlen(names[i]);
			if (strncmp(line, names[i], len) == 0 &&
			    line[len] == ':' &&
			    sscanf(line + len + 1, "%" SCNu64, &v) == 1) {
				*sum += v;
				found++;
			}
		}
	fclose(f);
	if (found != nnames) {
		warnx("%s: %d of %d fields read", path, found, nnames);
		return -1;
	}
	return 0;
}

/*
 * /proc/<pid>/schedstat and the switch counts in /proc/<pid>/status are
 * the thread group leader's alone: every thread is summed.
 */
static int
task_cost(pid_t pid, struct cost *c)
{
	static const char *const sw[] = { "voluntary_ctxt_switches",
	    "nonvoluntary_ctxt_switches" };
	struct dirent	*de;
	char		 path[96];
	DIR		*d;
	uint64_t	 ns;
	int		 tasks = 0, rc = 0, tid;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL) {
		warn("%s", path);
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		tid = atoi(de->d_name);
		snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat",
		    (int)pid, tid);
		if ((rc = read_first_u64(path, &ns)) == -1)
			break;
		c->cpu_ns += ns;
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status",
		    (int)pid, tid);
		rc = add_fields(path, sw, 2, &c->switches);
		tasks++;
	}
	closedir(d);
	if (rc == 0 && tasks == 0) {
		warnx("/proc/%d/task: no threads", (int)pid);
		rc = -1;
	}
	return rc;
}

int
proc_cost(const struct procset *s, struct cost *c)
{
	int	i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < s->n; i++)
		if (task_cost(s->pid[i], c) == -1)
			return -1;
	return 0;
}

int
proc_pss_kb(const struct procset *s, uint64_t *kb)
{
	static const char *const pss[] = { "Pss" };
	char	path[64];
	int	i;

	*kb = 0;
	for (i = 0; i < s->n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/smaps_rollup",
		    (int)s->pid[i]);
		if (add_fields(path, pss, 1, kb) == -1)
			return -1;
	}
	return 0;
}
