/*
 * SHA-256 (FIPS 180-4) for file transfers: chatd hashes every byte it
 * sends or receives, and libsodium's portable code ran at 250 MB/s, more
 * CPU than the session crypto of the whole transfer.  This one uses the
 * x86 SHA extensions when the CPU has them (checked once, at the first
 * use) and the plain C rounds otherwise; both are checked against
 * libsodium by tests/unit/test_sha256.c and tests/fuzz/fuzz_sha256.c.
 * Not for secrets: nothing here is constant-time beyond what the
 * algorithm is, and nothing is wiped.
 */
#ifndef BULKHEAD_SHA256_H
#define BULKHEAD_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN	32

struct sha256 {
	uint32_t	h[8];
	uint64_t	bytes;		/* hashed so far */
	uint8_t		buf[64];	/* a block begun */
	size_t		nbuf;
};

void	sha256_init(struct sha256 *);
void	sha256_update(struct sha256 *, const void *, size_t);
void	sha256_final(struct sha256 *, uint8_t out[SHA256_LEN]);

/* Which rounds run: "sha-ni" or "c"; for the bench and the tests. */
const char *sha256_impl(void);
/* Tests: 1 forces the plain C rounds, 0 lets the CPU decide. */
void	sha256_force_portable(int);

#endif
