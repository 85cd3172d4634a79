/* Command-line and config-file options of the supervisor. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "common/conf.h"
#include "common/node_spec.h"
#include "common/relay_spec.h"
#include "supervisor/download_dir.h"
#include "supervisor/options.h"

enum {
	O_PROFILE = 0x100, O_CONFIG, O_JSON, O_LOG_LEVEL, O_SANDBOX,
	O_SELFTEST, O_HELP, O_VERSION, O_NODES, O_NODES_URL, O_NO_FETCH,
	O_NODES_MAX_AGE, O_PASSPHRASE_FD, O_PASSPHRASE_FILE, O_NO_PASSPHRASE, O_HISTORY,
	O_DOWNLOAD_DIR,
	O_NETD_FIRST,	/* from here on: passed through to netd */
	O_PORT = O_NETD_FIRST, O_NO_IPV6, O_NO_UDP, O_NO_LAN, O_BOOTSTRAP,
	O_TCP_RELAY, O_PROXY, O_TCP_PORT,
	O_NETD_LAST,
};

static const struct option longopts[] = {
	{ "profile", required_argument, NULL, O_PROFILE },
	{ "config", required_argument, NULL, O_CONFIG },
	{ "json", no_argument, NULL, O_JSON },
	{ "log-level", required_argument, NULL, O_LOG_LEVEL },
	{ "sandbox", required_argument, NULL, O_SANDBOX },
	{ "selftest", required_argument, NULL, O_SELFTEST },
	{ "help", no_argument, NULL, O_HELP },
	{ "version", no_argument, NULL, O_VERSION },
	{ "nodes", required_argument, NULL, O_NODES },
	{ "nodes-url", required_argument, NULL, O_NODES_URL },
	{ "no-fetch", no_argument, NULL, O_NO_FETCH },
	{ "nodes-max-age", required_argument, NULL, O_NODES_MAX_AGE },
	{ "passphrase-fd", required_argument, NULL, O_PASSPHRASE_FD },
	{ "passphrase-file", required_argument, NULL, O_PASSPHRASE_FILE },
	{ "no-passphrase", no_argument, NULL, O_NO_PASSPHRASE },
	{ "history", no_argument, NULL, O_HISTORY },
	{ "download-dir", required_argument, NULL, O_DOWNLOAD_DIR },
	{ "port", required_argument, NULL, O_PORT },
	{ "no-ipv6", no_argument, NULL, O_NO_IPV6 },
	{ "no-udp", no_argument, NULL, O_NO_UDP },
	{ "no-lan", no_argument, NULL, O_NO_LAN },
	{ "bootstrap", required_argument, NULL, O_BOOTSTRAP },
	{ "tcp-relay", required_argument, NULL, O_TCP_RELAY },
	{ "proxy", required_argument, NULL, O_PROXY },
	{ "tcp-port", required_argument, NULL, O_TCP_PORT },
	{ NULL, 0, NULL, 0 }
};

/* Options a config file may not set: they only make sense per run. */
static const char *const cli_only[] = {
	"config", "selftest", "help", "version", "passphrase-fd", NULL
};

/* Set while the config file's entries are applied: errors name the line. */
static const char	*conf_file;
static int		 conf_line;

void
usage_err(const char *fmt, ...)
{
	va_list	ap;

	fputs("bulkhead: ", stderr);
	if (conf_file != NULL)
		fprintf(stderr, "%s: line %d: ", conf_file, conf_line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(bulkhead --help lists the options and commands)\n",
	    stderr);
	exit(2);
}

