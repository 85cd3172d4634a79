/*
 * What the DHT does on its own, and when (c-toxcore's do_dht, which runs
 * at most once a second): check every listed node with a nodes request
 * each PING_INTERVAL, ask a random good node of each list for nodes every
 * GET_NODE_INTERVAL (every run for the first 5), ping queued candidates
 * every TIME_TO_PING, re-ask bootstrap nodes while not connected.
 */
#include <string.h>

#include <sodium.h>

#include "netd/dht_int.h"

#define MIN(a, b)	((a) < (b) ? (a) : (b))

/* Returns how many addresses of the list are still alive. */
static unsigned
run_list(struct dht *d, struct dht_client *list, size_t n, const uint8_t *key,
    uint64_t *last_getnodes, uint32_t *rounds)
{
	struct dht_client	*pick_c = NULL;
	struct dht_assoc	*pick_a = NULL, *as[2];
	unsigned		 alive = 0, good = 0;
	size_t			 i, j;

	for (i = 0; i < n; i++) {
		as[0] = &list[i].a6;
		as[1] = &list[i].a4;
		for (j = 0; j < 2; j++) {
			if (!dht_assoc_alive(d, as[j]))
				continue;
			alive++;
			if (as[j]->last_check == 0 || d->now >=
			    as[j]->last_check + DHT_PING_INTERVAL_MS) {
				dht_send_getnodes(d, &as[j]->ipp, list[i].pk,
				    key);
				as[j]->last_check = DHT_STAMP(d->now);
			}
			/* A uniform pick among the good, in one pass. */
			if (dht_assoc_good(d, as[j]) &&
			    randombytes_uniform(++good) == 0) {
				pick_c = &list[i];
				pick_a = as[j];
			}
		}
	}
	if (pick_a != NULL && (*rounds < DHT_BOOTSTRAP_ROUNDS ||
	    d->now >= *last_getnodes + DHT_GET_NODE_INTERVAL_MS)) {
		dht_send_getnodes(d, &pick_a->ipp, pick_c->pk, key);
		*last_getnodes = DHT_STAMP(d->now);
		(*rounds)++;
	}
	return alive;
}

static void
run_close(struct dht *d)
{
	struct dht_assoc	*a;
	unsigned		 i;
	uint64_t		 badonly;

	for (i = 0; i < d->n_close_to_bs; i++)
		dht_send_getnodes(d, &d->close_to_bs[i].ipp,
		    d->close_to_bs[i].pk, d->keys.pk);
	d->n_close_to_bs = 0;
	if (run_list(d, d->close, DHT_CLOSE_LEN, d->keys.pk,
	    &d->close_last_getnodes, &d->close_rounds) != 0)
		return;
	/*
	 * Every node is past the kill timeout: we are probably the one who
	 * was cut off.  Make them all merely bad so they are checked again.
	 */
	badonly = d->now > DHT_BAD_NODE_MS ? d->now - DHT_BAD_NODE_MS : 1;
	for (i = 0; i < DHT_CLOSE_LEN; i++) {
		a = &d->close[i].a4;
		if (a->seen != 0)
			a->seen = badonly;
		a = &d->close[i].a6;
		if (a->seen != 0)
			a->seen = badonly;
	}
}

static void
run_searches(struct dht *d)
{
	struct dht_search	*s;
	unsigned		 i, j;

	for (i = 0; i < DHT_SEARCH_MAX; i++) {
		s = &d->search[i];
		if (!s->used)
			continue;
		for (j = 0; j < s->n_to_bs; j++)
			dht_send_getnodes(d, &s->to_bs[j].ipp, s->to_bs[j].pk,
			    s->pk);
		s->n_to_bs = 0;
		(void)run_list(d, s->c, DHT_SEARCH_NODES, s->pk,
		    &s->last_getnodes, &s->rounds);
	}
}

