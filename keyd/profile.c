/* Profile lifetime and identity generation: see profile.h. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "keyd/profile.h"

struct profile *
profile_new(void)
{
	struct profile	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((p->vault = vault_new()) == NULL) {
		free(p);
		return NULL;
	}
	return p;
}

void
profile_free(struct profile *p)
{
	size_t	i;

	if (p == NULL)
		return;
	vault_free(p->vault);
	free(p->friends);
	free(p->dht_nodes);
	free(p->tcp_relays);
	free(p->path_nodes);
	free(p->conferences);
	for (i = 0; i < p->nextra; i++)
		free(p->extra[i].data);
	free(p->extra);
	free(p);
}

struct profile *
profile_generate(void)
{
	struct profile	*p;

	if ((p = profile_new()) == NULL)
		return NULL;
	/* The secret half goes straight into guarded memory. */
	if (crypto_box_keypair(p->pk, p->vault->sk) != 0) {
		profile_free(p);
		return NULL;
	}
	randombytes_buf(p->nospam, sizeof(p->nospam));
	return p;
}

void
profile_address(const struct profile *p, uint8_t addr[TOX_ADDRESS_LEN])
{
	toxid_make(addr, p->pk, p->nospam);
}

int
profile_has_friend(const struct profile *p, const uint8_t pk[TOX_PK_LEN])
{
	size_t	i;

	if (p == NULL || memcmp(pk, p->pk, TOX_PK_LEN) == 0)
		return 0;
	for (i = 0; i < p->nfriends; i++)
		if (p->friends[i].status != FRIEND_NONE &&
		    memcmp(p->friends[i].pk, pk, TOX_PK_LEN) == 0)
			return 1;
	return 0;
}