void
options_usage(int code)
{
	fprintf(code == 0 ? stdout : stderr,
	    "usage: bulkhead [--json] [--profile PATH] [--config PATH]\n"
	    "                [--log-level error|warn|info|debug]\n"
	    "                [--sandbox strict|permissive]\n"
	    "                [--port N] [--no-ipv6] [--no-udp] [--no-lan]\n"
	    "                [--bootstrap HOST:PORT:KEY]... [--nodes FILE]\n"
	    "                [--tcp-relay HOST:PORT:KEY]... [--tcp-port N]...\n"
	    "                [--proxy socks5://HOST:PORT | http://HOST:PORT]\n"
	    "                [--nodes-url URL | --no-fetch]\n"
	    "                [--nodes-max-age SECONDS]\n"
	    "                [--passphrase-fd N | --passphrase-file PATH]\n"
	    "                [--no-passphrase] [--history]\n"
	    "                [--download-dir DIR] [command]\n"
	    "       bulkhead --help | --version\n"
	    "commands (without one: an interactive session):\n"
	    "  init                      create a new identity\n"
	    "  id [--qr]                 print the Tox ID (and a QR code)\n"
	    "  self                      print name, status and Tox ID\n"
	    "  import FILE [--replace]   use a Tox profile from FILE\n"
	    "  export FILE [--plain]     write the profile to a new FILE\n"
	    "  passwd                    set, change or remove the passphrase\n"
	    "  nospam [VALUE]            new Tox ID, same key (VALUE: 8 hex)\n"
	    "See bulkhead(1).\n");
	exit(code);
}

void
options_role_arg(struct options *o, enum role r, const char *name,
    const char *val)
{
	struct role_args	*ra = &o->role[r];
	char			*s;

	if (ra->argc >= OPT_MAX_ROLE_ARGS - 1)
		usage_err("too many options for %s", role_name(r));
	if (val != NULL) {
		if (asprintf(&s, "--%s=%s", name, val) == -1)
			abort();
	} else if (asprintf(&s, "--%s", name) == -1)
		abort();
	ra->argv[ra->argc++] = s;
}

static void
set_path(char *dst, const char *src, const char *what)
{
	if (strlen(src) >= OPT_MAX_PATH || src[0] == '\0')
		usage_err("%s: %s path", what, src[0] == '\0' ? "an empty" :
		    "too long a");
	strcpy(dst, src);
}

static uint16_t
parse_port(const char *arg)
{
	unsigned long	 v;
	char		*end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-' ||
	    v == 0 || v > 65535)
		usage_err("--port: a UDP port number, 1 to 65535, not '%s'",
		    arg);
	return (uint16_t)v;
}

/*
 * --bootstrap HOST:PORT:KEY, the grammar netd uses (common/node_spec.c),
 * checked here so that a typo is an error before anything starts rather
 * than a netd that dies at every restart.
 */
static int
check_node(const char *s)
{
	struct packed_node	 pn;
	const char		*why;

	return node_spec_parse(s, &pn, &why);
}

/*
 * --tcp-relay: checked here (netd parses it again), and an IP relay kept
 * for the socket broker, which lets netd reach exactly that address and
 * port even if it is private or loopback.  A host name relay is allowed
 * only with a proxy: that is checked once every option is read.
 */
static void
add_relay(struct options *o, const char *arg)
{
	struct relay_spec	 r;
	struct sock_addr	*a;
	const char		*why;

	if (relay_spec_parse(arg, &r, &why) == -1)
		usage_err("--tcp-relay '%s': %s", arg, why);
	if (r.family == 0) {
		o->relay_names++;
		return;
	}
	if (o->sock.nrelays >= SOCK_MAX_RELAYS)
		usage_err("--tcp-relay: at most %d", SOCK_MAX_RELAYS);
	a = &o->sock.relays[o->sock.nrelays++];
	memset(a, 0, sizeof(*a));
	a->family = r.family;
	memcpy(a->addr, r.ip, sizeof(a->addr));
	a->port = r.port;
}

static void
set_proxy(struct options *o, const char *arg)
{
	struct proxy_spec	 p;
	const char		*why;

	if (proxy_spec_parse(arg, &p, &why) == -1)
		usage_err("--proxy '%s': %s", arg, why);
	o->proxy = p.kind;
	o->sock.proxy = 1;
	memset(&o->sock.proxy_addr, 0, sizeof(o->sock.proxy_addr));
	o->sock.proxy_addr.family = p.family;
	memcpy(o->sock.proxy_addr.addr, p.ip, sizeof(p.ip));
	o->sock.proxy_addr.port = p.port;
}

