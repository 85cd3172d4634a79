/* The nodes.tox.chat JSON list: what is taken, what is skipped, what fails. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netd/nodes_json.h"

#define PK	"\"8E7D0B859922EF569298B4D261A8CCB5FEA14FB91ED412A7603A585A25698832\""

static struct nodes_list	*list;
static char			 err[256];

static int
parse(const char *s)
{
	return nodes_json_parse(s, strlen(s), list, err, sizeof(err));
}

static void
nodes_json_takes_good_nodes(void **state)
{
	assert_int_equal(parse("{\"last_scan\": 1, \"nodes\": ["
	    "{\"ipv4\": \"85.143.221.42\", \"ipv6\": \"-\", \"port\": 33445,"
	    " \"tcp_ports\": [443, 3389], \"public_key\": " PK ","
	    " \"status_udp\": true, \"motd\": \"x\"},"
	    "{\"ipv4\": \"-\", \"ipv6\": \"2a04:ac00:4::1\", \"port\": 1,"
	    " \"public_key\": " PK ", \"status_udp\": false}]}"), 0);
	assert_int_equal(list->n, 2);
	assert_int_equal(list->skipped, 0);
	assert_true(list->nodes[0].has_v4);
	assert_false(list->nodes[0].has_v6);
	assert_memory_equal(list->nodes[0].v4, "\x55\x8f\xdd\x2a", 4);
	assert_int_equal(list->nodes[0].port, 33445);
	assert_int_equal(list->nodes[0].ntcp, 2);
	assert_int_equal(list->nodes[0].tcp_ports[1], 3389);
	assert_int_equal(list->nodes[0].pk[0], 0x8e);
	assert_true(list->nodes[0].udp_up);
	assert_true(list->nodes[1].has_v6);
	assert_int_equal(list->nodes[1].v6[0], 0x2a);
	assert_false(list->nodes[1].udp_up);
}

static void
nodes_json_skips_bad_nodes(void **state)
{
	assert_int_equal(parse("{\"nodes\": ["
	    "{\"ipv4\": \"tox.example.org\", \"port\": 33445, \"public_key\": " PK "},"
	    "{\"ipv4\": \"1.2.3.4\", \"port\": 0, \"public_key\": " PK "},"
	    "{\"ipv4\": \"1.2.3.4\", \"port\": 65536, \"public_key\": " PK "},"
	    "{\"ipv4\": \"1.2.3.4\", \"port\": 33445, \"public_key\": \"ABCD\"},"
	    "{\"ipv4\": \"-\", \"ipv6\": \"\", \"port\": 33445, \"public_key\": " PK "},"
	    "{\"ipv4\": 5, \"port\": 33445, \"public_key\": " PK "},"
	    "[1, 2],"
	    "{\"ipv4\": \"1.2.3.4\", \"port\": 7, \"public_key\": " PK "}]}"), 0);
	assert_int_equal(list->n, 1);
	assert_int_equal(list->skipped, 7);
	assert_int_equal(list->nodes[0].port, 7);
}

static void
nodes_json_rejects_non_lists(void **state)
{
	assert_int_equal(parse("[]"), -1);
	assert_int_equal(parse("{\"nodes\": {}}"), -1);
	assert_int_equal(parse("{\"nodes\": [], \"nodes\": []}"), -1);
	assert_int_equal(parse("<html>502</html>"), -1);
	assert_non_null(strstr(err, "invalid JSON"));
	/* a NUL inside any string voids the whole document */
	assert_int_equal(parse("{\"nodes\": [{\"ipv4\": \"1.2.3.4\\u0000\"}]}"),
	    -1);
	assert_int_equal(parse("{\"nodes\": []}"), 0);
	assert_int_equal(list->n, 0);
}

static void
nodes_json_caps_count_and_size(void **state)
{
	size_t	 cap = 600 * 200 + 64, i;
	char	*buf = malloc(cap), *p = buf;

	p += sprintf(p, "{\"nodes\": [");
	for (i = 0; i < 600; i++)
		p += sprintf(p, "%s{\"ipv4\": \"10.0.0.1\", \"port\": 1, "
		    "\"public_key\": " PK "}", i ? "," : "");
	sprintf(p, "]}");
	assert_int_equal(parse(buf), 0);
	assert_int_equal(list->n, NODES_JSON_MAX_NODES);
	assert_int_equal(list->skipped, 600 - NODES_JSON_MAX_NODES);
	free(buf);
	assert_int_equal(nodes_json_parse("{}", NODES_JSON_MAX_BYTES + 1, list,
	    err, sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nodes_json_takes_good_nodes),
		cmocka_unit_test(nodes_json_skips_bad_nodes),
		cmocka_unit_test(nodes_json_rejects_non_lists),
		cmocka_unit_test(nodes_json_caps_count_and_size),
	};
	int	rv;

	list = malloc(sizeof(*list));
	rv = cmocka_run_group_tests(tests, NULL, NULL);
	free(list);
	return rv;
}
