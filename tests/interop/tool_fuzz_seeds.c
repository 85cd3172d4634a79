/*
 * Writes the small seed corpora of tests/fuzz/corpus/: real libtoxcore
 * savedata (plain and tox_pass_encrypt'ed) and a few Tox IDs.
 *	tool_fuzz_seeds CORPUS_DIR	(e.g. tests/fuzz/corpus)
 * Keys are random on every run; commit the output once, not every build.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tox/tox.h>
#include <tox/toxencryptsave.h>

#include "common/toxid.h"
#include "keyd/savedata.h"

static void	put(const char *, const char *, const char *, const void *,
		    size_t);
static void	put_full(const char *);

/* One of ours with every section: nodes of each family, kept sections. */
static void
put_full(const char *dir)
{
	static const uint8_t	 fam[] = { PN_UDP4, PN_UDP6, PN_TCP4, PN_TCP6 };
	struct profile		*p;
	uint8_t			*b;
	size_t			 len, i;

	if ((p = profile_generate()) == NULL)
		exit(1);
	memcpy(p->name, "full", 4);
	p->name_len = 4;
	p->nfriends = 1;
	p->friends = calloc(1, sizeof(*p->friends));
	p->friends[0].status = FRIEND_REQUESTED;
	p->friends[0].request_len = 2;
	memcpy(p->friends[0].request, "yo", 2);
	p->ndht_nodes = 2;
	p->dht_nodes = calloc(2, sizeof(struct packed_node));
	p->ntcp_relays = 4;
	p->tcp_relays = calloc(4, sizeof(struct packed_node));
	p->npath_nodes = 1;
	p->path_nodes = calloc(1, sizeof(struct packed_node));
	for (i = 0; i < 4; i++) {
		p->tcp_relays[i].family = fam[i];
		p->tcp_relays[i].port = 443;
		p->tcp_relays[i].ip[0] = 10;
		if (i < 2)
			p->dht_nodes[i] = p->tcp_relays[i];
	}
	p->path_nodes[0] = p->dht_nodes[0];
	p->conferences_len = 3;
	p->conferences = (uint8_t *)strdup("abc");
	p->nextra = 1;
	p->extra = calloc(1, sizeof(*p->extra));
	p->extra[0].type = 7;
	p->extra[0].len = 2;
	p->extra[0].data = (uint8_t *)strdup("gg");
	len = savedata_size(p);
	b = malloc(len);
	if (savedata_build(p, b, len) != len)
		exit(1);
	put(dir, "savedata", "bulkhead-all-sections.bin", b, len);
	free(b);
	profile_free(p);
}

static void
put(const char *dir, const char *sub, const char *name, const void *p,
    size_t len)
{
	char	path[512];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(p, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static size_t
trimmed(const uint8_t *p, size_t len)
{
	/* keep 16 bytes of c-toxcore's zero tail: the parser must skip it */
	while (len > 0 && p[len - 1] == 0)
		len--;
	return len + 16;
}

int
main(int argc, char *argv[])
{
	struct Tox_Options	*o;
	Tox			*t;
	uint8_t			 addr[TOX_ADDRESS_SIZE], pk[32], *sd, *enc;
	char			 hex[TOX_ADDRESS_HEX_LEN + 1];
	size_t			 len, tl;

	if (argc != 2) {
		fprintf(stderr, "usage: tool_fuzz_seeds CORPUS_DIR\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	o = tox_options_new(NULL);
	tox_options_set_udp_enabled(o, false);
	tox_options_set_local_discovery_enabled(o, false);
	if ((t = tox_new(o, NULL)) == NULL)
		return 1;
	tox_self_set_name(t, (const uint8_t *)"seed", 4, NULL);
	tox_self_set_status_message(t, (const uint8_t *)"fuzz me", 7, NULL);
	memset(pk, 0x33, sizeof(pk));
	tox_friend_add_norequest(t, pk, NULL);
	tox_self_get_address(t, addr);
	len = tox_get_savedata_size(t);
	sd = calloc(1, len);
	tox_get_savedata(t, sd);
	tl = trimmed(sd, len);
	put(argv[1], "savedata", "libtoxcore-1-friend.bin", sd, tl);
	enc = malloc(tl + TOX_PASS_ENCRYPTION_EXTRA_LENGTH);
	tox_pass_encrypt(sd, tl, (const uint8_t *)"fuzz", 4, enc, NULL);
	put(argv[1], "encryptsave", "libtoxcore-encrypted.bin", enc,
	    tl + TOX_PASS_ENCRYPTION_EXTRA_LENGTH);
	put(argv[1], "encryptsave", "libtoxcore-plain.bin", sd, tl);

	toxid_format(addr, hex);
	put(argv[1], "toxid", "valid.txt", hex, strlen(hex));
	put(argv[1], "toxid", "pubkey-only.txt", hex, 64);
	hex[10] = 'g';
	put(argv[1], "toxid", "not-hex.txt", hex, strlen(hex));
	put_full(argv[1]);
	tox_kill(t);
	tox_options_free(o);
	free(sd);
	free(enc);
	return 0;
}
