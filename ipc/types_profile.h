/*
 * Message types of identity and profile (keyd <-> frontend, keyd <-> sup):
 * 32..63.  Owned by the profile work; see ipc/spec_profile.c.
 */
#ifndef BULKHEAD_IPC_TYPES_PROFILE_H
#define BULKHEAD_IPC_TYPES_PROFILE_H

enum ipc_type_profile {
	IPC_PROFILE_FIRST	= 32,
	IPC_PROFILE_LAST	= 63
};

#endif
