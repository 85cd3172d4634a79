/*
 * Profiles move both ways between libtoxcore 0.2.18 and bulkhead: savedata
 * written by tox_get_savedata (plain and tox_pass_encrypt'ed) loads here
 * with the same Tox ID, name, status message and friends, and what we
 * write (plain and encrypted, and the files our store makes) loads in
 * libtoxcore with the same.  libtoxcore is linked into this test only.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>
#include <tox/tox.h>
#include <tox/toxencryptsave.h>

#include "ipc/msg_core.h"
#include "keyd/encryptsave.h"
#include "keyd/identity.h"
#include "keyd/savedata.h"

#define NAME		"Alice \xe2\x98\x83"	/* UTF-8 snowman */
#define STATUSMSG	"interop from libtoxcore"
#define PASS		"tr0ub4dor&3"
#define NFRIENDS	3

/* An offline Tox: no UDP socket, no LAN discovery, no IPv6. */
static Tox *
new_tox(const uint8_t *save, size_t len)
{
	struct Tox_Options	*o;
	Tox_Err_New		 err;
	Tox			*t;

	assert_non_null(o = tox_options_new(NULL));
	tox_options_set_udp_enabled(o, false);
	tox_options_set_local_discovery_enabled(o, false);
	tox_options_set_ipv6_enabled(o, false);
	tox_options_set_dht_announcements_enabled(o, false);
	if (save != NULL) {
		tox_options_set_savedata_type(o, TOX_SAVEDATA_TYPE_TOX_SAVE);
		tox_options_set_savedata_data(o, save, len);
	}
	t = tox_new(o, &err);
	tox_options_free(o);
	assert_int_equal(err, TOX_ERR_NEW_OK);
	assert_non_null(t);
	return t;
}

/* A libtoxcore profile with a name, status, friends (one requested). */
static Tox *
make_ctox(uint8_t friend_pks[NFRIENDS][TOX_PK_LEN], uint8_t *req_addr)
{
	Tox	*t;
	uint8_t	 sk[32];
	int	 i;

	t = new_tox(NULL, 0);
	assert_true(tox_self_set_name(t, (const uint8_t *)NAME, strlen(NAME),
	    NULL));
	assert_true(tox_self_set_status_message(t, (const uint8_t *)STATUSMSG,
	    strlen(STATUSMSG), NULL));
	tox_self_set_status(t, TOX_USER_STATUS_BUSY);
	tox_self_set_nospam(t, 0x12345678);
	for (i = 0; i < NFRIENDS; i++) {
		crypto_box_keypair(friend_pks[i], sk);
		assert_int_equal(tox_friend_add_norequest(t, friend_pks[i],
		    NULL), (uint32_t)i);
	}
	/* a friend we sent a request to: status 1, message and nospam kept */
	crypto_box_keypair(req_addr, sk);
	memcpy(req_addr + 32, "\xa1\xb2\xc3\xd4", 4);
	toxid_checksum(req_addr, req_addr + 36);
	assert_int_equal(tox_friend_add(t, req_addr, (const uint8_t *)"hi!", 3,
	    NULL), NFRIENDS);
	return t;
}

static void
assert_matches_ctox(const struct profile *p, const Tox *t,
    uint8_t friend_pks[NFRIENDS][TOX_PK_LEN], const uint8_t *req_addr)
{
	uint8_t	addr[TOX_ADDRESS_LEN], taddr[TOX_ADDRESS_SIZE];
	int	i;

	profile_address(p, addr);
	tox_self_get_address(t, taddr);
	assert_memory_equal(addr, taddr, sizeof(addr));
	assert_int_equal(p->name_len, strlen(NAME));
	assert_memory_equal(p->name, NAME, p->name_len);
	assert_int_equal(p->status_msg_len, strlen(STATUSMSG));
	assert_memory_equal(p->status_msg, STATUSMSG, p->status_msg_len);
	assert_int_equal(p->userstatus, USERSTATUS_BUSY);
	assert_int_equal(p->nfriends, NFRIENDS + 1);
	for (i = 0; i < NFRIENDS; i++) {
		assert_int_equal(p->friends[i].status, FRIEND_CONFIRMED);
		assert_memory_equal(p->friends[i].pk, friend_pks[i], 32);
	}
	assert_int_equal(p->friends[NFRIENDS].status, FRIEND_ADDED);
	assert_memory_equal(p->friends[NFRIENDS].pk, req_addr, 32);
	assert_memory_equal(p->friends[NFRIENDS].nospam, req_addr + 32, 4);
	assert_int_equal(p->friends[NFRIENDS].request_len, 3);
	assert_memory_equal(p->friends[NFRIENDS].request, "hi!", 3);
}

