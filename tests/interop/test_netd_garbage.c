/*
 * The real netd under a flood of hostile datagrams on loopback: random
 * bytes, truncated and oversized packets of every DHT kind.  It must not
 * die (no restart, same pid), must stay on the DHT, and must still answer
 * a bootstrap request afterwards.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/lib/bh.h"
#include "tests/lib/bootstrapd.h"

#define FLOOD	30000

static void
flood_leaves_netd_working(void **state)
{
	static const uint8_t	kinds[] = { 0x00, 0x01, 0x02, 0x04, 0x18,
	    0x19, 0x1a, 0x1b, 0x20, 0x21, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85,
	    0x86, 0x8c, 0x8d, 0x8e, 0xf0, 0xff };
	struct bootstrapd	 d;
	struct sockaddr_in	 to;
	struct bh		 b;
	char			 bs[160], cmd[256];
	const char		*args[] = { bs, NULL };
	uint8_t			 pkt[2048];
	json_t			*st, *ev, *dht, *r;
	pid_t			 netd;
	size_t			 len;
	int			 base = 47000 + (int)(getpid() % 400) * 4;
	int			 s, i, port;

	assert_int_equal(sodium_init() >= 0, 1);
	assert_int_equal(bootstrapd_start(&d, base), 0);
	snprintf(bs, sizeof(bs), "--bootstrap=127.0.0.1:%d:%s", base, d.key);
	assert_int_equal(bh_start(&b, args), 0);
	while ((ev = bh_event(&b, "dht", 60000)) != NULL &&
	    strcmp(json_string_value(json_object_get(ev, "state")), "udp"))
		json_decref(ev);
	assert_non_null(ev);
	port = (int)json_integer_value(json_object_get(ev, "udp_port"));
	json_decref(ev);
	st = bh_cmd(&b, "{\"cmd\":\"status\"}", 15000);
	netd = bh_role_pid(st, "netd");
	json_decref(st);

	s = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons((uint16_t)port);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < FLOOD; i++) {
		len = randombytes_uniform(3) == 0 ?
		    randombytes_uniform(sizeof(pkt)) :	/* any size */
		    randombytes_uniform(400);		/* DHT sizes */
		randombytes_buf(pkt, len);
		if (len > 0)
			pkt[0] = kinds[randombytes_uniform(sizeof(kinds))];
		(void)sendto(s, pkt, len, 0, (struct sockaddr *)&to,
		    sizeof(to));
		if (i % 1000 == 999)
			usleep(1000);	/* let it breathe, not drop all */
	}
	close(s);

	/* same netd, still on the DHT, still answering */
	st = bh_cmd(&b, "{\"cmd\":\"status\"}", 15000);
	assert_non_null(st);
	assert_int_equal(bh_role_pid(st, "netd"), netd);
	dht = json_object_get(st, "dht");
	assert_string_equal(json_string_value(json_object_get(dht, "state")),
	    "udp");
	json_decref(st);
	snprintf(cmd, sizeof(cmd), "{\"cmd\":\"bootstrap\",\"host\":"
	    "\"127.0.0.1\",\"port\":%d,\"key\":\"%s\"}", base, d.key);
	r = bh_cmd(&b, cmd, 15000);
	assert_non_null(r);
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	assert_null(bh_event(&b, "role_died", 100));
	bh_stop(&b);
	bootstrapd_stop(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(flood_leaves_netd_working),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
