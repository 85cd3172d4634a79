/*
 * keyd's net_crypto sessions (map §7; c-toxcore net_crypto.c
 * create_crypto_handshake, handle_crypto_handshake, send_data_packet,
 * handle_data_packet): what needs a key, and nothing else.
 *
 *  - NC_HS_MAKE (netd): our handshake to a friend, answering the cookie
 *    it issued, carrying the cookie netd made for it.  keyd draws the
 *    session keypair and base nonce (once per session: a new cookie
 *    round gets the same session) and the box nonce;
 *  - NC_HS_IN (netd): a friend's handshake on our cookie, opened with the
 *    long-term key; its base nonce and session key set the session's
 *    keys (NOT_CONFIRMED), and with want_reply keyd answers with its own
 *    handshake on the peer's cookie;
 *  - NC_DATA_IN (netd): a 0x1b opened in the friend's session; the first
 *    that opens makes it ESTABLISHED, a kill packet ends it, the rest goes
 *    to chatd as NC_PLAIN_IN (ack, number, id || data: rule 4, keyd reads
 *    no further than the id);
 *  - NC_PLAIN_OUT (chatd): sealed with the next nonce, to netd;
 *  - NC_KILL (chatd), NC_ABORT (netd): the session ends and its keys are
 *    wiped.
 * State changes go to netd (NC_STATE) and chatd (NC_SESSION).
 *
 * Each side seals with the base nonce of its own handshake and opens
 * with the peer's (gotcha 1).  A compromised netd can have keyd build
 * handshakes only for friends, and can put only an opaque cookie of its
 * making in the box; the base nonce never starts with 0x20 or 0x9c, so
 * that box cannot be passed off as onion data from us (as onion_ops.c
 * does for ping ids).  A compromised chatd can have keyd seal anything in
 * a session key, which is chatd's job anyway (rule 1).
 *
 * If chatd goes, every session is killed (kill packets go, so friends
 * reconnect at once, and chatd resends what was not acknowledged).  If
 * netd goes, an established session whose address netd reported
 * (NC_ADDR) goes on: the next netd has the same DHT key (keyd's, see
 * net_relay.c) and the same socket (the supervisor's), and gets each such
 * session back (NC_RESUME), so friends see no break and nothing is sent
 * twice; sessions still being made end.
 */
#ifndef BULKHEAD_KEYD_NC_SESSION_H
#define BULKHEAD_KEYD_NC_SESSION_H

#include <stdint.h>

#include "ipc/chan.h"

#define NC_SESSION_MAX	256	/* one per friend, as chatd's table */

struct nc_session_stats {
	uint64_t	hs_made;
	uint64_t	hs_opened;
	uint64_t	hs_refused;	/* not a friend, MAC, state */
	uint64_t	data_opened;
	uint64_t	data_unopened;	/* no session, MAC */
	uint64_t	sealed;
	uint64_t	seal_refused;	/* no keys yet */
	uint64_t	killed_by_peer;
	uint64_t	killed;		/* by chatd, netd or a lost channel */
};
extern struct nc_session_stats	nc_session_stats;

/* Allocates the table (secure memory); -1 if memory is short. */
int	nc_session_init(struct chan *netd, struct chan *chatd);
/* chatd's channel closed: kill every session (kill packets go).  No
 * session is made while it is away. */
void	nc_session_chatd_gone(void);
/* chatd's channel opened: any session it cannot know of is killed. */
void	nc_session_chatd_up(void);
/* netd's channel closed: sessions still being made end. */
void	nc_session_netd_gone(void);
/* netd's channel opened: the established sessions to go on with. */
void	nc_session_netd_up(void);
/* A friend was removed (or the profile closed): end its session. */
void	nc_session_forget(const uint8_t pk[32]);
extern const struct chan_table	nc_session_from_netd;
extern const struct chan_table	nc_session_from_chatd;

#endif