static int
parse_tcp_port(struct options *o, const char *arg)
{
	unsigned long	 v;
	char		*end;
	int		 i;

	if (arg[0] < '0' || arg[0] > '9')
		return 0;
	v = strtoul(arg, &end, 10);
	if (*end != '\0' || v < 1 || v > 65535)
		return 0;
	for (i = 0; i < o->ntcp_ports; i++)
		if (o->tcp_ports[i] == v)
			usage_err("--tcp-port %lu: given twice", v);
	if (o->ntcp_ports == FD_NETD_TCP_MAX)
		usage_err("--tcp-port: at most %d ports", FD_NETD_TCP_MAX);
	o->tcp_ports[o->ntcp_ports++] = (uint16_t)v;
	return 1;
}

/*
 * With a proxy nothing may leave but TCP to it, decided here, before any
 * role starts: no UDP socket is bound (bulkhead.c looks at no_udp), netd
 * is told --no-udp and --no-lan, and the nodes list is fetched through
 * the proxy only (fetchd in an empty namespace with one socket to it).
 */
static void
apply_proxy_mode(struct options *o)
{
	if (o->relay_names > 0 && o->proxy == PROXY_NONE)
		usage_err("--tcp-relay by host name needs --proxy (bulkhead "
		    "resolves no names)");
	/* a server listens on this machine's addresses: not behind a proxy */
	if (o->ntcp_ports > 0 && o->proxy != PROXY_NONE)
		usage_err("--tcp-port serves a relay on this machine's "
		    "addresses; with --proxy nothing may listen");
	if (o->proxy == PROXY_NONE)
		return;
	if (!o->no_udp)
		options_role_arg(o, ROLE_NETD, "no-udp", NULL);
	o->no_udp = 1;
	options_role_arg(o, ROLE_NETD, "no-lan", NULL);
	/* the nodes list: fetched through the proxy (session.c hands
	 * fetchd a socket to it and nothing else) */
}

/*
 * --download-dir: kept absolute (the file service answers absolute
 * paths), relative to the directory bulkhead started in; made only when
 * the first incoming file needs it.
 */
static void
set_download_dir(struct options *o, const char *arg)
{
	char	cwd[OPT_MAX_PATH], buf[2 * OPT_MAX_PATH];
	size_t	n;

	if (arg[0] == '\0')
		usage_err("--download-dir: an empty path");
	if (arg[0] == '/')
		snprintf(buf, sizeof(buf), "%s", arg);
	else if (getcwd(cwd, sizeof(cwd)) == NULL)
		usage_err("--download-dir %s: the current directory: %s", arg,
		    strerror(errno));
	else
		snprintf(buf, sizeof(buf), "%s/%s", cwd, arg);
	n = strlen(buf);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	set_path(o->download_dir, buf, "--download-dir");
}

