/* Onion data waiting for delivery: see netd_onion_out.h. */
#include <string.h>

#include "netd/netd_onion_out.h"

struct entry {
	int				used;
	uint64_t			seq;	/* arrival order */
	struct ipc_onion_data_out	d;
};

static struct entry			q[NETD_ONION_OUT_MAX];
static uint64_t				next_seq = 1;
static struct netd_onion_out_stats	stats;
static void				(*on_queue)(const uint8_t *);

/* The oldest used entry, for dest or (dest NULL) of all; count gets how
 * many match. */
static struct entry *
oldest(const uint8_t *dest, size_t *count)
{
	struct entry	*e, *best = NULL;
	size_t		 n = 0;

	for (e = q; e < q + NETD_ONION_OUT_MAX; e++) {
		if (!e->used || (dest != NULL &&
		    memcmp(e->d.dest_pk, dest, ONION_PK_LEN) != 0))
			continue;
		n++;
		if (best == NULL || e->seq < best->seq)
			best = e;
	}
	if (count != NULL)
		*count = n;
	return best;
}

static struct entry *
free_slot(void)
{
	struct entry	*e;

	for (e = q; e < q + NETD_ONION_OUT_MAX; e++)
		if (!e->used)
			return e;
	return NULL;
}

static void
put(const struct ipc_onion_data_out *d)
{
	struct entry	*e;
	size_t		 n;

	e = oldest(d->dest_pk, &n);
	if (n >= NETD_ONION_OUT_PER_PK)
		stats.replaced++;
	else if ((e = free_slot()) == NULL) {
		e = oldest(NULL, NULL);
		stats.evicted++;
	}
	e->used = 1;
	e->seq = next_seq++;
	e->d = *d;
	stats.queued++;
}

static int
on_data_out(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_onion_data_out	d;

	if (ipc_unpack_onion_data_out(r, &d) == -1)
		return -1;
	put(&d);
	if (on_queue != NULL)
		on_queue(d.dest_pk);
	return 0;
}

void
netd_onion_out_notify(void (*fn)(const uint8_t dest[ONION_PK_LEN]))
{
	on_queue = fn;
}

int
netd_onion_out_take(const uint8_t dest[ONION_PK_LEN],
    struct ipc_onion_data_out *out)
{
	struct entry	*e;

	if ((e = oldest(dest, NULL)) == NULL)
		return 0;
	*out = e->d;
	memset(e, 0, sizeof(*e));
	stats.taken++;
	return 1;
}

size_t
netd_onion_out_pending(const uint8_t *dest)
{
	size_t	n;

	(void)oldest(dest, &n);
	return n;
}

void
netd_onion_out_clear(void)
{
	memset(q, 0, sizeof(q));
	memset(&stats, 0, sizeof(stats));
	next_seq = 1;
}

const struct netd_onion_out_stats *
netd_onion_out_stats(void)
{
	return &stats;
}

static const struct chan_handler from_keyd_rows[] = {
	{ IPC_ONION_DATA_OUT,	0,	on_data_out },
};
const struct chan_table netd_onion_out_from_keyd = {
	CHAN_ROWS(from_keyd_rows), NULL
};
