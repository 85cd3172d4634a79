/*
 * keyd's side of the outbox (keyd/outbox.h is the store): chatd's
 * OUTBOX_PUT is answered OUTBOX_STORED only once the message is on disk,
 * sealed; OUTBOX_DEL (a receipt) is written lazily, within
 * OUTBOX_FLUSH_MS and at exit; every stored message goes to chatd as
 * OUTBOX_LOAD when its channel opens, so a restarted chatd sends again
 * what no friend acknowledged.
 *
 * The key: the passphrase key of an encrypted profile, or the long-term
 * secret key of a plain one (outbox.h says what each protects against);
 * a new passphrase re-seals the file at once.  An outbox file that cannot
 * be read locks the outbox (nothing saved over it, puts refused with the
 * reason): the user's queued messages are never dropped silently.
 *
 * chatd is hostile (rule 2): it may queue only for stored friends, within
 * the store's bounds; a removed friend's messages go with it.
 */
#ifndef BULKHEAD_KEYD_OUTBOX_OPS_H
#define BULKHEAD_KEYD_OUTBOX_OPS_H

#include <stdint.h>

#include "ipc/chan.h"

void	outbox_ops_init(struct chan *chatd);
/* The profile was loaded (unlock, create, import): open its outbox. */
void	outbox_ops_profile_loaded(void);
/* The passphrase changed: re-seal under the new key. */
void	outbox_ops_key_changed(void);
/* chatd's channel opened: every stored message to it. */
void	outbox_ops_chatd_up(void);
/* A friend was removed: its messages go. */
void	outbox_ops_forget(const uint8_t pk[32]);
/* At exit: a waiting deletion is written. */
void	outbox_ops_flush(void);
extern const struct chan_table	outbox_ops_from_chatd;

#endif
