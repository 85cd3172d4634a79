/*
 * keyd's side of the partial-download records (keyd/partials.h is the
 * store), for resuming a file a friend offers again after a restart.
 * The frontend orchestrates; keyd only remembers:
 *
 *	PARTIAL_PUT	on accept: friend, file id, offered size, the path
 *			the supervisor created.  OK once it is on disk
 *			(sealed); ERROR if not (the resume would then
 *			start from zero, nothing worse).
 *	PARTIAL_GET	on an offer: PARTIAL_ANS, found or not.
 *	PARTIAL_DEL	on done or the user's cancel: OK, also when there
 *			was nothing to forget.
 *
 * Only with a profile loaded: before, every request is answered ERROR
 * "no profile loaded".  A PUT is refused for a key that is not a stored
 * friend (the frontend is hostile too, rule 2); GET and DEL work for any
 * key, so a removed friend's records can still be cleared.  keyd never
 * opens the paths it keeps.
 */
#ifndef BULKHEAD_KEYD_PARTIALS_OPS_H
#define BULKHEAD_KEYD_PARTIALS_OPS_H

#include "ipc/chan.h"

/* The profile was loaded (unlock, create, import): open its records. */
void	partials_ops_profile_loaded(void);
/* The passphrase changed: re-seal under the new key. */
void	partials_ops_key_changed(void);
extern const struct chan_table	partials_ops_from_frontend;

#endif
