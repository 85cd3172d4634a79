/*
 * The onion client's timers (c-toxcore do_announce, do_friend): what is
 * due on a run, and the next deadline, from the same rules so that the
 * caller never wakes to find nothing due.  A run happens at most once per
 * OC_RUN_MS, like c-toxcore's.
 */
#include <string.h>

#include <sodium.h>

#include "netd/onion_client_int.h"

#define MIN64(a, b)	((a) < (b) ? (a) : (b))
#define MAX64(a, b)	((a) > (b) ? (a) : (b))
#define NEVER		UINT64_MAX

/* How often we re-announce to n: 3 s, 15 s once stored, 120 s stable. */
static uint64_t
self_interval(const struct onion_client *oc, const struct oc_node *n,
    uint64_t now)
{
	const struct oc_pathslot	*s;

	if (!n->stored || !oc_path_exists(&oc->self_paths, n->path_num, now))
		return OC_ANNOUNCE_NEW_MS;
	s = &oc->self_paths.s[n->path_num % OC_PATHS];
	/* Node and path have lasted, and neither is missing answers now. */
	if (now >= n->added + OC_TIME_TO_STABLE_MS &&
	    !(n->unanswered > 0 && now >= n->last_pinged + OC_NODE_TIMEOUT_MS) &&
	    now >= s->created + OC_TIME_TO_STABLE_MS &&
	    !(s->used_times > 0 && now >= s->last_used + OC_PATH_TIMEOUT_MS))
		return OC_ANNOUNCE_STABLE_MS;
	return OC_ANNOUNCE_MS;
}

static uint64_t
self_due(const struct onion_client *oc, const struct oc_node *n, uint64_t now)
{
	uint64_t	due;

	if (oc_node_timed_out(n, now))
		return NEVER;
	if (n->skip || !n->pinged)
		return 0;
	if (n->unanswered >= OC_NODE_MAX_PINGS)
		return n->last_pinged + OC_NODE_TIMEOUT_MS;	/* it dies */
	due = n->last_pinged + self_interval(oc, n, now);
	if (!oc->announced_once)
		return 0;
	return MIN64(due, oc->last_announce + OC_ANNOUNCE_MS);
}

static const struct oc_pool *
populate_from(const struct onion_client *oc)
{
	return oc->pool.count > 0 ? &oc->pool : &oc->pool_bs;
}

/*
 * When list l (count live) asks random path nodes, every OC_REPOPULATE_MS
 * while urgent (at most half full, never populated; for us also while not
 * announced, as c-toxcore), else 10 minutes after it was last populated
 * (the self list: last full).
 */
static uint64_t
populate_due(const struct oc_list *l, unsigned count, unsigned have_nodes,
    int urgent)
{
	uint64_t	due = 0;

	if (count >= l->cap || have_nodes == 0)
		return NEVER;
	if (l->asked)
		due = l->last_asked + OC_REPOPULATE_MS;
	if (!urgent && count > l->cap / 2 && l->populated)
		due = MAX64(due, l->last_populated + OC_POPULATE_MS);
	return due;
}

static void
run_self(struct onion_client *oc, uint64_t now)
{
	const struct oc_pool	*src;
	struct oc_node		*n;
	unsigned		 i, count = 0;
	uint32_t		 num;

	for (i = 0; i < oc->self.cap; i++) {
		n = &oc->self.n[i];
		if (oc_node_timed_out(n, now))
			continue;
		count++;
		/* A new node is asked on the run after the one that saw it. */
		if (n->skip) {
			n->skip = 0;
			continue;
		}
		if (n->unanswered >= OC_NODE_MAX_PINGS || self_due(oc, n, now) >
		    now)
			continue;
		/*
		 * The ping id is bound to the path's exit: the same path.  A
		 * long-lived node gets its last chance over another one.
		 */
		num = n->path_num;
		if (n->unanswered == OC_NODE_MAX_PINGS - 1 &&
		    now >= n->added + OC_TIME_TO_STABLE_MS)
			num = OC_PATH_ANY;
		if (oc_announce_self(oc, n->pk, &n->ipp, n->ping_id, num,
		    now) == 0) {
			n->last_pinged = now;
			n->pinged = 1;
			n->unanswered++;
			oc->last_announce = now;
			oc->announced_once = 1;
		}
	}
	if (count == oc->self.cap) {
		oc->self.last_populated = now;
		oc->self.populated = 1;
		return;
	}
	src = populate_from(oc);
	if (populate_due(&oc->self, count, src->count,
	    !oc_connected(oc, now)) > now)
		return;
	oc->self.last_asked = now;
	oc->self.asked = 1;
	for (i = 0; i < OC_SELF_NODES / 2; i++) {
		const struct oc_pool_node *p =
		    &src->n[randombytes_uniform(src->count)];

		(void)oc_announce_self(oc, p->pk, &p->ipp, NULL, OC_PATH_ANY,
		    now);
	}
}

/* 3 s for the first rounds, then doubling up to an hour (c-toxcore). */
static uint64_t
friend_interval_s(const struct oc_friend *f)
{
	uint32_t	e;

	if (f->run_count <= OC_FRIEND_NEW_RUNS)
		return OC_FRIEND_NEW_S;
	e = f->run_count - 2;
	if (e > OC_FRIEND_MAX_EXP)
		e = OC_FRIEND_MAX_EXP;
	return MIN64((uint64_t)1 << e, OC_FRIEND_MAX_S);
}

