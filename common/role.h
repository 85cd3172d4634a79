/*
 * The processes of a bulkhead session and the fixed descriptor numbers on
 * which each role finds its channels after exec (ntpd's PARENT_SOCK_FILENO,
 * one per peer).  fd 0/1 are the terminal for frontend and /dev/null for the
 * others; fd 2 is the log pipe to the supervisor.
 */
#ifndef BULKHEAD_ROLE_H
#define BULKHEAD_ROLE_H

enum role {
	ROLE_SUP = 0,		/* the supervisor, bin/bulkhead */
	ROLE_KEYD,
	ROLE_NETD,
	ROLE_CHATD,		/* the messenger: friends, transport, files */
	ROLE_MEDIAD,
	ROLE_FRONTEND,
	ROLE_FETCHD,		/* short-lived: downloads the nodes list */
	ROLE_MAX
};

#define ROLE_BIT(r)	(1u << (r))

/* Channel to the supervisor: every role. */
#define FD_SUP			3
/*
 * Channels to peers, where the topology (common/topology.c) has them; a
 * command that starts fewer roles leaves the others' numbers closed, and a
 * role opens only the channels it finds.
 */
/* keyd */
#define FD_KEYD_FRONTEND	4
#define FD_KEYD_NETD		5
#define FD_KEYD_MEDIAD		6
#define FD_KEYD_CHATD		7
/* netd */
#define FD_NETD_KEYD		4
/* chatd */
#define FD_CHATD_KEYD		4
#define FD_CHATD_FRONTEND	5
#define FD_CHATD_MEDIAD		6
/* mediad */
#define FD_MEDIAD_KEYD		4
#define FD_MEDIAD_FRONTEND	5
#define FD_MEDIAD_CHATD		6
/* frontend */
#define FD_FRONTEND_KEYD	4
#define FD_FRONTEND_MEDIAD	5
#define FD_FRONTEND_CHATD	6
/* fetchd: FD_SUP only; its output is fd 1, a pipe to netd. */
/* First descriptor a role may receive for role-specific purposes
 * (a passphrase fd, a nodes file): passed by the supervisor at exec. */
#define FD_ROLE_EXTRA		8
/* netd: the session's UDP socket, bound by the supervisor */
#define FD_NETD_UDP		FD_ROLE_EXTRA
/* netd: the relay server's listening sockets, one per --tcp-port, in
 * order, bound by the supervisor (common/tcp_listen.h) */
#define FD_NETD_TCP_FIRST	(FD_ROLE_EXTRA + 1)
#define FD_NETD_TCP_MAX		4
/* fetchd in proxy mode: its one socket, connected to the proxy */
#define FD_FETCHD_PROXY		FD_ROLE_EXTRA
/* keyd: the file of a one-shot import or export (keyd/target.h) */
#define FD_KEYD_TARGET		FD_ROLE_EXTRA

const char	*role_name(enum role);	/* "keyd", ...; "sup" for ROLE_SUP */
int		 role_from_name(const char *);	/* -1 if unknown */

#endif
