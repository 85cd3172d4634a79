/*
 * Message types of identity and profile (frontend <-> keyd): 32..63.
 * Requests go frontend -> keyd and are answered by the request id: IPC_OK
 * or IPC_ERROR (IPC_ERR_AUTH for a wrong passphrase, IPC_ERR_STATE when
 * the profile is locked, missing or already there, IPC_ERR_IO for the
 * disk), or the *_ANS named below.  No message carries a secret key or
 * anything derived from one; passphrases travel only towards keyd, and
 * both ends wipe them.  Payloads: ipc/msg_profile.h.
 */
#ifndef BULKHEAD_IPC_TYPES_PROFILE_H
#define BULKHEAD_IPC_TYPES_PROFILE_H

enum ipc_type_profile {
	IPC_PROFILE_FIRST	= 32,
	IPC_PROFILE_INFO_REQ	= 32,	/* -> PROFILE_INFO_ANS */
	IPC_PROFILE_INFO_ANS	= 33,	/* exists, encrypted, unlocked */
	IPC_PROFILE_UNLOCK	= 34,	/* passphrase -> OK | ERROR */
	IPC_PROFILE_CREATE	= 35,	/* flags, passphrase -> ID_ANS | ERROR */
	IPC_ID_REQ		= 36,	/* -> ID_ANS */
	IPC_ID_ANS		= 37,	/* address 38 || public key 32 */
	IPC_SELF_REQ		= 38,	/* -> SELF_ANS */
	IPC_SELF_ANS		= 39,	/* status, name, status message */
	IPC_SET_NAME		= 40,	/* -> OK | ERROR */
	IPC_SET_STATUS_MSG	= 41,	/* -> OK | ERROR */
	IPC_SET_STATUS		= 42,	/* -> OK | ERROR */
	IPC_NOSPAM_SET		= 43,	/* optional value -> ID_ANS | ERROR */
	IPC_PROFILE_IMPORT	= 44,	/* fd, flags, passphrase -> ID_ANS */
	IPC_PROFILE_EXPORT	= 45,	/* fd, flags -> OK | ERROR */
	IPC_PASSWD		= 46,	/* flags, old, new -> OK | ERROR */
	IPC_PROFILE_LAST	= 63
};

#endif