static void
apply(struct options *o, int opt, const char *arg, int from_conf)
{
	const struct option	*lo;
	int			 lvl;

	switch (opt) {
	case O_PROFILE:
		set_path(o->profile, arg, "--profile");
		return;
	case O_CONFIG:
		set_path(o->config, arg, "--config");
		o->config_given = 1;
		return;
	case O_JSON:
		o->json = 1;
		return;
	case O_LOG_LEVEL:
		if ((lvl = log_parse_level(arg)) == -1)
			usage_err("--log-level: unknown level '%s' (error, "
			    "warn, info or debug)", arg);
		o->level = (enum log_level)lvl;
		return;
	case O_SANDBOX:
		if (strcmp(arg, "strict") == 0)
			o->permissive = 0;
		else if (strcmp(arg, "permissive") == 0)
			o->permissive = 1;
		else
			usage_err("--sandbox: strict or permissive, not '%s'",
			    arg);
		return;
	case O_SELFTEST: {
		const char	*colon = strchr(arg, ':');
		char		 name[16];

		if (colon == NULL || (size_t)(colon - arg) >= sizeof(name))
			usage_err("--selftest: ROLE:WHAT, not '%s'", arg);
		memcpy(name, arg, (size_t)(colon - arg));
		name[colon - arg] = '\0';
		if ((o->selftest_role = role_from_name(name)) <= ROLE_SUP)
			usage_err("--selftest: no role '%s'", name);
		o->selftest_what = colon + 1;
		return;
	}
	case O_NODES:
		set_path(o->nodes_file, arg, "--nodes");
		return;
	case O_NODES_URL:
		if (strncmp(arg, "https://", 8) != 0 &&
		    strncmp(arg, "http://", 7) != 0)
			usage_err("--nodes-url: an http(s) URL, not '%s'", arg);
		set_path(o->nodes_url, arg, "--nodes-url");
		return;
	case O_NO_FETCH:
		o->nodes_url[0] = '\0';
		return;
	case O_NODES_MAX_AGE: {
		char		*end;
		unsigned long	 v;

		errno = 0;
		v = strtoul(arg, &end, 10);
		if (errno != 0 || *end != '\0' || end == arg || v < 60 ||
		    v > 365UL * 86400)
			usage_err("--nodes-max-age: seconds, 60 to 31536000, "
			    "not '%s'", arg);
		o->nodes_max_age = (unsigned)v;
		return;
	}
	case O_PASSPHRASE_FD: {
		char	*end;
		long	 v;

		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno != 0 || *end != '\0' || end == arg || v < 0 ||
		    v > 1 << 20 || v == STDIN_FILENO || v == STDOUT_FILENO ||
		    v == STDERR_FILENO)
			usage_err("--passphrase-fd: a descriptor number other "
			    "than 0, 1, 2, not '%s'", arg);
		o->passphrase_fd = (int)v;
		return;
	}
	case O_PASSPHRASE_FILE:
		set_path(o->passphrase_file, arg, "--passphrase-file");
		return;
	case O_NO_PASSPHRASE:
		o->no_passphrase = 1;
		return;
	case O_HISTORY:
		/* keyd decides (it alone writes files); once is enough */
		if (!o->history)
			options_role_arg(o, ROLE_KEYD, "history", NULL);
		o->history = 1;
		return;
	case O_DOWNLOAD_DIR:
		set_download_dir(o, arg);
		return;
	case O_HELP:
		options_usage(0);
	case O_VERSION:
		printf("bulkhead 0.1\n");
		exit(0);
	default:
		break;
	}
	if (opt == O_PORT)
		o->port = parse_port(arg);
	else if (opt == O_BOOTSTRAP && check_node(arg) == -1)
		usage_err("--bootstrap: IP:PORT:KEY with an IP address (no "
		    "host name), a port 1 to 65535 and a 64-hex-digit key, "
		    "not '%s'", arg);
	else if (opt == O_NO_UDP)
		o->no_udp = 1;
	else if (opt == O_TCP_RELAY)
		add_relay(o, arg);
	else if (opt == O_PROXY)
		set_proxy(o, arg);
	else if (opt == O_TCP_PORT && parse_tcp_port(o, arg) == 0)
		usage_err("--tcp-port: a TCP port number, 1 to 65535, not "
		    "'%s'", arg);
	else if (opt == O_NO_IPV6)
		o->no_ipv6 = 1;
	if (opt >= O_NETD_FIRST && opt < O_NETD_LAST) {
		for (lo = longopts; lo->name != NULL; lo++)
			if (lo->val == opt)
				break;
		options_role_arg(o, ROLE_NETD, lo->name, arg);
		return;
	}
	if (!from_conf)
		options_usage(2);
}

static void
default_paths(struct options *o)
{
	const char	*xdg, *home = getenv("HOME");
	char		 buf[OPT_MAX_PATH + 64];

	if ((xdg = getenv("XDG_DATA_HOME")) != NULL && xdg[0] == '/')
		snprintf(buf, sizeof(buf), "%s/bulkhead/profile.tox", xdg);
	else if (home != NULL && home[0] == '/')
		snprintf(buf, sizeof(buf),
		    "%s/.local/share/bulkhead/profile.tox", home);
	else
		usage_err("no HOME or XDG_DATA_HOME: give --profile");
	set_path(o->profile, buf, "profile");
	if ((xdg = getenv("XDG_CONFIG_HOME")) != NULL && xdg[0] == '/')
		snprintf(buf, sizeof(buf), "%s/bulkhead/bulkhead.conf", xdg);
	else if (home != NULL && home[0] == '/')
		snprintf(buf, sizeof(buf), "%s/.config/bulkhead/bulkhead.conf",
		    home);
	else
		buf[0] = '\0';
	if (buf[0] != '\0')
		set_path(o->config, buf, "config");
}

