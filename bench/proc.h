/*
 * What a set of processes costs, read from /proc.  Every figure is a sum
 * over all the processes of a set and over all the threads of each; a file
 * that cannot be read is an error (it says which), never a zero.  Reading
 * another user's or a non-dumpable process's files takes root.
 */
#ifndef BULKHEAD_BENCH_PROC_H
#define BULKHEAD_BENCH_PROC_H

#include <stdint.h>
#include <sys/types.h>

#define PROCSET_MAX	32

struct procset {
	int	n;
	pid_t	pid[PROCSET_MAX];	/* ascending */
};

struct cost {
	uint64_t	cpu_ns;		/* schedstat: time on a CPU */
	uint64_t	switches;	/* voluntary + nonvoluntary */
};

/* root and every process descended from it (by the ppid in /proc/N/stat). */
int	procset_tree(pid_t root, struct procset *);
int	procset_has(const struct procset *, pid_t);
int	procset_equal(const struct procset *, const struct procset *);
int	proc_cost(const struct procset *, struct cost *);
/* Proportional set size from smaps_rollup, in kB. */
int	proc_pss_kb(const struct procset *, uint64_t *);

#endif
