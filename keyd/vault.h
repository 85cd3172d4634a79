/*
 * Memory for secrets.  The long-term secret key and every buffer that holds
 * it (plaintext savedata, derived encryption keys) live in sodium_malloc()
 * pages: guard pages on both sides, mlock()ed where the limit allows, never
 * in a core dump, and wiped when freed.  sodium_init() must have run.
 */
#ifndef BULKHEAD_VAULT_H
#define BULKHEAD_VAULT_H

#include <stddef.h>
#include <stdint.h>

#include "common/toxid.h"

struct vault {
	uint8_t	sk[TOX_SK_LEN];		/* long-term Curve25519 secret key */
};

/* A zeroed vault, or NULL if memory is short. */
struct vault	*vault_new(void);
/* Wipes and frees; NULL is fine. */
void		 vault_free(struct vault *);
/* 1 if pk is the public key of the vault's secret key, else 0. */
int		 vault_matches(const struct vault *, const uint8_t pk[TOX_PK_LEN]);

/* A zeroed secret buffer of n bytes (n may be 0), or NULL. */
void		*secbuf_alloc(size_t n);
/* Wipes and frees a secbuf_alloc() buffer; NULL is fine. */
void		 secbuf_free(void *);

#endif
