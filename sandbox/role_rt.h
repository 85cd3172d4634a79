/*
 * Start-up shared by every role: the common options, the order
 * acquire -> lock -> serve, and the channel to the supervisor.
 *
 *	rt_init(&rt, ROLE_NETD);
 *	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
 *		if (!rt_option(&rt, ch, optarg)) ...role options...
 *	...acquire: sockets, profile dir fd (add them to sb.keep_fds)...
 *	rt_lockdown(&rt, &sb);	sandbox, then loop and supervisor channel
 *	...open the role's peer channels...
 *	rt_serve(&rt);		report to the supervisor, selftest, loop
 */
#ifndef BULKHEAD_ROLE_RT_H
#define BULKHEAD_ROLE_RT_H

#include <getopt.h>

#include "common/log.h"
#include "ipc/chan.h"
#include "ipc/msg_core.h"
#include "sandbox/sandbox.h"

enum {
	RT_OPT_LOG_LEVEL = 0x1000,
	RT_OPT_SANDBOX,
	RT_OPT_SELFTEST,
	RT_OPT_FIRST_ROLE	/* roles number their own options from here */
};

#define RT_LONGOPTS \
	{ "log-level", required_argument, NULL, RT_OPT_LOG_LEVEL }, \
	{ "sandbox", required_argument, NULL, RT_OPT_SANDBOX }, \
	{ "selftest", required_argument, NULL, RT_OPT_SELFTEST }

struct role_rt {
	enum role		 role;
	int			 permissive;
	const char		*selftest;
	struct ipc_sandbox_report report;
	struct chan		 sup;
	/* The role's handlers of supervisor messages other than SHUTDOWN
	 * (may be NULL). */
	const struct chan_table	*sup_table;
	/* Called on SHUTDOWN or when the supervisor goes away; must exit. */
	void			(*on_shutdown)(void);
};

void	rt_init(struct role_rt *, enum role);
/* Handles a common option; returns 1 if it was one. */
int	rt_option(struct role_rt *, int opt, const char *arg);
/* Applies the sandbox (conf->role/permissive/selftest are filled in here),
 * then starts the event loop and the supervisor channel. */
void	rt_lockdown(struct role_rt *, struct sandbox_conf *);
/* The heap keeps freed memory for the next burst (rt_lockdown calls it). */
void	rt_heap_keep(void);
/*
 * Opens the channel to peer at its fixed number fd if the supervisor
 * wired it: a command that starts fewer roles leaves that number closed
 * (rt_init notes which were open before the role opened anything), and
 * then c stays closed.  Returns 1 if open.
 */
int	rt_open_peer(struct chan *c, int fd, enum role peer,
	    const struct chan_tables *, void (*on_close)(struct chan *,
	    const char *));
/* The same for a channel to a restarted peer (NEW_CHANNEL's fd): replaces
 * the old one. */
void	rt_reopen_peer(struct chan *c, int fd, enum role peer,
	    const struct chan_tables *, void (*on_close)(struct chan *,
	    const char *));
/* Sends the sandbox report to the supervisor, then runs a requested
 * selftest (which does not return). */
void	rt_report(struct role_rt *);
/* rt_report(), then the loop. */
__attribute__((noreturn))
void	rt_serve(struct role_rt *);

#endif
