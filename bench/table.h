/*
 * The bench's one table: a row per figure, for each side the minimum,
 * median and maximum over the repeats, and the ratio of the medians.
 */
#ifndef BULKHEAD_BENCH_TABLE_H
#define BULKHEAD_BENCH_TABLE_H

#include <stdio.h>

#include "bench/run.h"

struct figure {
	const char	*name;		/* with its unit */
	int		 decimals;
	double		(*value)(const struct obs *);
};

void	table_print(FILE *, const struct figure *, int nfig,
	    const struct obs (*)[SIDES], int nrep);

#endif
