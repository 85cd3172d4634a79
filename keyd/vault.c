/* Secret memory: see vault.h. */
#include <sodium.h>
#include <string.h>

#include "keyd/vault.h"

struct vault *
vault_new(void)
{
	struct vault	*v;

	if ((v = sodium_malloc(sizeof(*v))) == NULL)
		return NULL;
	sodium_memzero(v, sizeof(*v));
	return v;
}

void
vault_free(struct vault *v)
{
	if (v == NULL)
		return;
	sodium_memzero(v, sizeof(*v));
	sodium_free(v);
}

int
vault_matches(const struct vault *v, const uint8_t pk[TOX_PK_LEN])
{
	uint8_t	calc[TOX_PK_LEN];
	int	ok;

	if (crypto_scalarmult_curve25519_base(calc, v->sk) != 0)
		return 0;
	ok = sodium_memcmp(calc, pk, TOX_PK_LEN) == 0;
	sodium_memzero(calc, sizeof(calc));
	return ok;
}

void *
secbuf_alloc(size_t n)
{
	void	*p;

	/* sodium_malloc(0) is legal but keep a byte so NULL means failure. */
	if ((p = sodium_malloc(n == 0 ? 1 : n)) == NULL)
		return NULL;
	sodium_memzero(p, n == 0 ? 1 : n);
	return p;
}

void
secbuf_free(void *p)
{
	/* sodium_free() wipes the whole region before unmapping it. */
	sodium_free(p);
}
