/* Bootstrap nodes list in the nodes.tox.chat JSON format: see nodes_json.h. */
#include <arpa/inet.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "netd/nodes_json.h"

/* "-" and "" mean "no address of this family" in the public list. */
static int
addr_field(json_t *node, const char *name, int af, void *out, int *has)
{
	json_t		*v = json_object_get(node, name);
	const char	*s;

	*has = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	if (s[0] == '\0' || strcmp(s, "-") == 0)
		return 0;
	if (strlen(s) != json_string_length(v) || inet_pton(af, s, out) != 1)
		return -1;	/* a host name or garbage: netd resolves nothing */
	*has = 1;
	return 0;
}

static int
port_value(json_t *v, uint16_t *port)
{
	json_int_t	p;

	if (!json_is_integer(v))
		return -1;
	p = json_integer_value(v);
	if (p < 1 || p > 65535)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

static int
parse_node(json_t *node, struct nodes_entry *e)
{
	json_t		*pk, *tcp, *up, *t;
	size_t		 i;

	memset(e, 0, sizeof(*e));
	if (!json_is_object(node))
		return -1;
	pk = json_object_get(node, "public_key");
	if (!json_is_string(pk) || hex_decode(json_string_value(pk),
	    json_string_length(pk), e->pk, sizeof(e->pk)) == -1)
		return -1;
	if (addr_field(node, "ipv4", AF_INET, e->v4, &e->has_v4) == -1 ||
	    addr_field(node, "ipv6", AF_INET6, e->v6, &e->has_v6) == -1 ||
	    (!e->has_v4 && !e->has_v6))
		return -1;
	if (port_value(json_object_get(node, "port"), &e->port) == -1)
		return -1;
	if ((tcp = json_object_get(node, "tcp_ports")) != NULL &&
	    json_is_array(tcp)) {
		json_array_foreach(tcp, i, t) {
			if (e->ntcp == NODES_JSON_MAX_TCP)
				break;
			if (port_value(t, &e->tcp_ports[e->ntcp]) == 0)
				e->ntcp++;
		}
	}
	up = json_object_get(node, "status_udp");
	e->udp_up = up == NULL || !json_is_boolean(up) || json_is_true(up);
	return 0;
}

int
nodes_json_parse(const char *buf, size_t len, struct nodes_list *list,
    char *err, size_t errsz)
{
	json_error_t	 jerr;
	json_t		*root, *nodes, *node;
	size_t		 i;

	list->n = list->skipped = 0;
	if (len > NODES_JSON_MAX_BYTES) {
		snprintf(err, errsz, "nodes list larger than %d bytes",
		    NODES_JSON_MAX_BYTES);
		return -1;
	}
	if ((root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		snprintf(err, errsz, "nodes list: invalid JSON at line %d: %s",
		    jerr.line, jerr.text);
		return -1;
	}
	nodes = json_object_get(root, "nodes");
	if (!json_is_object(root) || !json_is_array(nodes)) {
		snprintf(err, errsz, "nodes list: no \"nodes\" array");
		json_decref(root);
		return -1;
	}
	json_array_foreach(nodes, i, node) {
		if (list->n == NODES_JSON_MAX_NODES) {
			list->skipped += (int)(json_array_size(nodes) - i);
			break;
		}
		if (parse_node(node, &list->nodes[list->n]) == 0)
			list->n++;
		else
			list->skipped++;
	}
	json_decref(root);
	return 0;
}

