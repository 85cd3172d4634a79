/*
 * keyd's handling of the identity and profile messages from the frontend
 * (the profile area of ipc/types.h).  keyd/keyd.c calls, in order:
 *
 *   keyd_profile_open(path, on_event, arg)	before rt_lockdown(): opens
 *	the profile directory (the only descriptor profile I/O needs), loads
 *	a plain profile; -1 only if the directory cannot be opened.
 *   keyd_profile_table			the frontend channel's rows
 *	for the profile messages: each handler answers its request; the
 *	channel wipes passphrases and closes descriptors afterwards, and a
 *	malformed payload closes it, like any protocol violation.
 *   keyd_profile_dirfd()			the profile directory fd, to
 *	add to sandbox_conf.keep_fds (or sandbox_apply closes it); put the
 *	profile's directory in rw_paths too: Landlock checks every
 *	openat() relative to it.  -1 before open.
 *   keyd_profile_identity()			the identity for the rest of
 *	keyd (NULL before open): ->prof is non-NULL once unlocked;
 *	keyd_profile_loaded() the same only once unlocked.
 *   keyd_profile_close()			at SHUTDOWN: every change was
 *	already saved when it was made, so it only wipes and closes.
 *
 * on_event (may be NULL) tells the rest of keyd what changed, after the
 * change is on disk: e.g. on KEYD_PROFILE_LOADED send netd our public key.
 */
#ifndef BULKHEAD_KEYD_PROFILE_DISPATCH_H
#define BULKHEAD_KEYD_PROFILE_DISPATCH_H

#include "ipc/chan.h"
#include "keyd/identity.h"
#include "keyd/target.h"

enum keyd_profile_event {
	KEYD_PROFILE_LOADED = 1,	/* unlocked, created or imported */
	KEYD_PROFILE_ID_CHANGED,	/* nospam: a new Tox ID */
	KEYD_PROFILE_SELF_CHANGED,	/* name, status message or status */
	KEYD_PROFILE_KEY_CHANGED,	/* a new passphrase (or none) */
};

int	keyd_profile_open(const char *profile_path,
	    void (*on_event)(enum keyd_profile_event, void *), void *arg);
extern const struct chan_table	keyd_profile_table;
int	keyd_profile_dirfd(void);
/* The one-shot import or export file (keyd/target.h), before lockdown:
 * fd -1 and why when the supervisor's file was refused. */
void	keyd_profile_set_target(int fd, enum target_kind, const char *why);
int	keyd_profile_target_fd(void);
struct identity *keyd_profile_identity(void);
struct identity *keyd_profile_loaded(void);
/*
 * The key of a sealed store beside the profile (partials, outbox,
 * history, sends): derive, the store's *_key_derive, over the profile's
 * key material.  That is the passphrase key of an encrypted profile, else
 * the long-term secret key (keyd/outbox.h says what each protects); each
 * store's own context keeps the keys apart.  id is a loaded identity.
 */
void	keyd_profile_store_key(const struct identity *id,
	    void (*derive)(uint8_t *, const uint8_t *, size_t), uint8_t *key);
void	keyd_profile_close(void);

#endif
