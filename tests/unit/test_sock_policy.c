/*
 * The socket broker's policy (supervisor/sock_policy.c): which addresses
 * direct mode refuses, the exception for configured relays, proxy mode's
 * rewrite, and the counts of opens and held sockets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "supervisor/sock_policy.h"

static struct sock_addr
addr(const char *ip, uint16_t port)
{
	struct sock_addr	a;

	memset(&a, 0, sizeof(a));
	a.port = port;
	if (inet_pton(AF_INET, ip, a.addr) == 1)
		a.family = 4;
	else if (inet_pton(AF_INET6, ip, a.addr) == 1)
		a.family = 6;
	else
		fail_msg("bad test address %s", ip);
	return a;
}

static void
special_addresses_are_refused(void **state)
{
	static const char *const refused[] = {
		"0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255",
		"100.64.0.1", "100.127.255.254", "127.0.0.1", "127.8.9.10",
		"169.254.1.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
		"192.0.2.1", "198.18.0.1", "198.51.100.7", "203.0.113.9",
		"224.0.0.1", "239.255.255.250", "240.0.0.1",
		"255.255.255.255",
		"::", "::1", "::ffff:8.8.8.8", "::ffff:127.0.0.1",
		"64:ff9b::10.0.0.1", "2001:db8::1", "2002:a00:1::1",
		"fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1",
		"ff02::1", "ff05::2",
	};
	struct sock_policy	p;
	struct sock_addr	a, to;
	size_t			i;

	memset(&p, 0, sizeof(p));
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		a = addr(refused[i], 33445);
		if (sock_addr_public(&a))
			fail_msg("%s counted as public", refused[i]);
		if (sock_policy_decide(&p, &a, &to) != SOCK_NOT_PUBLIC)
			fail_msg("%s allowed in direct mode", refused[i]);
	}
}

static void
public_addresses_are_allowed(void **state)
{
	static const char *const allowed[] = {
		"1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.1",
		"100.63.255.255", "100.128.0.1", "126.255.255.255",
		"128.0.0.1", "169.253.1.1", "172.15.255.255", "172.32.0.1",
		"192.167.1.1", "192.169.1.1", "198.20.0.1", "223.255.255.254",
		"2a01:4f8::1", "2001:470::1", "2600::1", "fbff::1", "fe00::1",
	};
	struct sock_policy	p;
	struct sock_addr	a, to;
	size_t			i;

	memset(&p, 0, sizeof(p));
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		a = addr(allowed[i], 443);
		if (sock_policy_decide(&p, &a, &to) != SOCK_OK)
			fail_msg("%s refused in direct mode", allowed[i]);
		assert_memory_equal(&to, &a, sizeof(a));
	}
	a = addr("8.8.8.8", 0);		/* no port 0, even in public */
	assert_int_equal(sock_policy_decide(&p, &a, &to), SOCK_NOT_PUBLIC);
	a.family = 5;
	assert_int_equal(sock_policy_decide(&p, &a, &to), SOCK_BAD_FAMILY);
}

static void
a_configured_relay_may_be_private(void **state)
{
	struct sock_policy	p;
	struct sock_addr	a, to;

	memset(&p, 0, sizeof(p));
	p.relays[0] = addr("192.168.1.5", 33445);
	p.relays[1] = addr("fd00::5", 443);
	p.nrelays = 2;
	a = addr("192.168.1.5", 33445);
	assert_int_equal(sock_policy_decide(&p, &a, &to), SOCK_OK);
	assert_memory_equal(&to, &a, sizeof(a));
	a = addr("fd00::5", 443);
	assert_int_equal(sock_policy_decide(&p, &a, &to), SOCK_OK);
	/* exactly: another port or a neighbour is still refused */
	a = addr("192.168.1.5", 33446);
	assert_int_equal(sock_policy_decide(&p, &a, &to), SOCK_NOT_PUBLIC);
	a = addr("192.168.1.6", 33445);
	assert_int_equal(sock_policy_decide(&p, &a, &to), SOCK_NOT_PUBLIC);
	a = addr("fd00::5", 444);
	assert_int_equal(sock_policy_decide(&p, &a, &to), SOCK_NOT_PUBLIC);
}

static void
proxy_mode_always_gives_the_proxy(void **state)
{
	struct sock_policy	p;
	struct sock_addr	a, to;

	memset(&p, 0, sizeof(p));
	p.proxy = 1;
	p.proxy_addr = addr("127.0.0.1", 9050);
	a = addr("8.8.8.8", 443);
	assert_int_equal(sock_policy_decide(&p, &a, &to), SOCK_OK);
	assert_memory_equal(&to, &p.proxy_addr, sizeof(to));
	a = addr("10.1.1.1", 22);	/* ignored, not refused: the proxy */
	assert_int_equal(sock_policy_decide(&p, &a, &to), SOCK_OK);
	assert_memory_equal(&to, &p.proxy_addr, sizeof(to));
}

static int
keep_odd(uint64_t ino, void *arg)
{
	(*(int *)arg)++;
	return (ino & 1) != 0;
}

static void
opens_are_counted(void **state)
{
	struct sock_limit	l;
	uint64_t		now = 1000;
	int			i, asked = 0;

	sock_limit_reset(&l);
	for (i = 0; i < SOCK_OPENS_PER_MIN; i++)
		assert_int_equal(sock_limit_take(&l, now + (uint64_t)i),
		    SOCK_OK);
	assert_int_equal(sock_limit_take(&l, now + 100), SOCK_RATE);
	assert_int_equal(sock_limit_take(&l, now + SOCK_WINDOW_MS - 1),
	    SOCK_RATE);
	/* a new minute */
	assert_int_equal(sock_limit_take(&l, now + SOCK_WINDOW_MS), SOCK_OK);

	/* held sockets: full at SOCK_MAX_OPEN, pruned by what is gone */
	sock_limit_reset(&l);
	for (i = 0; i < SOCK_MAX_OPEN; i++) {
		if (i % SOCK_OPENS_PER_MIN == 0)
			now += SOCK_WINDOW_MS;
		assert_int_equal(sock_limit_take(&l, now), SOCK_OK);
		sock_limit_hand(&l, (uint64_t)i + 100);
	}
	now += SOCK_WINDOW_MS;
	assert_int_equal(sock_limit_take(&l, now), SOCK_TOO_MANY);
	sock_limit_prune(&l, keep_odd, &asked);
	assert_int_equal(asked, SOCK_MAX_OPEN);
	assert_int_equal(l.nheld, SOCK_MAX_OPEN / 2);
	assert_int_equal(sock_limit_take(&l, now), SOCK_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(special_addresses_are_refused),
		cmocka_unit_test(public_addresses_are_allowed),
		cmocka_unit_test(a_configured_relay_may_be_private),
		cmocka_unit_test(proxy_mode_always_gives_the_proxy),
		cmocka_unit_test(opens_are_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
