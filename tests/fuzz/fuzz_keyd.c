/*
 * keyd's handlers of what the frontend sends, and netd beside it, in
 * process over real channels (tests/fuzz/keyd_fuzz.h): every table keyd
 * has for the frontend (keyd/peers.c: the profile, the network's
 * bootstrap, history, partial downloads, avatars, files being sent), on
 * a real profile directory.  ctl & KFZ_OTHER makes a record netd's, to
 * answer a bootstrap keyd passed on (KFZ_ID_CALL) or to interleave.
 *
 * Beyond keyd_fuzz.h's record, for the frontend: a file (KFZ_FILE) sent
 * with an import or an export becomes keyd's target, as the supervisor
 * hands it over (an import reads it as a profile, an export writes into
 * it); with any other message it goes as a descriptor, which the
 * catalogue refuses but for AVATAR_SET.
 *
 * Speed: no scrypt per input.  The profile is plain and stays plain unless
 * a message asks for a passphrase (PASSWD, IMPORT or CREATE without
 * NOPASS, or an encrypted file to import): those cost two interactive
 * scrypt runs, so they are let through only once per KDF_EVERY inputs and
 * dropped otherwise.  The directory is on tmpfs: keyd's fsyncs are cheap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "ipc/msg_profile.h"
#include "keyd/encryptsave.h"
#include "keyd/profile_dispatch.h"
#include "tests/fuzz/keyd_fuzz.h"

#define KDF_EVERY	512

static unsigned long	last_kdf;	/* the input that ran one; 0: none */

/* Whether a message would run scrypt (see the top). */
static int
needs_kdf(const struct kfz_rec *rec)
{
	int	nopass = rec->len > 0 && (rec->p[0] & IPC_PF_NOPASS);

	switch (rec->type) {
	case IPC_PASSWD:
	case IPC_PROFILE_CREATE:
		return !nopass;
	case IPC_PROFILE_IMPORT:
		return !nopass || (rec->file != NULL &&
		    encsave_detect(rec->file, rec->flen) ==
		    ENCSAVE_KIND_ENCRYPTED);
	default:
		return 0;
	}
}

static int
prepare(const struct kfz_rec *rec, int *fd)
{
	int	old;

	if (rec->peer != KFZ_FRONTEND)
		return 0;
	if (needs_kdf(rec)) {
		if (last_kdf != 0 && kfz_inputs() - last_kdf < KDF_EVERY)
			return -1;
		last_kdf = kfz_inputs();
	}
	if (*fd != -1 && (rec->type == IPC_PROFILE_IMPORT ||
	    rec->type == IPC_PROFILE_EXPORT)) {
		if ((old = keyd_profile_target_fd()) != -1)
			close(old);
		keyd_profile_set_target(*fd, rec->type == IPC_PROFILE_IMPORT ?
		    TARGET_IMPORT : TARGET_EXPORT, NULL);
		*fd = -1;	/* keyd's now */
	}
	return 0;
}

static const struct kfz_target	target = {
	KFZ_FRONTEND, KFZ_NETD, 0, prepare
};

KFZ_TARGET(target)