static void
interop_ctox_plain_loads_here(void **state)
{
	uint8_t		 fpk[NFRIENDS][TOX_PK_LEN], req[TOX_ADDRESS_LEN];
	uint8_t		*sd, *ours;
	size_t		 len, olen, i;
	struct profile	*p;
	Tox		*t;

	t = make_ctox(fpk, req);
	len = tox_get_savedata_size(t);
	assert_non_null(sd = malloc(len));
	tox_get_savedata(t, sd);
	assert_int_equal(savedata_parse(sd, len, &p), SD_OK);
	assert_matches_ctox(p, t, fpk, req);
	/* nospam bytes in the file are those of the ID; tox_self_get_nospam
	 * reads them big endian */
	assert_memory_equal(p->nospam, "\x12\x34\x56\x78", 4);

	/* what we write is what libtoxcore wrote, up to its zero tail */
	olen = savedata_size(p);
	assert_true(olen <= len);
	assert_non_null(ours = malloc(olen));
	assert_int_equal(savedata_build(p, ours, olen), olen);
	assert_memory_equal(ours, sd, olen);
	for (i = olen; i < len; i++)
		assert_int_equal(sd[i], 0);
	profile_free(p);
	free(ours);
	free(sd);
	tox_kill(t);
}

static void
interop_ctox_encrypted_loads_here(void **state)
{
	uint8_t			 fpk[NFRIENDS][TOX_PK_LEN], req[TOX_ADDRESS_LEN];
	uint8_t			*sd, *enc, *dec;
	size_t			 len, elen, dlen;
	struct profile		*p;
	struct encsave_key	*k;
	Tox			*t;

	t = make_ctox(fpk, req);
	len = tox_get_savedata_size(t);
	sd = malloc(len);
	tox_get_savedata(t, sd);
	elen = len + TOX_PASS_ENCRYPTION_EXTRA_LENGTH;
	enc = malloc(elen);
	assert_true(tox_pass_encrypt(sd, len, (const uint8_t *)PASS,
	    strlen(PASS), enc, NULL));
	assert_int_equal(encsave_detect(enc, elen), ENCSAVE_KIND_ENCRYPTED);
	dec = malloc(len);
	assert_int_equal(encsave_decrypt_pass((const uint8_t *)"nope", 4, enc,
	    elen, dec, len, &dlen, NULL), ENCSAVE_ERR_AUTH);
	assert_int_equal(encsave_decrypt_pass((const uint8_t *)PASS,
	    strlen(PASS), enc, elen, dec, len, &dlen, &k), ENCSAVE_OK);
	assert_int_equal(dlen, len);
	assert_int_equal(savedata_parse(dec, dlen, &p), SD_OK);
	assert_matches_ctox(p, t, fpk, req);
	encsave_key_free(k);
	profile_free(p);
	free(sd);
	free(enc);
	free(dec);
	tox_kill(t);
}

/* A profile of ours with named, confirmed friends. */
static struct profile *
make_ours(void)
{
	struct profile	*p;
	int		 i;

	assert_non_null(p = profile_generate());
	memcpy(p->name, "bulkhead user", 13);
	p->name_len = 13;
	memcpy(p->status_msg, "written by bulkhead", 19);
	p->status_msg_len = 19;
	p->userstatus = USERSTATUS_AWAY;
	p->nfriends = 2;
	p->friends = calloc(2, sizeof(*p->friends));
	for (i = 0; i < 2; i++) {
		p->friends[i].status = FRIEND_CONFIRMED;
		randombytes_buf(p->friends[i].pk, 32);
		p->friends[i].pk[31] &= 0x7f;
		p->friends[i].name[0] = (uint8_t)('x' + i);
		p->friends[i].name_len = 1;
		p->friends[i].last_seen = 1700000000u + (uint64_t)i;
	}
	return p;
}

