/* A libtoxcore client for tests: see toxclient.h. */
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "tests/lib/toxclient.h"

static void
on_connection(Tox *t, TOX_CONNECTION c, void *arg)
{
	struct toxclient	*tc = arg;

	tc->conn = c;
}

static void
on_request(Tox *t, const uint8_t *pk, const uint8_t *msg, size_t len,
    void *arg)
{
	struct toxclient	*tc = arg;
	struct toxclient_req	*r;

	if (tc->nreq < TOXCLIENT_REQS && len <= sizeof(r->msg)) {
		r = &tc->req[tc->nreq];
		memcpy(r->pk, pk, sizeof(r->pk));
		memcpy(r->msg, msg, len);
		r->len = len;
	}
	tc->nreq++;
}

int
toxclient_start(struct toxclient *tc, const char *name, int port,
    const char *host, int node_port, const char *node_key_hex)
{
	struct Tox_Options	*o;
	uint8_t			 key[TOX_PUBLIC_KEY_SIZE];
	uint8_t			 addr[TOX_ADDRESS_SIZE];
	TOX_ERR_NEW		 en;
	TOX_ERR_BOOTSTRAP	 eb;

	memset(tc, 0, sizeof(*tc));
	snprintf(tc->name, sizeof(tc->name), "%s", name);
	if (hex_decode(node_key_hex, 2 * sizeof(key), key, sizeof(key))
	    == -1) {
		fprintf(stderr, "%s: bad node key\n", name);
		return -1;
	}
	if ((o = tox_options_new(NULL)) == NULL)
		return -1;
	tox_options_set_ipv6_enabled(o, false);
	tox_options_set_local_discovery_enabled(o, false);
	tox_options_set_start_port(o, (uint16_t)port);
	tox_options_set_end_port(o, (uint16_t)(port + 1));
	tc->tox = tox_new(o, &en);
	tox_options_free(o);
	if (tc->tox == NULL) {
		fprintf(stderr, "%s: tox_new: error %d\n", name, (int)en);
		return -1;
	}
	tox_callback_self_connection_status(tc->tox, on_connection);
	tox_callback_friend_request(tc->tox, on_request);
	tox_self_get_public_key(tc->tox, tc->pk);
	hex_encode(tc->pk, sizeof(tc->pk), tc->pk_hex);
	tox_self_get_address(tc->tox, addr);
	hex_encode(addr, sizeof(addr), tc->address_hex);
	if (!tox_bootstrap(tc->tox, host, (uint16_t)node_port, key, &eb)) {
		fprintf(stderr, "%s: tox_bootstrap: error %d\n", name,
		    (int)eb);
		toxclient_stop(tc);
		return -1;
	}
	return 0;
}

void
toxclient_stop(struct toxclient *tc)
{
	if (tc->tox != NULL)
		tox_kill(tc->tox);
	tc->tox = NULL;
}

int
toxclient_iterate(struct toxclient *tc)
{
	tox_iterate(tc->tox, tc);
	return (int)tox_iteration_interval(tc->tox);
}

const struct toxclient_req *
toxclient_request_from(const struct toxclient *tc,
    const uint8_t pk[TOX_PUBLIC_KEY_SIZE])
{
	size_t	i;

	for (i = 0; i < tc->nreq && i < TOXCLIENT_REQS; i++)
		if (memcmp(tc->req[i].pk, pk, TOX_PUBLIC_KEY_SIZE) == 0)
			return &tc->req[i];
	return NULL;
}

int
toxclient_add(struct toxclient *tc, const char *address_hex, const char *msg)
{
	uint8_t			addr[TOX_ADDRESS_SIZE];
	TOX_ERR_FRIEND_ADD	e;

	if (hex_decode(address_hex, 2 * sizeof(addr), addr, sizeof(addr))
	    == -1) {
		fprintf(stderr, "%s: bad address %s\n", tc->name,
		    address_hex);
		return -1;
	}
	if (tox_friend_add(tc->tox, addr, (const uint8_t *)msg, strlen(msg),
	    &e) == UINT32_MAX) {
		fprintf(stderr, "%s: tox_friend_add: error %d\n", tc->name,
		    (int)e);
		return -1;
	}
	return 0;
}
