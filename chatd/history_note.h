/*
 * chatd's part of the opt-in history: it passes each message in and out
 * to keyd (HISTORY_PUT) only while keyd has said HISTORY_ON 1, i.e. the
 * user started bulkhead with --history.  chatd keeps nothing itself.
 */
#ifndef BULKHEAD_CHATD_HISTORY_NOTE_H
#define BULKHEAD_CHATD_HISTORY_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/chan.h"
#include "ipc/msg_history.h"

void	history_note_init(struct chan *keyd);
/*
 * One message: dir HISTORY_IN (a friend's, as it came) or HISTORY_OUT
 * (ours, once keyd stored it in the outbox); pk the friend's key, id the
 * message id the frontend saw, text 1..HISTORY_MSG_MAX bytes.  Nothing
 * is sent while history is off or keyd is away.
 */
void	history_note(uint8_t dir, const uint8_t *pk, uint64_t id,
	    uint8_t action, const uint8_t *text, size_t len);
/* 1 while keyd said history is on (for tests). */
int	history_note_on(void);
extern const struct chan_table	history_note_from_keyd;

#endif
