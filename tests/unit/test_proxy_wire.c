/*
 * The proxy handshakes (netd/proxy_wire.c): SOCKS5 greeting, method
 * choice, CONNECT by IPv4, IPv6 and name, replies of every ATYP, read as
 * they arrive byte by byte; HTTP CONNECT and its answer's head, bounded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "netd/proxy_wire.h"

static void
socks5_greeting_and_method(void **state)
{
	uint8_t		buf[8];
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	socks5_greeting(&w);
	assert_true(wr_ok(&w));
	assert_int_equal(w.len, SOCKS5_GREETING_LEN);
	assert_memory_equal(buf, "\x05\x01\x00", 3);

	assert_int_equal(socks5_method_read((const uint8_t *)"", 0), 0);
	assert_int_equal(socks5_method_read((const uint8_t *)"\x05", 1), 0);
	assert_int_equal(socks5_method_read((const uint8_t *)"\x04", 1), -1);
	assert_int_equal(socks5_method_read((const uint8_t *)"\x05\x00", 2),
	    2);
	/* what follows is not the method's */
	assert_int_equal(socks5_method_read((const uint8_t *)"\x05\x00\x05",
	    3), 2);
	assert_int_equal(socks5_method_read((const uint8_t *)"\x05\xff", 2),
	    -1);
	assert_int_equal(socks5_method_read((const uint8_t *)"\x05\x02", 2),
	    -1);
}

static void
socks5_connect_every_atyp(void **state)
{
	struct proxy_target	t;
	uint8_t			buf[SOCKS5_MSG_MAX + 8];
	struct wr		w;

	memset(&t, 0, sizeof(t));
	t.family = 4;
	memcpy(t.ip, "\x01\x02\x03\x04", 4);
	t.port = 33445;
	wr_init(&w, buf, sizeof(buf));
	socks5_connect(&w, &t);
	assert_true(wr_ok(&w));
	assert_int_equal(w.len, 10);
	assert_memory_equal(buf, "\x05\x01\x00\x01\x01\x02\x03\x04\x82\xa5",
	    10);

	t.family = 6;
	memset(t.ip, 0, 16);
	t.ip[0] = 0x20;
	t.ip[15] = 0x01;
	t.port = 443;
	wr_init(&w, buf, sizeof(buf));
	socks5_connect(&w, &t);
	assert_true(wr_ok(&w));
	assert_int_equal(w.len, 22);
	assert_memory_equal(buf, "\x05\x01\x00\x04\x20", 5);
	assert_int_equal(buf[19], 0x01);
	assert_memory_equal(buf + 20, "\x01\xbb", 2);

	/* a name goes as a name: nothing resolved here */
	t.family = 0;
	strcpy(t.name, "abcdefghijklmnop.onion");
	wr_init(&w, buf, sizeof(buf));
	socks5_connect(&w, &t);
	assert_true(wr_ok(&w));
	assert_int_equal(w.len, 4 + 1 + 22 + 2);
	assert_memory_equal(buf, "\x05\x01\x00\x03\x16", 5);
	assert_memory_equal(buf + 5, "abcdefghijklmnop.onion", 22);

	/* empty, or a family we do not know */
	t.name[0] = '\0';
	wr_init(&w, buf, sizeof(buf));
	socks5_connect(&w, &t);
	assert_false(wr_ok(&w));
	t.family = 5;
	wr_init(&w, buf, sizeof(buf));
	socks5_connect(&w, &t);
	assert_false(wr_ok(&w));
	/* the longest name fits exactly */
	t.family = 0;
	memset(t.name, 'a', PROXY_NAME_MAX);
	t.name[PROXY_NAME_MAX] = '\0';
	wr_init(&w, buf, SOCKS5_MSG_MAX);
	socks5_connect(&w, &t);
	assert_true(wr_ok(&w));
	assert_int_equal(w.len, SOCKS5_MSG_MAX);
}

/* Every prefix of a complete reply asks for more; the whole parses. */
static void
reply_by_bytes(const uint8_t *msg, size_t len, struct socks5_reply *out)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (socks5_reply_read(msg, i, out) != 0)
			fail_msg("prefix of %zu bytes: not 0", i);
	assert_int_equal(socks5_reply_read(msg, len, out), (long)len);
}

static void
socks5_replies_every_atyp(void **state)
{
	static const uint8_t v4[] = { 5, 0, 0, 1, 127, 0, 0, 1, 0x1f, 0x90,
	    'x' };
	static const uint8_t v6[] = { 5, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 1, 0, 80 };
	static const uint8_t name[] = { 5, 4, 0, 3, 5, 'a', '.', 'o', 'r',
	    'g', 1, 0 };
	struct socks5_reply	r;

	reply_by_bytes(v4, sizeof(v4) - 1, &r);
	assert_int_equal(socks5_reply_read(v4, sizeof(v4), &r), 10);
	assert_int_equal(r.rep, SOCKS5_REP_OK);
	assert_int_equal(r.atyp, SOCKS5_ATYP_IPV4);
	assert_int_equal(r.addrlen, 4);
	assert_int_equal(r.port, 8080);

	reply_by_bytes(v6, sizeof(v6), &r);
	assert_int_equal(r.atyp, SOCKS5_ATYP_IPV6);
	assert_int_equal(r.addrlen, 16);
	assert_int_equal(r.addr[15], 1);
	assert_int_equal(r.port, 80);

	/* a refusal parses, and says why */
	reply_by_bytes(name, sizeof(name), &r);
	assert_int_equal(r.rep, 4);
	assert_string_equal(socks5_rep_str(r.rep), "host unreachable");
	assert_int_equal(r.addrlen, 5);
	assert_memory_equal(r.addr, "a.org", 5);
	assert_int_equal(r.port, 256);
	assert_string_equal(socks5_rep_str(200), "unknown reply");
}

