/*
 * The supervisor's options: the command line, and bulkhead.conf entries fed
 * through the same parser first (the command line wins).  Options meant for
 * one role are collected as that role's argv.
 */
#ifndef BULKHEAD_SUP_OPTIONS_H
#define BULKHEAD_SUP_OPTIONS_H

#include <stdint.h>

#include "common/log.h"
#include "common/role.h"
#include "supervisor/sock_policy.h"

#define OPT_MAX_ROLE_ARGS	64
#define OPT_MAX_PATH		4096
/* Where the frontend finds the passphrase source and a command's file. */
#define FD_PASS			FD_ROLE_EXTRA
#define FD_PASS_STR		"8"
/* The import or export file goes to keyd, never to the frontend. */
#define FD_FILE			FD_KEYD_TARGET
#define OPT_NODES_URL		"https://nodes.tox.chat/json"
#define OPT_NODES_MAX_AGE	86400

struct role_args {
	char	*argv[OPT_MAX_ROLE_ARGS];
	int	 argc;
};

struct options {
	char		 profile[OPT_MAX_PATH];
	char		 config[OPT_MAX_PATH];
	int		 config_given;
	int		 json;
	enum log_level	 level;
	int		 permissive;
	/* test hook: --selftest ROLE:WHAT makes that role try WHAT */
	int		 selftest_role;
	const char	*selftest_what;
	/* netd's network options, also kept to check the port first */
	uint16_t	 port;				/* 0: netd's range */
	int		 no_udp;
	int		 no_ipv6;
	/* TCP: the broker's policy (relays by IP, the proxy), the proxy's
	 * kind (enum proxy_kind, 0: none), relays given by host name */
	struct sock_policy sock;
	int		 proxy;
	int		 relay_names;
	/* the relay server's ports, and their sockets once bound */
	uint16_t	 tcp_ports[FD_NETD_TCP_MAX];
	int		 tcp_fds[FD_NETD_TCP_MAX];
	int		 ntcp_ports;
	/* the session's UDP socket, bound once, netd's at every start */
	int		 udp_fd;			/* -1: none */
	/* per-role options passed through (netd's --port, ...) */
	struct role_args role[ROLE_MAX];
	/* bootstrap nodes list: a file, and/or fetched from a URL */
	char		 nodes_file[OPT_MAX_PATH];
	char		 nodes_url[OPT_MAX_PATH];	/* "" = never fetch */
	unsigned	 nodes_max_age;			/* seconds */
	/* passphrase source for the frontend (never argv or environment) */
	int		 passphrase_fd;			/* -1: none */
	char		 passphrase_file[OPT_MAX_PATH];
	int		 no_passphrase;
	/* where friends' files go (--download-dir, absolute); "" none */
	char		 download_dir[OPT_MAX_PATH];
	/* keep an encrypted message history (keyd's --history) */
	int		 history;
	/* opened by command_prepare(), passed at exec */
	int		 pass_fd_open;			/* -> FD_PASS */
	int		 file_fd;			/* keyd's FD_FILE */
	int		 file_created;
	char		 file_path[OPT_MAX_PATH];
	/* subcommand (init, id, ...) and its arguments, for the frontend */
	const char	*command;
	char		**command_argv;
	int		 command_argc;
};

/* Parses argv (and the config file); exits with a message on bad input. */
void	options_parse(struct options *, int argc, char *argv[]);
/* Prints the usage (stdout if code is 0, else stderr) and exits. */
void	options_usage(int code) __attribute__((noreturn));
/* "bulkhead: [CONFIG: line N: ]message" and a hint on stderr; exits 2. */
void	usage_err(const char *, ...)
	    __attribute__((noreturn, format(printf, 1, 2)));
/* Adds --name=val (--name if val is NULL) to a role's argv; exits if full. */
void	options_role_arg(struct options *, enum role, const char *name,
	    const char *val);
/* Frees the per-role argument strings. */
void	options_free(struct options *);

#endif
