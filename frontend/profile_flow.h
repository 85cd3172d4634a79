/*
 * Getting the profile to "unlocked" before the command loop or a one-shot
 * command, as a small state machine (profile_flow.c):
 *
 *	INFO --no profile, CLI session--> ASK_CREATE --yes--> end CREATE
 *	INFO --encrypted, locked--> UNLOCK --wrong, CLI, tries left--> UNLOCK
 *	INFO | UNLOCK --> end UNLOCKED, LOCKED, NO_PROFILE or FAILED
 *
 * A plain profile is loaded by keyd already; an encrypted one is unlocked
 * with a passphrase from the terminal (echo off, three tries) or line 1
 * of --passphrase-fd/--passphrase-file.
 */
#ifndef BULKHEAD_FRONTEND_PROFILE_FLOW_H
#define BULKHEAD_FRONTEND_PROFILE_FLOW_H

#include "frontend/passphrase.h"
#include "ipc/msg_profile.h"

enum flow_end {
	FLOW_UNLOCKED,		/* a profile, open in keyd */
	FLOW_LOCKED,		/* JSON session without a passphrase source */
	FLOW_NO_PROFILE,
	FLOW_CREATE,		/* none; the user wants one made (init) */
	FLOW_FAILED,		/* said why (a reply named after the run) */
};

struct flow_conf {
	const char	*name;		/* errors reply as this command */
	const char	*profile;	/* its path, for messages */
	int		 unlock;	/* 0: only learn the state */
	int		 session;	/* not a one-shot command: the CLI
					 * offers to create a profile, JSON
					 * may stay locked */
};

/* Starts the flow; done() is called once, from the loop. */
void	profile_flow_start(const struct flow_conf *,
	    void (*done)(enum flow_end));
/* What keyd said at start (valid once done() was called). */
const struct ipc_profile_info *profile_flow_info(void);
/* The passphrase that unlocked the profile (len 0 if none), for passwd;
 * profile_flow_wipe() forgets it. */
const struct pass *profile_flow_pass(void);
void	profile_flow_wipe(void);

#endif