static void
assert_ctox_matches(const Tox *t, const struct profile *p)
{
	uint8_t		addr[TOX_ADDRESS_LEN], taddr[TOX_ADDRESS_SIZE];
	uint8_t		buf[TOX_MAX_STATUS_MESSAGE_LENGTH], pk[32];
	uint32_t	list[8];
	size_t		i;

	profile_address(p, addr);
	tox_self_get_address(t, taddr);
	assert_memory_equal(addr, taddr, sizeof(addr));
	assert_int_equal(tox_self_get_name_size(t), p->name_len);
	tox_self_get_name(t, buf);
	assert_memory_equal(buf, p->name, p->name_len);
	assert_int_equal(tox_self_get_status_message_size(t), p->status_msg_len);
	tox_self_get_status_message(t, buf);
	assert_memory_equal(buf, p->status_msg, p->status_msg_len);
	assert_int_equal(tox_self_get_status(t), p->userstatus);
	assert_int_equal(tox_self_get_friend_list_size(t), p->nfriends);
	tox_self_get_friend_list(t, list);
	for (i = 0; i < p->nfriends; i++) {
		assert_true(tox_friend_get_public_key(t, list[i], pk, NULL));
		assert_memory_equal(pk, p->friends[i].pk, 32);
		assert_int_equal(tox_friend_get_name_size(t, list[i], NULL),
		    p->friends[i].name_len);
		assert_true(tox_friend_get_name(t, list[i], buf, NULL));
		assert_memory_equal(buf, p->friends[i].name,
		    p->friends[i].name_len);
		assert_int_equal(tox_friend_get_last_online(t, list[i], NULL),
		    p->friends[i].last_seen);
	}
}

static void
interop_ours_load_in_ctox(void **state)
{
	struct profile		*p = make_ours();
	struct encsave_key	*k;
	uint8_t			*sd, *enc, *dec;
	size_t			 len, elen;
	Tox			*t;

	len = savedata_size(p);
	sd = malloc(len);
	assert_int_equal(savedata_build(p, sd, len), len);
	t = new_tox(sd, len);
	assert_ctox_matches(t, p);
	tox_kill(t);

	/* encrypted by us, decrypted by libtoxcore */
	assert_non_null(k = encsave_key_derive((const uint8_t *)PASS,
	    strlen(PASS), NULL));
	elen = len + ENCSAVE_OVERHEAD;
	enc = malloc(elen);
	assert_int_equal(encsave_encrypt(k, sd, len, enc, elen), elen);
	assert_true(tox_is_data_encrypted(enc));
	dec = malloc(len);
	assert_false(tox_pass_decrypt(enc, elen, (const uint8_t *)"bad", 3,
	    dec, NULL));
	assert_true(tox_pass_decrypt(enc, elen, (const uint8_t *)PASS,
	    strlen(PASS), dec, NULL));
	assert_memory_equal(dec, sd, len);
	t = new_tox(dec, len);
	assert_ctox_matches(t, p);
	tox_kill(t);
	encsave_key_free(k);
	profile_free(p);
	free(sd);
	free(enc);
	free(dec);
}

/* The file our store writes after create + set name is a qTox profile. */
static void
interop_stored_profile_loads_in_ctox(void **state)
{
	struct identity	 id;
	struct id_err	 e;
	char		 dir[] = "/tmp/bh-interop-XXXXXX", path[64], cmd[96];
	uint8_t		 addr[TOX_ADDRESS_LEN], pk[32], taddr[TOX_ADDRESS_SIZE];
	uint8_t		 buf[200000], *dec;
	ssize_t		 n;
	int		 fd;
	Tox		*t;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/profile.tox", dir);
	assert_int_equal(identity_open(&id, path, &e), 0);
	assert_int_equal(identity_create(&id, (const uint8_t *)PASS,
	    strlen(PASS), 0, &e), 0);
	assert_int_equal(identity_set_name(&id, (const uint8_t *)"stored", 6,
	    &e), 0);
	assert_int_equal(identity_set_nospam(&id, NULL, &e), 0);
	assert_int_equal(identity_get_id(&id, addr, pk, &e), 0);
	identity_close(&id);

	assert_true((fd = open(path, O_RDONLY)) >= 0);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	assert_true(n > TOX_PASS_ENCRYPTION_EXTRA_LENGTH);
	dec = malloc((size_t)n);
	assert_true(tox_pass_decrypt(buf, (size_t)n, (const uint8_t *)PASS,
	    strlen(PASS), dec, NULL));
	t = new_tox(dec, (size_t)n - TOX_PASS_ENCRYPTION_EXTRA_LENGTH);
	tox_self_get_address(t, taddr);
	assert_memory_equal(taddr, addr, sizeof(addr));
	assert_int_equal(tox_self_get_name_size(t), 6);
	tox_kill(t);
	free(dec);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static int
init(void **state)
{
	return sodium_init() < 0 ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(interop_ctox_plain_loads_here),
		cmocka_unit_test(interop_ctox_encrypted_loads_here),
		cmocka_unit_test(interop_ours_load_in_ctox),
		cmocka_unit_test(interop_stored_profile_loads_in_ctox),
	};

	return cmocka_run_group_tests(tests, init, NULL);
}
