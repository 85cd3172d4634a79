/*
 * Watching a running bulkhead session's events while something else
 * (a libtoxcore client, another session) is driven: read what the
 * sessions printed without waiting for one event, then look at or count
 * the events kept.  bh_event takes the event it returns; these leave
 * b->events as they are, so a count over a window stays honest.
 */
#ifndef BULKHEAD_TEST_BH_WATCH_H
#define BULKHEAD_TEST_BH_WATCH_H

#include <jansson.h>
#include <stddef.h>

#include "tests/lib/bh.h"

/*
 * Waits at most timeout_ms for output from any of the n sessions, then
 * reads every whole line they have printed; events are appended to their
 * b->events, stray replies dropped.
 */
void	 bh_pump(struct bh *const *, size_t n, int timeout_ms);
/*
 * The first kept event called name whose string member equals value (any
 * such event if member is NULL); borrowed, or NULL.
 */
json_t	*bh_peek(struct bh *, const char *name, const char *member,
	    const char *value);
/* How many kept events match, as bh_peek. */
size_t	 bh_count(struct bh *, const char *name, const char *member,
	    const char *value);
/*
 * The first kept event (from the index'th on) that has every member of
 * want with an equal value (want's "event" names it); borrowed, or NULL.
 * want stays the caller's.
 */
json_t	*bh_find(struct bh *, size_t from, json_t *want);
/* How many kept events match, as bh_find from the first. */
size_t	 bh_count_like(struct bh *, json_t *want);
/* The last kept "onion" event's "announced": 1, 0, or -1 if none yet. */
int	 bh_onion_announced(struct bh *);
/*
 * Starts a session in dir (a profile's, from bh_make_profile; NULL: a
 * new one that bh_stop removes) on UDP port that knows only the node
 * host:node_port (key in hex), logging at debug so a failing test can
 * show what netd did.  0, or -1.
 */
int	 bh_start_joined(struct bh *, const char *dir, int port,
	    const char *host, int node_port, const char *node_key);
/* The same with more options (NULL-terminated, at most 8). */
int	 bh_start_joined_with(struct bh *, const char *dir, int port,
	    const char *host, int node_port, const char *node_key,
	    const char *const extra[]);
/* All n sessions' last "onion" event says announced: 1, else 0. */
int	 bh_all_announced(struct bh *const *, size_t n);
/* bh_cmd with the request as JSON (taken: decref'd here). */
json_t	*bh_call(struct bh *, json_t *req, int timeout_ms);
/* The session's Tox ID (76 hex digits) from `id`; 0, or -1. */
int	 bh_address(struct bh *, char out[77], int timeout_ms);

#endif