static void
socks5_bad_replies(void **state)
{
	static const uint8_t badver[] = { 4, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
	static const uint8_t badatyp[] = { 5, 0, 0, 2, 0, 0, 0, 0, 0, 0 };
	static const uint8_t badrsv[] = { 5, 0, 1, 1, 0, 0, 0, 0, 0, 0 };
	struct socks5_reply	r;

	assert_int_equal(socks5_reply_read(badver, 1, &r), -1);
	assert_int_equal(socks5_reply_read(badver, sizeof(badver), &r), -1);
	assert_int_equal(socks5_reply_read(badatyp, sizeof(badatyp), &r), -1);
	assert_int_equal(socks5_reply_read(badrsv, sizeof(badrsv), &r), -1);
}

static void
http_connect_request(void **state)
{
	struct proxy_target	t;
	uint8_t			buf[700];
	struct wr		w;

	memset(&t, 0, sizeof(t));
	t.family = 4;
	memcpy(t.ip, "\x0a\x00\x00\x01", 4);
	t.port = 443;
	wr_init(&w, buf, sizeof(buf));
	http_connect(&w, &t);
	assert_true(wr_ok(&w));
	buf[w.len] = '\0';
	assert_string_equal((char *)buf, "CONNECT 10.0.0.1:443 HTTP/1.1\r\n"
	    "Host: 10.0.0.1:443\r\n\r\n");
	t.family = 6;
	memset(t.ip, 0, 16);
	t.ip[15] = 1;
	wr_init(&w, buf, sizeof(buf));
	http_connect(&w, &t);
	buf[w.len] = '\0';
	assert_string_equal((char *)buf, "CONNECT [::1]:443 HTTP/1.1\r\n"
	    "Host: [::1]:443\r\n\r\n");
	t.family = 0;
	strcpy(t.name, "relay.example");
	wr_init(&w, buf, sizeof(buf));
	http_connect(&w, &t);
	buf[w.len] = '\0';
	assert_string_equal((char *)buf, "CONNECT relay.example:443 "
	    "HTTP/1.1\r\nHost: relay.example:443\r\n\r\n");
	/* no header injection through a name */
	strcpy(t.name, "a\r\nX-Evil: 1");
	wr_init(&w, buf, sizeof(buf));
	http_connect(&w, &t);
	assert_false(wr_ok(&w));
}

static long
http(const char *s, int *status)
{
	return http_reply_read((const uint8_t *)s, strlen(s), status);
}

static void
http_replies(void **state)
{
	static uint8_t	big[PROXY_HTTP_MAX + 10];
	int		st;
	const char	*ok = "HTTP/1.1 200 Connection established\r\n"
			    "Proxy-agent: x\r\n\r\nTUNNEL";
	size_t		i;

	assert_int_equal(http(ok, &st), (long)strlen(ok) - 6);
	assert_int_equal(st, 200);
	for (i = 0; i < strlen(ok) - 6; i++)
		assert_int_equal(http_reply_read((const uint8_t *)ok, i, &st),
		    0);
	assert_int_equal(http("HTTP/1.0 200\r\n\r\n", &st), 16);
	assert_int_equal(st, 200);
	assert_int_equal(http("HTTP/1.0 200 OK\n\n", &st), 17);
	assert_int_equal(http("HTTP/1.1 403 Forbidden\r\n\r\n", &st), 26);
	assert_int_equal(st, 403);
	/* malformed */
	assert_int_equal(http("HTTP/2.0 200 OK\r\n\r\n", &st), -1);
	assert_int_equal(http("HTTP/1.1 20 OK\r\n\r\n", &st), -1);
	assert_int_equal(http("HTTP/1.1 099 x\r\n\r\n", &st), -1);
	assert_int_equal(http("HTTP/1.1 2000 x\r\n\r\n", &st), -1);
	assert_int_equal(http("SSH-2.0-x\r\n\r\n", &st), -1);
	assert_int_equal(http("HTTP/1.1 200 \x01\r\n\r\n", &st), -1);
	assert_int_equal(http_reply_read((const uint8_t *)"HTTP/1.1 200\0"
	    "\r\n\r\n", 17, &st), -1);
	/* bounded: no end in PROXY_HTTP_MAX bytes */
	memcpy(big, "HTTP/1.1 200 OK\r\n", 17);
	memset(big + 17, 'a', sizeof(big) - 17);
	assert_int_equal(http_reply_read(big, PROXY_HTTP_MAX - 1, &st), 0);
	assert_int_equal(http_reply_read(big, PROXY_HTTP_MAX, &st), -1);
	assert_int_equal(http_reply_read(big, sizeof(big), &st), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(socks5_greeting_and_method),
		cmocka_unit_test(socks5_connect_every_atyp),
		cmocka_unit_test(socks5_replies_every_atyp),
		cmocka_unit_test(socks5_bad_replies),
		cmocka_unit_test(http_connect_request),
		cmocka_unit_test(http_replies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