static void
run_to_ping(struct dht *d)
{
	unsigned	i;

	if (d->n_to_ping == 0 ||
	    d->now < d->last_to_ping + DHT_TIME_TO_PING_MS)
		return;
	for (i = 0; i < d->n_to_ping; i++)
		if (dht_close_addable(d, d->to_ping[i].pk, &d->to_ping[i].ipp))
			dht_send_ping(d, &d->to_ping[i].ipp, d->to_ping[i].pk);
	d->n_to_ping = 0;
	d->last_to_ping = DHT_STAMP(d->now);
}

static void
run_bootstrap(struct dht *d)
{
	unsigned	i;

	if (d->n_boot == 0 || dht_connected(d) ||
	    d->now < d->boot_at + DHT_BOOTSTRAP_RETRY_MS)
		return;
	for (i = 0; i < d->n_boot; i++)
		dht_send_getnodes(d, &d->boot[i].ipp, d->boot[i].pk,
		    d->keys.pk);
	d->boot_at = DHT_STAMP(d->now);
}

uint64_t
dht_tick(struct dht *d, uint64_t now)
{
	if (now > d->now)
		d->now = now;
	if (d->last_run != 0 && d->now < d->last_run + DHT_RUN_INTERVAL_MS)
		return dht_next_deadline(d);
	d->last_run = DHT_STAMP(d->now);
	run_close(d);
	run_searches(d);
	dht_nat_run(d);
	run_to_ping(d);
	run_bootstrap(d);
	return dht_next_deadline(d);
}

static uint64_t
list_deadline(const struct dht *d, const struct dht_client *list, size_t n,
    uint64_t last_getnodes, uint32_t rounds, uint64_t next)
{
	const struct dht_assoc	*as[2];
	size_t			 i, j;
	int			 any_good = 0;

	for (i = 0; i < n; i++) {
		as[0] = &list[i].a4;
		as[1] = &list[i].a6;
		for (j = 0; j < 2; j++) {
			if (!dht_assoc_alive(d, as[j]))
				continue;
			next = MIN(next, as[j]->last_check == 0 ? d->now :
			    as[j]->last_check + DHT_PING_INTERVAL_MS);
			/* Wake when it turns bad or dies: status changes. */
			if (dht_assoc_good(d, as[j])) {
				any_good = 1;
				next = MIN(next, as[j]->seen + DHT_BAD_NODE_MS);
			} else
				next = MIN(next, as[j]->seen + DHT_KILL_NODE_MS);
		}
	}
	if (any_good)
		next = MIN(next, rounds < DHT_BOOTSTRAP_ROUNDS ? d->now :
		    last_getnodes + DHT_GET_NODE_INTERVAL_MS);
	return next;
}

uint64_t
dht_next_deadline(const struct dht *d)
{
	const struct dht_search	*s;
	uint64_t		 next = UINT64_MAX, floor;
	size_t			 i;

	if (d->n_close_to_bs > 0)
		next = d->now;
	next = list_deadline(d, d->close, DHT_CLOSE_LEN,
	    d->close_last_getnodes, d->close_rounds, next);
	for (i = 0; i < DHT_SEARCH_MAX; i++) {
		s = &d->search[i];
		if (!s->used)
			continue;
		if (s->n_to_bs > 0)
			next = d->now;
		next = list_deadline(d, s->c, DHT_SEARCH_NODES,
		    s->last_getnodes, s->rounds, next);
	}
	if (d->n_to_ping > 0)
		next = MIN(next, d->last_to_ping + DHT_TIME_TO_PING_MS);
	if (d->n_boot > 0 && !dht_connected(d))
		next = MIN(next, d->boot_at + DHT_BOOTSTRAP_RETRY_MS);
	next = dht_nat_deadline(d, next);
	/* Like c-toxcore, run at most once a second. */
	floor = d->last_run != 0 ? d->last_run + DHT_RUN_INTERVAL_MS : d->now;
	return next < floor ? floor : next;
}
