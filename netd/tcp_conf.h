/*
 * netd's TCP settings, parsed from its options and only stored here for
 * the relay client and server (the glue that uses them comes later):
 * --tcp-relay HOST:PORT:KEY (repeatable), --proxy socks5://|http://HOST:PORT,
 * --tcp-port PORT (repeatable, the relay server's).  The grammar is
 * common/relay_spec.h's, the supervisor's too; netd checks again, as it
 * treats its argv like any input.  A host name relay is accepted only
 * with a proxy (netd resolves nothing).
 *
 * netd.c:	getopt loop:	if (tcp_conf_option(ch, optarg)) continue;
 *		after it:	tcp_conf_finish();	(fatal if inconsistent)
 *		the glue:	tcp_conf_get()
 */
#ifndef BULKHEAD_NETD_TCP_CONF_H
#define BULKHEAD_NETD_TCP_CONF_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include "common/relay_spec.h"
#include "sandbox/role_rt.h"

#define TCP_CONF_MAX_RELAYS	16
#define TCP_CONF_MAX_PORTS	8

struct tcp_conf {
	struct relay_spec	relays[TCP_CONF_MAX_RELAYS];
	size_t			nrelays;
	struct proxy_spec	proxy;		/* kind PROXY_NONE: direct */
	uint16_t		ports[TCP_CONF_MAX_PORTS];
	size_t			nports;
};

enum {
	TCP_CONF_OPT_RELAY = RT_OPT_FIRST_ROLE + 0x280,
	TCP_CONF_OPT_PROXY,
	TCP_CONF_OPT_PORT,
};

#define TCP_CONF_LONGOPTS \
	{ "tcp-relay", required_argument, NULL, TCP_CONF_OPT_RELAY }, \
	{ "proxy", required_argument, NULL, TCP_CONF_OPT_PROXY }, \
	{ "tcp-port", required_argument, NULL, TCP_CONF_OPT_PORT }

/*
 * Pure: adds one option to c.  1 if it was one of ours, 0 if not, -1 if
 * its argument is bad or a table is full (*why says which).
 */
int	tcp_conf_add(struct tcp_conf *c, int opt, const char *arg,
	    const char **why);
/* Pure: 0 if c is consistent (no host name relay without a proxy, no
 * port twice), else -1 with *why. */
int	tcp_conf_check(const struct tcp_conf *c, const char **why);

/* netd's own copy: tcp_conf_add on it, fatal on a bad argument. */
int	tcp_conf_option(int opt, const char *arg);
/* tcp_conf_check on netd's copy, fatal if inconsistent. */
void	tcp_conf_finish(void);
/* The settings, for the glue. */
const struct tcp_conf *tcp_conf_get(void);

#endif