static void
read_config(struct options *o)
{
	static struct conf_entry entries[CONF_MAX_ENTRIES];
	static uint8_t		 buf[CONF_MAX_FILE + 1];
	const struct option	*lo;
	const char *const	*c;
	char			 err[128];
	ssize_t			 n;
	int			 fd, i, ne;

	if (o->config[0] == '\0')
		return;
	if ((fd = open(o->config, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT && !o->config_given)
			return;		/* no config file is fine */
		usage_err("%s: %s", o->config, strerror(errno));
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0 || (size_t)n > CONF_MAX_FILE)
		usage_err("%s: %s", o->config, n < 0 ? strerror(errno) :
		    "file too large");
	if ((ne = conf_parse(buf, (size_t)n, entries, CONF_MAX_ENTRIES, err,
	    sizeof(err))) == -1)
		usage_err("%s: %s", o->config, err);
	conf_file = o->config;
	for (i = 0; i < ne; i++) {
		conf_line = entries[i].line;
		for (c = cli_only; *c != NULL; c++)
			if (strcmp(*c, entries[i].key) == 0)
				break;
		for (lo = longopts; lo->name != NULL; lo++)
			if (strcmp(lo->name, entries[i].key) == 0)
				break;
		if (*c != NULL || lo->name == NULL ||
		    (lo->has_arg == required_argument) !=
		    entries[i].has_value)
			usage_err("%s '%s'", lo->name == NULL || *c != NULL ?
			    "unknown option" : "wrong use of option",
			    entries[i].key);
		/* values are copied where they are kept (paths, role args) */
		apply(o, lo->val, entries[i].has_value ? entries[i].value :
		    NULL, 1);
	}
	conf_file = NULL;
}

void
options_parse(struct options *o, int argc, char *argv[])
{
	int	ch, pass;

	memset(o, 0, sizeof(*o));
	o->level = LOG_LVL_WARN;
	o->selftest_role = -1;
	o->passphrase_fd = -1;
	strcpy(o->nodes_url, OPT_NODES_URL);
	o->nodes_max_age = OPT_NODES_MAX_AGE;
	default_paths(o);
	/* Pass 1 finds --config; pass 2, after the file, lets argv win. */
	for (pass = 0; pass < 2; pass++) {
		optind = 1;
		opterr = pass == 1;
		while ((ch = getopt_long(argc, argv, "+h", longopts,
		    NULL)) != -1) {
			if (pass == 0) {
				/* help even when the config file is wrong */
				if (ch == O_HELP || ch == 'h')
					options_usage(0);
				if (ch == O_CONFIG)
					apply(o, ch, optarg, 0);
				continue;
			}
			if (ch == '?')
				options_usage(2);
			apply(o, ch == 'h' ? O_HELP : ch, optarg, 0);
		}
		if (pass == 0)
			read_config(o);
	}
	apply_proxy_mode(o);
	/* none: friends' files are refused until one is given */
	if (o->download_dir[0] == '\0' &&
	    download_dir_default(o->download_dir, sizeof(o->download_dir),
	    getenv("XDG_DOWNLOAD_DIR"), getenv("XDG_CONFIG_HOME"),
	    getenv("HOME")) == -1)
		o->download_dir[0] = '\0';
	if (optind < argc) {
		o->command = argv[optind];
		o->command_argv = argv + optind + 1;
		o->command_argc = argc - optind - 1;
	}
}

void
options_free(struct options *o)
{
	int	r, i;

	for (r = 0; r < ROLE_MAX; r++)
		for (i = 0; i < o->role[r].argc; i++)
			free(o->role[r].argv[i]);
	memset(o->role, 0, sizeof(o->role));
}
