/*
 * Payloads of the identity and profile messages (types in
 * ipc/types.h) and their pack/unpack pairs.  Integers are big
 * endian; byte strings are u16 length || bytes.  Unpack functions read a
 * whole payload and return 0, or -1 if it is short, long or out of range.
 *
 * Passphrases: struct ipc_pass is large and secret; allocate the structs
 * that hold one with sodium_malloc (keyd: secbuf_alloc) or wipe them with
 * sodium_memzero after use, and wipe the packed buffer and the received
 * message too.
 */
#ifndef BULKHEAD_IPC_MSG_PROFILE_H
#define BULKHEAD_IPC_MSG_PROFILE_H

#include <stdint.h>

#include "common/rd.h"
#include "common/toxid.h"
#include "ipc/ipc.h"

#define IPC_PASS_MAX		1024
#define IPC_NAME_MAX		128	/* c-toxcore MAX_NAME_LENGTH */
#define IPC_STATUSMSG_MAX	1007	/* MAX_STATUSMESSAGE_LENGTH */

/* Flags of PROFILE_CREATE, PROFILE_IMPORT, PROFILE_EXPORT and PASSWD. */
#define IPC_PF_NOPASS	0x01	/* store (or re-store) unencrypted */
#define IPC_PF_REPLACE	0x02	/* import: replace an existing profile */
#define IPC_PF_PLAIN	0x04	/* export: write plain savedata */

struct ipc_pass {
	uint16_t	len;
	uint8_t		p[IPC_PASS_MAX];	/* any bytes, not terminated */
};

/* Payload bounds, for the catalogue: a passphrase field is u16 || bytes. */
#define IPC_PASS_FIELD_MIN	2
#define IPC_PASS_FIELD_MAX	(2 + IPC_PASS_MAX)
#define IPC_PROFILE_INFO_LEN	3
#define IPC_PROFILE_CREATE_MIN_LEN	(1 + IPC_PASS_FIELD_MIN)
#define IPC_PROFILE_CREATE_MAX_LEN	(1 + IPC_PASS_FIELD_MAX)
#define IPC_ID_LEN		(TOX_ADDRESS_LEN + TOX_PK_LEN)
#define IPC_SELF_MIN_LEN	(1 + 2 + 2)
#define IPC_SELF_MAX_LEN	(IPC_SELF_MIN_LEN + IPC_NAME_MAX + \
				    IPC_STATUSMSG_MAX)
#define IPC_SET_NAME_MIN_LEN	2
#define IPC_SET_NAME_MAX_LEN	(2 + IPC_NAME_MAX)
#define IPC_SET_STATUS_MSG_MIN_LEN	2
#define IPC_SET_STATUS_MSG_MAX_LEN	(2 + IPC_STATUSMSG_MAX)
#define IPC_SET_STATUS_LEN	1
#define IPC_NOSPAM_LEN		(1 + TOX_NOSPAM_LEN)
#define IPC_PASSWD_MIN_LEN	(1 + 2 * IPC_PASS_FIELD_MIN)
#define IPC_PASSWD_MAX_LEN	(1 + 2 * IPC_PASS_FIELD_MAX)

/* PROFILE_INFO_ANS: 3 bytes, each 0 or 1. */
struct ipc_profile_info {
	uint8_t		exists;		/* a profile file is there */
	uint8_t		encrypted;	/* it is a toxEsave file */
	uint8_t		unlocked;	/* keyd has it in memory */
};
void	ipc_pack_profile_info(struct wr *, const struct ipc_profile_info *);
int	ipc_unpack_profile_info(struct rd *, struct ipc_profile_info *);

/* PROFILE_UNLOCK: passphrase. */
void	ipc_pack_pass(struct wr *, const struct ipc_pass *);
int	ipc_unpack_pass(struct rd *, struct ipc_pass *);

/*
 * PROFILE_CREATE: flags (NOPASS) || passphrase (empty with NOPASS);
 * PROFILE_IMPORT: flags (NOPASS, REPLACE) || passphrase (of the file if it
 * is encrypted; it also encrypts the stored copy unless NOPASS).
 */
struct ipc_profile_create {
	uint8_t		flags;
	struct ipc_pass	pass;
};
void	ipc_pack_profile_create(struct wr *, const struct ipc_profile_create *);
int	ipc_unpack_profile_create(struct rd *, struct ipc_profile_create *);
void	ipc_pack_profile_import(struct wr *, const struct ipc_profile_create *);
int	ipc_unpack_profile_import(struct rd *, struct ipc_profile_create *);

/* ID_ANS: the Tox ID and the public key. */
struct ipc_id {
	uint8_t		address[TOX_ADDRESS_LEN];
	uint8_t		pk[TOX_PK_LEN];
};
void	ipc_pack_id(struct wr *, const struct ipc_id *);
int	ipc_unpack_id(struct rd *, struct ipc_id *);	/* checks checksum */

/* SELF_ANS: our status, name and status message. */
struct ipc_self {
	uint8_t		status;			/* 0 none, 1 away, 2 busy */
	uint16_t	name_len;
	uint8_t		name[IPC_NAME_MAX];
	uint16_t	status_msg_len;
	uint8_t		status_msg[IPC_STATUSMSG_MAX];
};
void	ipc_pack_self(struct wr *, const struct ipc_self *);
int	ipc_unpack_self(struct rd *, struct ipc_self *);

/* SET_NAME and SET_STATUS_MSG: bytes (UTF-8 by convention, may be empty). */
struct ipc_bytes {
	uint16_t	len;
	uint8_t		b[IPC_STATUSMSG_MAX];
};
void	ipc_pack_set_name(struct wr *, const struct ipc_bytes *);
int	ipc_unpack_set_name(struct rd *, struct ipc_bytes *);
void	ipc_pack_set_status_msg(struct wr *, const struct ipc_bytes *);
int	ipc_unpack_set_status_msg(struct rd *, struct ipc_bytes *);

/* SET_STATUS: 1 byte, 0..2. */
void	ipc_pack_set_status(struct wr *, uint8_t);
int	ipc_unpack_set_status(struct rd *, uint8_t *);

/* NOSPAM_SET: has_value (0: pick a random one) || nospam 4. */
struct ipc_nospam {
	uint8_t		has_value;
	uint8_t		nospam[TOX_NOSPAM_LEN];	/* as in the Tox ID */
};
void	ipc_pack_nospam(struct wr *, const struct ipc_nospam *);
int	ipc_unpack_nospam(struct rd *, struct ipc_nospam *);

/* PROFILE_EXPORT: flags (PLAIN) || passphrase (for PLAIN: the profile's
 * again, empty if it has none).  The target is not in the message: the
 * supervisor opened it and handed it to keyd at start (FD_KEYD_TARGET). */
void	ipc_pack_profile_export(struct wr *, const struct ipc_profile_create *);
int	ipc_unpack_profile_export(struct rd *, struct ipc_profile_create *);

/* PASSWD: flags (NOPASS) || old passphrase || new (empty with NOPASS). */
struct ipc_passwd {
	uint8_t		flags;
	struct ipc_pass	old;
	struct ipc_pass	new;
};
void	ipc_pack_passwd(struct wr *, const struct ipc_passwd *);
int	ipc_unpack_passwd(struct rd *, struct ipc_passwd *);

#endif
