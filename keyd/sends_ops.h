/*
 * keyd's side of the files being sent (keyd/sends.h is the store), so
 * that a file sent again goes under the id of its unfinished offer and
 * the friend resumes it.  The frontend asks; keyd only remembers:
 *
 *	SEND_ID		at file_send, once the supervisor opened the file:
 *			friend, the file's size, mtime, dev and inode, the
 *			path as the user gave it.  SEND_ID_ANS: the id of
 *			the record for (friend, path) if the stamp is the
 *			same (again 1), else a new random id, kept durably
 *			before the answer (again 0); ERROR if it could not
 *			be kept (the frontend then lets chatd pick one).
 *	SEND_DEL	on file_done of ours or the user's cancel: OK, also
 *			when there was nothing to forget.
 *
 * Only with a profile loaded.  SEND_ID is refused for a key that is not
 * a stored friend (the frontend is hostile too); SEND_DEL works for any
 * key.  keyd never opens the paths it keeps, and no value a friend sent
 * picks an id.
 */
#ifndef BULKHEAD_KEYD_SENDS_OPS_H
#define BULKHEAD_KEYD_SENDS_OPS_H

#include "ipc/chan.h"

/* The profile was loaded (unlock, create, import): open its records. */
void	sends_ops_profile_loaded(void);
/* The passphrase changed: re-seal under the new key. */
void	sends_ops_key_changed(void);
extern const struct chan_table	sends_ops_from_frontend;

#endif
