/*
 * keyd's side of the opt-in history (keyd/history.h is the store).  keyd
 * decides: it alone writes files, and it is started with --history only
 * when the user asked for it (the supervisor's --history, or "history"
 * in bulkhead.conf).
 *
 * With history on, keyd tells chatd HISTORY_ON 1 once a profile is
 * loaded (and again whenever chatd's channel opens); chatd then sends
 * each message in and out as HISTORY_PUT, which keyd keeps for a stored
 * friend only, stamped with its own clock, written within
 * HISTORY_FLUSH_MS and at exit.  With history off, chatd is told 0,
 * HISTORY_PUT is dropped unread, no file is opened, and the frontend's
 * HISTORY_REQ is answered with an error that says how to turn it on.
 *
 * HISTORY_REQ (frontend -> keyd): a friend's last messages, a page at a
 * time, newest first.  keyd copies bytes it never parses (rule 4); the
 * frontend neutralises them before display.
 */
#ifndef BULKHEAD_KEYD_HISTORY_OPS_H
#define BULKHEAD_KEYD_HISTORY_OPS_H

#include "ipc/chan.h"

/* What HISTORY_REQ answers while history is off. */
#define HISTORY_OFF_TEXT	"history is off: start bulkhead with " \
	"--history (or add a line \"history\" to bulkhead.conf) to keep " \
	"an encrypted history; see bulkhead(1)"

void	history_ops_init(struct chan *chatd, int enabled);
/* The profile was loaded (unlock, create, import): open its history. */
void	history_ops_profile_loaded(void);
/* The passphrase changed: re-seal under the new key. */
void	history_ops_key_changed(void);
/* chatd's channel opened: tell it whether to send messages. */
void	history_ops_chatd_up(void);
/* At exit: what waits is written. */
void	history_ops_flush(void);
extern const struct chan_table	history_ops_from_chatd;
extern const struct chan_table	history_ops_from_frontend;

#endif
