/* The bench's table: see table.h. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/table.h"

#define CELL	64
#define MAX_ROWS 32

static int
dbl_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* "min / median / max" of one side over the repeats into cell; returns
 * the median, or -1 when no repeat measured it.  A negative value is one
 * a repeat could not measure (RUN_NOT_MEASURED): left out, and the cell
 * says over how many repeats the rest is. */
static double
spread(const struct figure *f, const struct obs (*obs)[SIDES], int nrep,
    int side, double *s, char *cell)
{
	double	med;
	char	some[32] = "";
	int	d = f->decimals, i, n = 0;

	for (i = 0; i < nrep; i++)
		if ((s[n] = f->value(&obs[i][side])) >= 0)
			n++;
	if (n == 0) {
		snprintf(cell, CELL, "-");
		return -1;
	}
	if (n < nrep)
		snprintf(some, sizeof(some), " (%d of %d)", n, nrep);
	qsort(s, (size_t)n, sizeof(*s), dbl_cmp);
	med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	if (n == 1)
		snprintf(cell, CELL, "%.*f%s", d, med, some);
	else
		snprintf(cell, CELL, "%.*f / %.*f / %.*f%s", d, s[0], d, med,
		    d, s[n - 1], some);
	return med;
}

static void
row(FILE *fp, const int w[4], const char *a, const char *b, const char *c,
    const char *d)
{
	fprintf(fp, "| %-*s | %*s | %*s | %*s |\n", w[0], a, w[1], b, w[2], c,
	    w[3], d);
}

void
table_print(FILE *fp, const struct figure *fig, int nfig,
    const struct obs (*obs)[SIDES], int nrep)
{
	static const char *const head[4] = { "figure", "bulkhead",
	    "libtoxcore", "ratio" };
	static const char *const sub[4] = { "", "min / median / max",
	    "min / median / max", "of medians" };
	char	 cell[MAX_ROWS][4][CELL], rule[4][CELL];
	double	*s, med[SIDES];
	int	 w[4], r, c, i;

	if (nfig > MAX_ROWS || nrep < 1 ||
	    (s = calloc((size_t)nrep, sizeof(*s))) == NULL) {
		warnx("table: %d figures, %d repeats", nfig, nrep);
		return;
	}
	for (r = 0; r < nfig; r++) {
		snprintf(cell[r][0], CELL, "%s", fig[r].name);
		for (i = 0; i < SIDES; i++)
			med[i] = spread(&fig[r], obs, nrep, i, s,
			    cell[r][1 + i]);
		if (med[SIDE_LIBTOXCORE] > 0 && med[SIDE_BULKHEAD] >= 0)
			snprintf(cell[r][3], CELL, "%.2f",
			    med[SIDE_BULKHEAD] / med[SIDE_LIBTOXCORE]);
		else
			snprintf(cell[r][3], CELL, "-");
	}
	free(s);
	for (c = 0; c < 4; c++) {
		w[c] = (int)strlen(head[c]);
		if (nrep > 1 && (int)strlen(sub[c]) > w[c])
			w[c] = (int)strlen(sub[c]);
		for (r = 0; r < nfig; r++)
			if ((int)strlen(cell[r][c]) > w[c])
				w[c] = (int)strlen(cell[r][c]);
		memset(rule[c], '-', (size_t)w[c]);
		rule[c][w[c]] = '\0';
	}
	row(fp, w, head[0], head[1], head[2], head[3]);
	if (nrep > 1)
		row(fp, w, sub[0], sub[1], sub[2], sub[3]);
	row(fp, w, rule[0], rule[1], rule[2], rule[3]);
	for (r = 0; r < nfig; r++)
		row(fp, w, cell[r][0], cell[r][1], cell[r][2], cell[r][3]);
}
