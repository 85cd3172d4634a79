/*
 * The operations keyd performs on the user's identity and profile, for
 * the frontend's commands: create, unlock, change name/status/nospam,
 * import, export, change passphrase.  Every change is saved at once
 * through the crash-safe store; if the save fails the change is undone in
 * memory too, so what keyd reports is what is on disk.
 *
 * Nothing here returns a secret: callers get the Tox ID and public key,
 * never the secret key, the derived file key or the plaintext savedata.
 * Passphrases are borrowed (pointer, length); the caller wipes them.
 */
#ifndef BULKHEAD_IDENTITY_H
#define BULKHEAD_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "keyd/encryptsave.h"
#include "keyd/profile.h"
#include "keyd/profile_store.h"

#define IDENTITY_ERR_TEXT	200

/* Why an operation failed: an ipc_err code and a sentence for the user. */
struct id_err {
	uint16_t	code;		/* enum ipc_err (ipc/msg_core.h) */
	char		text[IDENTITY_ERR_TEXT];
};

struct identity {
	struct pstore		 store;
	int			 exists;	/* a profile file is there */
	int			 encrypted;	/* it is a toxEsave file */
	struct profile		*prof;		/* NULL while locked */
	struct encsave_key	*key;		/* NULL for a plain profile */
	int			 broken;	/* exists but cannot be loaded */
	struct id_err		 why;		/* ... and why */
};

/*
 * Opens the profile directory (before the sandbox) and looks at the
 * file: a plain profile is loaded at once; an encrypted one waits for
 * identity_unlock().  Returns -1 with e filled only if the directory
 * cannot be opened.  A file that is unreadable, corrupt or not a profile
 * leaves the identity "broken" (why says what): every operation reports
 * that, and only an import with replace may write over the file.
 */
int	identity_open(struct identity *, const char *path, struct id_err *e);
/* Saves nothing; wipes and frees everything and closes the directory. */
void	identity_close(struct identity *);
/* Decrypts and loads an encrypted profile.  IPC_ERR_AUTH if wrong. */
int	identity_unlock(struct identity *, const uint8_t *pass, size_t len,
	    struct id_err *e);
/* A new keypair and nospam, saved encrypted unless nopass. */
int	identity_create(struct identity *, const uint8_t *pass, size_t len,
	    int nopass, struct id_err *e);
/* Writes the profile in memory (after changes made elsewhere in keyd). */
int	identity_save(struct identity *, struct id_err *e);
int	identity_set_name(struct identity *, const uint8_t *, size_t,
	    struct id_err *e);
int	identity_set_status_msg(struct identity *, const uint8_t *, size_t,
	    struct id_err *e);
int	identity_set_status(struct identity *, uint8_t, struct id_err *e);
/* A new nospam: the value given, or a random one if NULL. */
int	identity_set_nospam(struct identity *, const uint8_t *nospam,
	    struct id_err *e);
/* Our Tox ID and public key; -1 (IPC_ERR_STATE) while locked. */
int	identity_get_id(const struct identity *, uint8_t addr[TOX_ADDRESS_LEN],
	    uint8_t pk[TOX_PK_LEN], struct id_err *e);
/*
 * Replaces (only with replace set) or creates the profile from the file
 * open on fd: plain savedata, or toxEsave opened with pass.  It is stored
 * encrypted with pass unless nopass.  The old profile stays if anything
 * fails.
 */
int	identity_import(struct identity *, int fd, const uint8_t *pass,
	    size_t len, int nopass, int replace, struct id_err *e);
/*
 * Writes the profile to fd: as stored (encrypted if it is), or plain
 * savedata if plain is set.
 */
int	identity_export(struct identity *, int fd, int plain, struct id_err *e);
/*
 * Changes the passphrase: old must match (for a plain profile it must be
 * empty); the new one encrypts with a fresh salt, or nopass stores plain.
 */
/* 0 if pass is the profile's passphrase (empty for a plain profile),
 * else -1 with IPC_ERR_AUTH.  Derives the key: slow on purpose. */
int	identity_check_pass(const struct identity *, const uint8_t *pass,
	    size_t, struct id_err *);
int	identity_passwd(struct identity *, const uint8_t *old, size_t oldlen,
	    const uint8_t *newp, size_t newlen, int nopass, struct id_err *e);

#endif
