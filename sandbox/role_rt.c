/* Start-up shared by every role: see role_rt.h. */
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/loop.h"
#include "sandbox/role_rt.h"

/* What freed heap a role keeps: a few channels' worth of queued frames. */
#define RT_HEAP_KEEP	(32 << 20)

static struct role_rt	*the_rt;
/* Which fixed channel numbers the supervisor wired, seen before the role
 * opened any descriptor of its own (which could take a free number). */
#define RT_MAX_FIXED_FD	(FD_ROLE_EXTRA)
static int		 fixed_open[RT_MAX_FIXED_FD];

void
rt_init(struct role_rt *rt, enum role role)
{
	int	i;

	for (i = FD_SUP; i < RT_MAX_FIXED_FD; i++)
		fixed_open[i] = fcntl(i, F_GETFD) != -1;
	memset(rt, 0, sizeof(*rt));
	rt->role = role;
	the_rt = rt;
	log_init(role_name(role), LOG_LVL_INFO);
	/* The supervisor alone ends the session; a dead peer is EPIPE. */
	signal(SIGPIPE, SIG_IGN);
}

int
rt_option(struct role_rt *rt, int opt, const char *arg)
{
	int	lvl;

	switch (opt) {
	case RT_OPT_LOG_LEVEL:
		if ((lvl = log_parse_level(arg)) == -1)
			fatalx("unknown log level: %s", arg);
		log_setlevel((enum log_level)lvl);
		return 1;
	case RT_OPT_SANDBOX:
		if (strcmp(arg, "strict") == 0)
			rt->permissive = 0;
		else if (strcmp(arg, "permissive") == 0)
			rt->permissive = 1;
		else
			fatalx("--sandbox: strict or permissive, not %s", arg);
		return 1;
	case RT_OPT_SELFTEST:
		rt->selftest = arg;
		return 1;
	default:
		return 0;
	}
}

static int
on_shutdown(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	log_debug("shutdown requested");
	the_rt->on_shutdown();
	fatalx("%s: on_shutdown returned", __func__);
}

/* Every role takes SHUTDOWN; its own rows (rt->sup_table) follow. */
static const struct chan_handler rt_rows[] = {
	{ IPC_SHUTDOWN,	CH_ONCE,	on_shutdown },
};
static const struct chan_table	rt_table = { CHAN_ROWS(rt_rows), NULL };
static struct chan_tables	rt_tables = { { &rt_table } };

static void
sup_closed(struct chan *c, const char *why)
{
	/* Without the supervisor nobody restarts or stops us: end cleanly. */
	log_debug("supervisor channel closed: %s", why);
	the_rt->on_shutdown();
	fatalx("%s: on_shutdown returned", __func__);
}

/*
 * A channel whose peer is slow queues 64 KB frames on the heap, up to
 * CHAN_MAX_QUEUED; glibc gave the heap's top back to the kernel whenever
 * 128 KB of it were free, and the next burst faulted every page in again
 * (in a VM that returns freed memory to its host, a host fault each:
 * thousands a second in a fast transfer).  The heap keeps what a burst
 * made it, up to RT_HEAP_KEEP, and grows a MiB at a time.
 */
void
rt_heap_keep(void)
{
	(void)mallopt(M_TRIM_THRESHOLD, RT_HEAP_KEEP);
	(void)mallopt(M_TOP_PAD, 1 << 20);
}

void
rt_lockdown(struct role_rt *rt, struct sandbox_conf *sb)
{
	static char	outbuf[BUFSIZ];

	/*
	 * glibc sizes stdout's buffer with fstat() on the first write, which
	 * is newfstatat(), a call that takes a path: give it the buffer and
	 * mode it would pick now, so no role needs that call after lockdown.
	 */
	if (setvbuf(stdout, outbuf, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF,
	    sizeof(outbuf)) != 0)
		fatalx("setvbuf stdout");
	rt_heap_keep();
	sb->role = rt->role;
	sb->permissive = rt->permissive;
	sb->selftest = rt->selftest;
	sandbox_apply(sb, &rt->report);
	loop_init();
	rt_tables.t[1] = rt->sup_table;
	chan_open(&rt->sup, FD_SUP, rt->role, ROLE_SUP, &rt_tables, sup_closed,
	    rt);
	rt->sup.name = "supervisor";
}

int
rt_open_peer(struct chan *c, int fd, enum role peer,
    const struct chan_tables *tables,
    void (*on_close)(struct chan *, const char *))
{
	if (fd < 0 || fd >= RT_MAX_FIXED_FD || !fixed_open[fd])
		return 0;		/* not in this command's topology */
	rt_reopen_peer(c, fd, peer, tables, on_close);
	return 1;
}

void
rt_reopen_peer(struct chan *c, int fd, enum role peer,
    const struct chan_tables *tables,
    void (*on_close)(struct chan *, const char *))
{
	if (c->open)
		chan_close(c, "replaced by a new channel");
	chan_open(c, fd, the_rt->role, peer, tables, on_close, NULL);
	c->name = role_name(peer);
}

void
rt_report(struct role_rt *rt)
{
	uint8_t		buf[16];
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_sandbox_report(&w, &rt->report);
	(void)chan_send_wr(&rt->sup, IPC_SANDBOX_REPORT, 0, &w);
	chan_flush(&rt->sup);
	if (rt->selftest != NULL)
		sandbox_selftest(rt->selftest);
}

void
rt_serve(struct role_rt *rt)
{
	if (rt->on_shutdown == NULL)
		fatalx("%s: no shutdown handler", __func__);
	rt_report(rt);
	loop_run();
	rt->on_shutdown();
	exit(0);
}
