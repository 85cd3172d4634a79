/* netd's TCP settings: see tcp_conf.h. */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "netd/tcp_conf.h"

static struct tcp_conf	conf;

int
tcp_conf_add(struct tcp_conf *c, int opt, const char *arg, const char **why)
{
	struct proxy_spec	 p;
	unsigned long		 v;
	char			*end;

	switch (opt) {
	case TCP_CONF_OPT_RELAY:
		if (c->nrelays >= TCP_CONF_MAX_RELAYS) {
			*why = "too many --tcp-relay";
			return -1;
		}
		if (relay_spec_parse(arg, &c->relays[c->nrelays], why) == -1)
			return -1;
		c->nrelays++;
		return 1;
	case TCP_CONF_OPT_PROXY:
		if (proxy_spec_parse(arg, &p, why) == -1)
			return -1;
		c->proxy = p;
		return 1;
	case TCP_CONF_OPT_PORT:
		*why = "--tcp-port: a port, 1 to 65535";
		if (arg[0] < '0' || arg[0] > '9')
			return -1;
		v = strtoul(arg, &end, 10);
		if (*end != '\0' || v < 1 || v > 65535)
			return -1;
		if (c->nports >= TCP_CONF_MAX_PORTS) {
			*why = "too many --tcp-port";
			return -1;
		}
		c->ports[c->nports++] = (uint16_t)v;
		return 1;
	default:
		return 0;
	}
}

int
tcp_conf_check(const struct tcp_conf *c, const char **why)
{
	size_t	i, j;

	for (i = 0; i < c->nrelays; i++)
		if (c->relays[i].family == 0 && c->proxy.kind == PROXY_NONE) {
			*why = "a --tcp-relay by host name needs --proxy "
			    "(nothing here resolves names)";
			return -1;
		}
	for (i = 0; i < c->nports; i++)
		for (j = i + 1; j < c->nports; j++)
			if (c->ports[i] == c->ports[j]) {
				*why = "a --tcp-port given twice";
				return -1;
			}
	return 0;
}

int
tcp_conf_option(int opt, const char *arg)
{
	const char	*why;
	int		 rv;

	if ((rv = tcp_conf_add(&conf, opt, arg, &why)) == -1)
		fatalx("%s: %s", arg, why);
	return rv;
}

void
tcp_conf_finish(void)
{
	const char	*why;

	if (tcp_conf_check(&conf, &why) == -1)
		fatalx("%s", why);
	if (conf.proxy.kind != PROXY_NONE)
		log_info("proxy mode: %s, %zu relay%s",
		    conf.proxy.kind == PROXY_SOCKS5 ? "SOCKS5" : "HTTP",
		    conf.nrelays, conf.nrelays == 1 ? "" : "s");
}

const struct tcp_conf *
tcp_conf_get(void)
{
	return &conf;
}
