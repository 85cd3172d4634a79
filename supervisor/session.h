/*
 * A session: the roles its topology names (common/topology.c: every role
 * for the messenger, keyd and the frontend for a one-shot command), their
 * channels, and what the supervisor does when one of them exits (the
 * policy table in session.c).  netd, chatd and mediad are restarted with
 * backoff and their peers get fresh channels; keyd's death ends the
 * session with a message to the frontend; the frontend's exit (or SIGINT,
 * SIGTERM, SIGHUP) shuts everything down in order: frontend, keyd (which
 * has saved every change), then the rest.
 */
#ifndef BULKHEAD_SUP_SESSION_H
#define BULKHEAD_SUP_SESSION_H

#include "supervisor/options.h"

/* Runs a whole session; returns the exit code for bulkhead. */
int	session_run(const struct options *, const char *libexec_dir);

#endif
