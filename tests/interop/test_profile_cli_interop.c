/*
 * Issue 3's proof at the user's level: a profile libtoxcore saved (and
 * encrypted with tox_pass_encrypt) gives the same Tox ID through
 * `bulkhead id` with the passphrase on a descriptor; a profile bulkhead
 * made and exported loads in libtoxcore with the same address.  No
 * network: the Tox instances never start their UDP socket.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <tox/tox.h>
#include <tox/toxencryptsave.h>
#include <unistd.h>

#include "common/hex.h"
#include "tests/lib/bh.h"

#define PASS	"libtoxcore passphrase"

static char	dir[64], out[8192], err[8192];

static Tox *
offline_tox(const uint8_t *save, size_t len)
{
	struct Tox_Options	*o = tox_options_new(NULL);
	Tox			*t;

	tox_options_set_udp_enabled(o, false);
	tox_options_set_local_discovery_enabled(o, false);
	tox_options_set_ipv6_enabled(o, false);
	if (save != NULL) {
		tox_options_set_savedata_type(o, TOX_SAVEDATA_TYPE_TOX_SAVE);
		tox_options_set_savedata_data(o, save, len);
	}
	t = tox_new(o, NULL);
	tox_options_free(o);
	return t;
}

static void
hex_address(Tox *t, char hex[2 * TOX_ADDRESS_SIZE + 1])
{
	uint8_t	addr[TOX_ADDRESS_SIZE];

	tox_self_get_address(t, addr);
	hex_encode(addr, sizeof(addr), hex);
}

static int
bulkhead(const char *pass, const char *a1, const char *a2, const char *a3,
    const char *a4)
{
	const char	*args[] = { a1, a2, a3, a4, NULL };
	int		 st = bh_run(args, pass, out, sizeof(out), err,
	    sizeof(err));

	assert_true(st != -1 && WIFEXITED(st));
	if (WEXITSTATUS(st) != 0)
		fprintf(stderr, "bulkhead: %s\n%s\n", out, err);
	return WEXITSTATUS(st);
}

static void
write_file(const char *path, const uint8_t *p, size_t n)
{
	FILE	*f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

static void
libtoxcore_profile_opens_with_passphrase_fd(void **state)
{
	char		 want[2 * TOX_ADDRESS_SIZE + 1], prof[128];
	uint8_t		*plain, *enc;
	size_t		 len;
	Tox		*t = offline_tox(NULL, 0);

	assert_non_null(t);
	tox_self_set_name(t, (const uint8_t *)"interop", 7, NULL);
	hex_address(t, want);
	len = tox_get_savedata_size(t);
	plain = malloc(len);
	enc = malloc(len + TOX_PASS_ENCRYPTION_EXTRA_LENGTH);
	tox_get_savedata(t, plain);
	assert_true(tox_pass_encrypt(plain, len, (const uint8_t *)PASS,
	    strlen(PASS), enc, NULL));
	snprintf(prof, sizeof(prof), "%s/tox.tox", dir);
	write_file(prof, enc, len + TOX_PASS_ENCRYPTION_EXTRA_LENGTH);
	snprintf(prof, sizeof(prof), "--profile=%s/tox.tox", dir);
	assert_int_equal(bulkhead(PASS "\n", prof, "id", NULL, NULL), 0);
	assert_non_null(strstr(out, want));
	/* and the plain savedata too */
	snprintf(prof, sizeof(prof), "%s/plain.tox", dir);
	write_file(prof, plain, len);
	snprintf(prof, sizeof(prof), "--profile=%s/plain.tox", dir);
	assert_int_equal(bulkhead(NULL, prof, "id", NULL, NULL), 0);
	assert_non_null(strstr(out, want));
	free(plain);
	free(enc);
	tox_kill(t);
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	static uint8_t	buf[1 << 20];
	long		n = bh_slurp(path, buf, sizeof(buf));

	assert_true(n > 0);
	*len = (size_t)n;
	return buf;
}

static void
bulkhead_profile_loads_in_libtoxcore(void **state)
{
	char		 prof[128], file[128], got[2 * TOX_ADDRESS_SIZE + 1];
	char		 *p, addr[2 * TOX_ADDRESS_SIZE + 1];
	uint8_t		*enc, plain[1 << 16];
	size_t		 len;
	Tox		*t;

	snprintf(prof, sizeof(prof), "--profile=%s/bh.tox", dir);
	assert_int_equal(bulkhead("s3cret\n", prof, "init", NULL, NULL), 0);
	assert_non_null(p = strstr(out, "address: "));
	memcpy(addr, p + 9, 76);
	addr[76] = '\0';
	/* bulkhead's own file, encrypted: libtoxcore decrypts and loads it */
	snprintf(file, sizeof(file), "%s/bh.tox", dir);
	enc = slurp(file, &len);
	assert_true(tox_is_data_encrypted(enc));
	assert_true(tox_pass_decrypt(enc, len, (const uint8_t *)"s3cret", 6,
	    plain, NULL));
	assert_non_null(t = offline_tox(plain,
	    len - TOX_PASS_ENCRYPTION_EXTRA_LENGTH));
	hex_address(t, got);
	assert_string_equal(got, addr);
	tox_kill(t);
	/* a plain export (the passphrase once to unlock, once again to
	 * agree to the clear key) loads as it is */
	snprintf(file, sizeof(file), "%s/export.tox", dir);
	assert_int_equal(bulkhead("s3cret\ns3cret\n", prof, "export", file,
	    "--plain"), 0);
	enc = slurp(file, &len);
	assert_false(tox_is_data_encrypted(enc));
	assert_non_null(t = offline_tox(enc, len));
	hex_address(t, got);
	assert_string_equal(got, addr);
	tox_kill(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(libtoxcore_profile_opens_with_passphrase_fd),
		cmocka_unit_test(bulkhead_profile_loads_in_libtoxcore),
	};
	char	cmd[128];
	int	rv;

	snprintf(dir, sizeof(dir), "/tmp/bh-interop-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	rv = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return rv;
}
