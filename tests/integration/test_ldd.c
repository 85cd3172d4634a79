/*
 * Each executable links only its own libraries (ARCHITECTURE.md): a bug in
 * libvpx must not be reachable from the process that holds the key, nor
 * libcurl's from the one that faces the DHT.  ldd(1) of the real binaries,
 * including what the linked libraries pull in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct linkage {
	const char	*bin;		/* under BUILD_DIR */
	const char	*never[8];	/* library name prefixes */
	int		 seccomp;	/* must link libseccomp */
};

static const struct linkage linkages[] = {
	{ "libexec/bulkhead/keyd", { "libvpx", "libopus", "libcurl",
	    "libjansson", "libqrencode", "libssl", "libcrypto" }, 1 },
	{ "libexec/bulkhead/netd", { "libvpx", "libopus", "libcurl",
	    "libqrencode", "libssl", "libcrypto" }, 1 },
	/* chatd holds no key and parses friends' data: libsodium only to
	 * hash files and pick file ids (chatd_sodium_only_hashes). */
	{ "libexec/bulkhead/chatd", { "libvpx", "libopus", "libcurl",
	    "libjansson", "libqrencode", "libssl", "libcrypto" }, 1 },
	{ "libexec/bulkhead/mediad", { "libcurl", "libsodium", "libjansson",
	    "libqrencode", "libssl", "libcrypto" }, 1 },
	{ "libexec/bulkhead/frontend", { "libsodium", "libcurl", "libvpx",
	    "libopus", "libssl", "libcrypto" }, 1 },
	{ "libexec/bulkhead/fetchd", { "libsodium", "libvpx", "libopus",
	    "libjansson", "libqrencode" }, 1 },
	/* The supervisor parses nothing from the network: libc only. */
	{ "bin/bulkhead", { "libsodium", "libvpx", "libopus", "libcurl",
	    "libjansson", "libqrencode", "libssl", "libcrypto" }, 0 },
};

/* Appends the basename of every library ldd lists to out, "a b c ". */
static void
ldd_libs(const char *path, char *out, size_t outsz)
{
	char	cmd[PATH_MAX + 32], line[512], name[256];
	FILE	*p;
	int	st;

	out[0] = '\0';
	snprintf(cmd, sizeof(cmd), "ldd '%s' 2>&1", path);
	assert_non_null(p = popen(cmd, "r"));
	while (fgets(line, sizeof(line), p) != NULL) {
		if (sscanf(line, " %255s", name) != 1)
			continue;
		if (strstr(line, "not found") != NULL)
			fail_msg("%s: %s", path, line);
		strncat(out, strrchr(name, '/') != NULL ?
		    strrchr(name, '/') + 1 : name, outsz - strlen(out) - 1);
		strncat(out, " ", outsz - strlen(out) - 1);
	}
	st = pclose(p);
	if (st != 0)
		fail_msg("ldd %s: status %d: %s", path, st, out);
}

static int
has_lib(const char *libs, const char *prefix)
{
	const char	*s = libs;
	size_t		 n = strlen(prefix);

	for (; *s != '\0'; s = strchr(s, ' ') + 1)
		if (strncmp(s, prefix, n) == 0 && (s[n] == '.' || s[n] == '-'))
			return 1;
	return 0;
}

static void
ldd_each_binary_links_only_its_own(void **state)
{
	char	path[PATH_MAX], libs[8192];
	size_t	i, j;

	(void)state;
	for (i = 0; i < sizeof(linkages) / sizeof(linkages[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", BUILD_DIR,
		    linkages[i].bin);
		assert_int_equal(access(path, X_OK), 0);
		ldd_libs(path, libs, sizeof(libs));
		print_message("%s: %s\n", linkages[i].bin, libs);
		assert_true(has_lib(libs, "libc"));	/* parsed at all */
		for (j = 0; j < 8 && linkages[i].never[j] != NULL; j++)
			if (has_lib(libs, linkages[i].never[j]))
				fail_msg("%s links %s", linkages[i].bin,
				    linkages[i].never[j]);
		if (linkages[i].seccomp && !has_lib(libs, "libseccomp"))
			fail_msg("%s does not link libseccomp",
			    linkages[i].bin);
	}
}

/*
 * chatd may draw random bytes (a file id), nothing else of libsodium: no
 * box, no secretbox, no signature, no key exchange (a file's SHA-256 is
 * common/sha256.c's).  Its dynamic symbols say what it calls.
 */
static void
chatd_sodium_only_hashes(void **state)
{
	static const char *const allowed[] = { "randombytes_buf",
	    "sodium_init" };
	char	cmd[PATH_MAX + 64], line[512], sym[256];
	FILE	*p;
	size_t	i, n = 0;
	int	ok;

	(void)state;
	snprintf(cmd, sizeof(cmd), "nm -D --undefined-only '%s/%s'",
	    BUILD_DIR, "libexec/bulkhead/chatd");
	assert_non_null(p = popen(cmd, "r"));
	while (fgets(line, sizeof(line), p) != NULL) {
		if (sscanf(line, " U %255s", sym) != 1)
			continue;
		n++;
		if (strncmp(sym, "crypto_", 7) != 0 &&
		    strncmp(sym, "randombytes_", 12) != 0 &&
		    strncmp(sym, "sodium_", 7) != 0)
			continue;
		for (ok = 0, i = 0; i < sizeof(allowed) / sizeof(allowed[0]);
		    i++)
			ok |= strcmp(sym, allowed[i]) == 0;
		if (!ok)
			fail_msg("chatd calls %s", sym);
	}
	assert_int_equal(pclose(p), 0);
	assert_true(n > 10);	/* nm listed something: libc at least */
}

static void
ldd_matching_is_by_whole_name(void **state)
{
	(void)state;
	assert_true(has_lib("libc.so.6 libseccomp.so.2 ", "libseccomp"));
	assert_false(has_lib("libseccomp.so.2 ", "libsec"));
	assert_true(has_lib("libldap-2.5.so.0 ", "libldap"));
	assert_false(has_lib("libcrypto.so.3 ", "libc"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ldd_matching_is_by_whole_name),
		cmocka_unit_test(ldd_each_binary_links_only_its_own),
		cmocka_unit_test(chatd_sodium_only_hashes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