static uint64_t
friend_node_due(const struct oc_friend *f, const struct oc_node *n,
    uint64_t now)
{
	uint64_t	iv = friend_interval_s(f);
	uint64_t	due;

	if (oc_node_timed_out(n, now))
		return NEVER;
	if (n->skip)
		return 0;
	if (n->unanswered >= OC_NODE_MAX_PINGS)
		return n->last_pinged + OC_NODE_TIMEOUT_MS;
	due = n->last_pinged + iv * 1000;
	/* Requests for one friend are spaced out over its nodes. */
	if (f->pinged)
		due = MAX64(due, f->time_last_pinged +
		    iv / (OC_FRIEND_NODES / 2) * 1000);
	return due;
}

static void
run_friend(struct onion_client *oc, struct oc_friend *f, uint64_t now)
{
	struct oc_node	*n;
	unsigned	 i, count = 0, k;

	for (i = 0; i < f->list.cap; i++) {
		n = &f->list.n[i];
		if (oc_node_timed_out(n, now))
			continue;
		count++;
		/* A new node is asked one interval after it answered. */
		if (n->skip) {
			n->skip = 0;
			n->pinged = 1;
			n->last_pinged = now;
			continue;
		}
		if (n->unanswered >= OC_NODE_MAX_PINGS ||
		    friend_node_due(f, n, now) > now)
			continue;
		if (oc_announce_friend(oc, f, n->pk, &n->ipp, now) == 0) {
			n->last_pinged = now;
			n->pinged = 1;
			n->unanswered++;
			f->time_last_pinged = now;
			f->pinged = 1;
			if (++f->pings % (OC_FRIEND_NODES / 2) == 0)
				f->run_count++;
		}
	}
	if (count == f->list.cap) {
		if (f->run_count > OC_FRIEND_NEW_RUNS) {
			f->list.last_populated = now;
			f->list.populated = 1;
		}
		return;
	}
	if (populate_due(&f->list, count, oc->pool.count, 0) > now)
		return;
	f->list.last_populated = f->list.last_asked = now;
	f->list.populated = f->list.asked = 1;
	k = oc->pool.count < OC_FRIEND_NODES ? oc->pool.count :
	    OC_FRIEND_NODES;
	for (i = 0; i < k; i++) {
		const struct oc_pool_node *p =
		    &oc->pool.n[randombytes_uniform(oc->pool.count)];

		(void)oc_announce_friend(oc, f, p->pk, &p->ipp, now);
	}
}

static uint64_t
paths_due(const struct oc_paths *ps)
{
	const struct oc_pathslot	*s;
	uint64_t			 due = NEVER;
	unsigned			 i;

	for (i = 0; i < OC_PATHS; i++) {
		s = &ps->s[i];
		if (s->num == 0)
			continue;
		due = MIN64(due, s->created + OC_PATH_LIFE_MS);
		if (s->used_times >= OC_PATH_MAX_USES)
			due = MIN64(due, s->last_used +
			    (s->last_success == s->created ?
			    OC_PATH_NEW_TIMEOUT_MS : OC_PATH_TIMEOUT_MS));
	}
	return due;
}

uint64_t
onion_client_next_deadline(const struct onion_client *oc)
{
	const struct oc_friend	*f;
	uint64_t		 now = oc->now, due = NEVER;
	unsigned		 i, j, count;

	count = 0;
	for (i = 0; i < oc->self.cap; i++) {
		due = MIN64(due, self_due(oc, &oc->self.n[i], now));
		count += !oc_node_timed_out(&oc->self.n[i], now);
	}
	due = MIN64(due, populate_due(&oc->self, count,
	    populate_from(oc)->count, !oc_connected(oc, now)));
	if (oc->recv_once && now < oc->last_recv + OC_OFFLINE_MS)
		due = MIN64(due, oc->last_recv + OC_OFFLINE_MS);
	if (count > 0) {
		due = MIN64(due, paths_due(&oc->self_paths));
		due = MIN64(due, paths_due(&oc->friend_paths));
	}
	if (oc_connected(oc, now))
		for (i = 0; i < OC_FRIENDS_MAX; i++) {
			f = &oc->friends[i];
			if (!f->used || f->online)
				continue;
			count = 0;
			for (j = 0; j < f->list.cap; j++) {
				due = MIN64(due, friend_node_due(f,
				    &f->list.n[j], now));
				count += !oc_node_timed_out(&f->list.n[j], now);
			}
			if (count == f->list.cap)
				continue;
			due = MIN64(due, populate_due(&f->list, count,
			    oc->pool.count, 0));
		}
	if (due == NEVER)
		return NEVER;
	/* Work runs at most once per OC_RUN_MS. */
	if (oc->ran)
		due = MAX64(due, oc->last_run + OC_RUN_MS);
	return due;
}

uint64_t
onion_client_tick(struct onion_client *oc, uint64_t now)
{
	unsigned	i;

	oc->now = now;
	if (!oc->ran || now >= oc->last_run + OC_RUN_MS) {
		oc->ran = 1;
		oc->last_run = now;
		run_self(oc, now);
		/* Friends are looked for once we are reachable ourselves. */
		if (oc_connected(oc, now))
			for (i = 0; i < OC_FRIENDS_MAX; i++)
				if (oc->friends[i].used &&
				    !oc->friends[i].online)
					run_friend(oc, &oc->friends[i], now);
	}
	return onion_client_next_deadline(oc);
}
