/*
 * chatd's messenger (map §8; c-toxcore Messenger.c m_handle_packet,
 * do_friends, check_friend_connectionstatus, do_receipts), over the
 * friend connections of chatd/fconn.h:
 *
 *  - a session established: ONLINE goes first (gotcha: c-toxcore drops
 *    every other Messenger packet until it has it); the friend's ONLINE
 *    makes it "online": our name, status message and status go to it,
 *    the frontend hears friend_connection, and its outbox is sent;
 *  - the friend's NICKNAME, STATUSMESSAGE, USERSTATUS, TYPING become
 *    events (and its name and status stay in the friend list);
 *    MESSAGE/ACTION become `message` events with a message id of ours;
 *    OFFLINE makes it offline until its next ONLINE;
 *  - the outbox: the frontend's CHAT_SEND is stored by keyd first
 *    (OUTBOX_PUT); only its OUTBOX_STORED answers the user, with keyd's
 *    id, so a message the user was told of survives any crash.  A stored
 *    message goes out when its friend is online, split into packets of
 *    at most 1372 bytes on UTF-8 boundaries, in the order stored; it is
 *    delivered when the friend acknowledged its last packet (gotcha 12):
 *    a `receipt` event, and OUTBOX_DEL to keyd.  keyd sends what it
 *    holds (OUTBOX_LOAD) when chatd starts; a session that ends before
 *    the acknowledgement sends the whole message again on the next one.
 */
#ifndef BULKHEAD_CHATD_MESSENGER_H
#define BULKHEAD_CHATD_MESSENGER_H

#include <stdint.h>

#include "ipc/chan.h"
#include "ipc/msg_friend.h"

#define OUTBOX_CHATD_MAX	1024	/* as keyd's outbox */

void	messenger_init(struct chan *keyd, struct chan *frontend);
/* Messages waiting in the outbox for friend number n. */
unsigned chatd_outbox_count(unsigned number);
/* The number of the friend a frontend request names (accepted, not a
 * pending request), or -1. */
int	messenger_resolve(const struct ipc_friend_remove *);
/* Whether friend n is online (its ONLINE came in this session). */
int	messenger_online(unsigned number);
/* A friend was removed: its outbox goes (keyd drops its copy), and, if
 * number is not -1, that number's session state and files. */
void	messenger_forget(int number, const uint8_t *pk);
extern const struct chan_table	messenger_from_keyd;
extern const struct chan_table	messenger_from_frontend;

#endif
