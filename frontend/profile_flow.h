/*
 * What the frontend does with the profile before the command loop, and the
 * one-shot commands (bulkhead init | id | import | export | passwd | nospam).
 *
 * Session: a plain profile is loaded by keyd already; an encrypted one is
 * unlocked with a passphrase from the terminal (echo off, three tries) or
 * from --passphrase-fd/--passphrase-file; with no profile the interactive
 * client offers to create one.  New and re-keyed profiles are encrypted
 * unless --no-passphrase was given, and then the user is told.
 */
#ifndef BULKHEAD_FRONTEND_PROFILE_FLOW_H
#define BULKHEAD_FRONTEND_PROFILE_FLOW_H

#include <jansson.h>

struct flow_opts {
	const char	*run;		/* one-shot command, or NULL */
	const char	*run_arg;	/* nospam VALUE */
	const char	*profile;	/* its path, for messages */
	const char	*file;		/* import/export path, for messages */
	int		 pass_fd;	/* -1: none */
	int		 file_fd;	/* import source / export target, or -1 */
	int		 no_passphrase;
	int		 replace;	/* import over an existing profile */
	int		 plain;		/* export unencrypted */
	int		 qr;		/* id --qr */
};

/* Starts the flow; calls ready() when the command loop may begin (never
 * for a one-shot command, which exits when done). */
void	profile_flow_start(const struct flow_opts *, void (*ready)(void));

struct ipc_id;
json_t	*id_json(const struct ipc_id *);	/* cmd_profile.c */


#endif
