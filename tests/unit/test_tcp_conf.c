/*
 * netd's TCP settings (netd/tcp_conf.c) and the grammar they share with
 * the supervisor (common/relay_spec.c): relays by IP or, with a proxy, by
 * name; proxies by literal or localhost only; ports; the checks between
 * them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "netd/tcp_conf.h"

#define KEY	"0123456789ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef"

static int
add(struct tcp_conf *c, int opt, const char *arg)
{
	const char	*why = NULL;
	int		 rv;

	rv = tcp_conf_add(c, opt, arg, &why);
	if (rv == -1)
		assert_non_null(why);
	return rv;
}

static void
relays_by_ip_and_by_name(void **state)
{
	struct tcp_conf	 c;
	const char	*why;

	memset(&c, 0, sizeof(c));
	assert_int_equal(add(&c, TCP_CONF_OPT_RELAY, "1.2.3.4:443:" KEY), 1);
	assert_int_equal(add(&c, TCP_CONF_OPT_RELAY, "[2001:db8::1]:33445:"
	    KEY), 1);
	assert_int_equal(add(&c, TCP_CONF_OPT_RELAY, "2001:db8::2:3389:" KEY),
	    1);
	assert_int_equal(c.nrelays, 3);
	assert_int_equal(c.relays[0].family, 4);
	assert_int_equal(c.relays[0].port, 443);
	assert_memory_equal(c.relays[0].ip, "\x01\x02\x03\x04", 4);
	assert_int_equal(c.relays[0].pk[0], 0x01);
	assert_int_equal(c.relays[0].pk[31], 0xef);
	assert_int_equal(c.relays[1].family, 6);
	assert_int_equal(c.relays[1].ip[15], 1);
	assert_int_equal(c.relays[2].port, 3389);
	assert_int_equal(tcp_conf_check(&c, &why), 0);

	/* a name: kept as written, but only with a proxy */
	assert_int_equal(add(&c, TCP_CONF_OPT_RELAY, "abcdefghijklmnop.onion:"
	    "443:" KEY), 1);
	assert_int_equal(c.relays[3].family, 0);
	assert_string_equal(c.relays[3].host, "abcdefghijklmnop.onion");
	assert_int_equal(tcp_conf_check(&c, &why), -1);
	assert_int_equal(add(&c, TCP_CONF_OPT_PROXY, "socks5://127.0.0.1:9050"),
	    1);
	assert_int_equal(tcp_conf_check(&c, &why), 0);
}

static void
bad_relays_are_refused(void **state)
{
	static const char *const bad[] = {
		"", "1.2.3.4", "1.2.3.4:443", "1.2.3.4:0:" KEY,
		"1.2.3.4:65536:" KEY, "1.2.3.4:-1:" KEY, "1.2.3.4:44x:" KEY,
		"1.2.3.4:443:" KEY "00", "1.2.3.4:443:0123",
		"1.2.3.4:443:" "zz23456789ABCDEF0123456789abcdef0123456789ABCD"
		    "EF0123456789abcdef",
		"bad_name:443:" KEY, "-lead.onion:443:" KEY,
		"sp ace:443:" KEY, "a/b:443:" KEY, ":443:" KEY,
		"[1.2.3.4:443:" KEY,
	};
	struct tcp_conf	c;
	size_t		i;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (add(&c, TCP_CONF_OPT_RELAY, bad[i]) != -1)
			fail_msg("accepted relay '%s'", bad[i]);
	assert_int_equal(c.nrelays, 0);
	for (i = 0; i < TCP_CONF_MAX_RELAYS; i++)
		assert_int_equal(add(&c, TCP_CONF_OPT_RELAY, "1.2.3.4:443:"
		    KEY), 1);
	assert_int_equal(add(&c, TCP_CONF_OPT_RELAY, "1.2.3.4:443:" KEY), -1);
}

static void
proxies_are_literals_or_localhost(void **state)
{
	static const char *const bad[] = {
		"", "socks5://", "socks5://127.0.0.1", "socks5://127.0.0.1:",
		"socks5://127.0.0.1:0", "socks5://127.0.0.1:70000",
		"socks4://127.0.0.1:1080", "https://127.0.0.1:8080",
		"socks5://proxy.example:1080", "http://localhost.:3128",
		"socks5h://127.0.0.1:9050", "socks5://:9050",
	};
	struct tcp_conf	c;
	size_t		i;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (add(&c, TCP_CONF_OPT_PROXY, bad[i]) != -1)
			fail_msg("accepted proxy '%s'", bad[i]);
	assert_int_equal(c.proxy.kind, PROXY_NONE);
	assert_int_equal(add(&c, TCP_CONF_OPT_PROXY, "socks5://localhost:9050"),
	    1);
	assert_int_equal(c.proxy.kind, PROXY_SOCKS5);
	assert_int_equal(c.proxy.family, 4);
	assert_memory_equal(c.proxy.ip, "\x7f\x00\x00\x01", 4);
	assert_int_equal(c.proxy.port, 9050);
	assert_int_equal(add(&c, TCP_CONF_OPT_PROXY, "http://[::1]:3128"), 1);
	assert_int_equal(c.proxy.kind, PROXY_HTTP);
	assert_int_equal(c.proxy.family, 6);
	assert_int_equal(c.proxy.ip[15], 1);
	assert_int_equal(c.proxy.port, 3128);
}

static void
tcp_ports(void **state)
{
	struct tcp_conf	 c;
	const char	*why;
	size_t		 i;

	memset(&c, 0, sizeof(c));
	assert_int_equal(add(&c, TCP_CONF_OPT_PORT, "0"), -1);
	assert_int_equal(add(&c, TCP_CONF_OPT_PORT, "65536"), -1);
	assert_int_equal(add(&c, TCP_CONF_OPT_PORT, " 443"), -1);
	assert_int_equal(add(&c, TCP_CONF_OPT_PORT, "443"), 1);
	assert_int_equal(add(&c, TCP_CONF_OPT_PORT, "33445"), 1);
	assert_int_equal(c.nports, 2);
	assert_int_equal(c.ports[1], 33445);
	assert_int_equal(tcp_conf_check(&c, &why), 0);
	assert_int_equal(add(&c, TCP_CONF_OPT_PORT, "443"), 1);
	assert_int_equal(tcp_conf_check(&c, &why), -1);
	for (i = c.nports; i < TCP_CONF_MAX_PORTS; i++)
		assert_int_equal(add(&c, TCP_CONF_OPT_PORT, "1000"), 1);
	assert_int_equal(add(&c, TCP_CONF_OPT_PORT, "1001"), -1);
	/* not ours */
	assert_int_equal(add(&c, TCP_CONF_OPT_PORT + 1, "x"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(relays_by_ip_and_by_name),
		cmocka_unit_test(bad_relays_are_refused),
		cmocka_unit_test(proxies_are_literals_or_localhost),
		cmocka_unit_test(tcp_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
