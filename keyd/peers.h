/*
 * What keyd handles from each peer (the handler tables of its channels),
 * and what its areas hear when a peer's channel opens or closes and when
 * the profile changes.  keyd.c wires these to its real channels; the fuzz
 * targets (tests/fuzz/keyd_fuzz.c) wire them to fake peers, so both run
 * the same tables and the same hooks, and a table added here is fuzzed
 * without anyone having to remember it.
 *
 * The areas' *_init() calls stay in keyd.c: they come before and after
 * the sandbox in an order that is keyd's own.
 */
#ifndef BULKHEAD_KEYD_PEERS_H
#define BULKHEAD_KEYD_PEERS_H

#include "common/role.h"
#include "ipc/chan.h"
#include "keyd/profile_dispatch.h"

extern const struct chan_tables	keyd_from_frontend;
extern const struct chan_tables	keyd_from_netd;
extern const struct chan_tables	keyd_from_chatd;
extern const struct chan_tables	keyd_from_mediad;

/* keyd_profile_open()'s on_event: every area hears the change. */
void	keyd_on_profile(enum keyd_profile_event, void *arg);
/* netd's channel opened (start, or a restarted netd): what it needs. */
void	keyd_netd_up(void);
/* chatd's channel opened: the friends, outbox, history, avatars. */
void	keyd_chatd_up(void);
/* A peer's channel closed: its sessions end (netd, chatd). */
void	keyd_peer_gone(enum role);

#endif
