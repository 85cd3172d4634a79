/*
 * The profile directory of the keyd fuzz targets: made once (a plain
 * profile whose keys are fixed, and what keyd_fuzz_seeds.c's
 * kfz_seed_stores stores beside it), kept as bytes, put back before
 * every input; after it, what keyd left must load.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "keyd/history.h"
#include "keyd/outbox.h"
#include "keyd/partials.h"
#include "keyd/profile_dispatch.h"
#include "keyd/sends.h"
#include "tests/fuzz/keyd_fuzz_priv.h"

#define MAX_FILES	32

static char		 dir[64], path[128];
static uint8_t		 made_sk[TOX_SK_LEN], made_pk[TOX_PK_LEN];
static struct {
	char	 name[256];
	uint8_t	*data;
	size_t	 len;
}			 files[MAX_FILES];
static size_t		 nfiles;

static void
cleanup(void)
{
	char	cmd[128];

	keyd_profile_close();
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)system(cmd);
}

const char *
kfz_dir_init(void)
{
	(void)snprintf(dir, sizeof(dir), "/dev/shm/bh-fuzz-keyd-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		(void)snprintf(dir, sizeof(dir), "/tmp/bh-fuzz-keyd-XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
	}
	atexit(cleanup);
	(void)snprintf(path, sizeof(path), "%s/profile.tox", dir);
	return path;
}

const uint8_t *
kfz_made_sk(void)
{
	return made_sk;
}

/* The directory's files as they are now: what every input starts from. */
void
kfz_dir_snapshot(void)
{
	DIR		*d;
	struct dirent	*de;
	char		 fp[512];
	int		 fd;
	off_t		 n;

	for (; nfiles > 0; nfiles--)
		free(files[nfiles - 1].data);
	if ((d = opendir(dir)) == NULL)
		abort();
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (nfiles == MAX_FILES || strlen(de->d_name) >=
		    sizeof(files[0].name))
			abort();
		(void)snprintf(fp, sizeof(fp), "%s/%s", dir, de->d_name);
		if ((fd = open(fp, O_RDONLY | O_CLOEXEC)) == -1 ||
		    (n = lseek(fd, 0, SEEK_END)) == -1 ||
		    (files[nfiles].data = malloc((size_t)n + 1)) == NULL ||
		    pread(fd, files[nfiles].data, (size_t)n, 0) != n)
			abort();
		close(fd);
		files[nfiles].len = (size_t)n;
		memcpy(files[nfiles].name, de->d_name, strlen(de->d_name) + 1);
		nfiles++;
	}
	closedir(d);
}

void
kfz_dir_restore(void)
{
	DIR		*d;
	struct dirent	*de;
	char		 fp[512];
	size_t		 i;
	int		 fd;

	if ((d = opendir(dir)) == NULL)
		abort();
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && unlinkat(dirfd(d), de->d_name,
		    0) == -1)
			abort();
	closedir(d);
	for (i = 0; i < nfiles; i++) {
		(void)snprintf(fp, sizeof(fp), "%s/%s", dir, files[i].name);
		if ((fd = open(fp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600)) == -1 || write(fd, files[i].data, files[i].len) !=
		    (ssize_t)files[i].len)
			abort();
		close(fd);
	}
}

/* The plain profile: our key, nospam, name and friends fixed. */
void
kfz_dir_make(void)
{
	struct identity	*id;
	struct profile	*p;
	struct id_err	 e;
	unsigned	 i;

	if (keyd_profile_open(path, NULL, NULL) == -1 ||
	    (id = keyd_profile_identity()) == NULL ||
	    identity_create(id, NULL, 0, 1, &e) == -1)
		abort();
	p = id->prof;
	kfz_keypair("self", 0, p->pk, p->vault->sk);
	memcpy(p->nospam, KFZ_NOSPAM, TOX_NOSPAM_LEN);
	if ((p->friends = calloc(KFZ_FRIENDS, sizeof(*p->friends))) == NULL)
		abort();
	p->nfriends = KFZ_FRIENDS;
	for (i = 0; i < KFZ_FRIENDS; i++) {
		memcpy(p->friends[i].pk, kfz_pk(i), TOX_PK_LEN);
		p->friends[i].status = i < 2 ? FRIEND_CONFIRMED :
		    FRIEND_REQUESTED;
		p->friends[i].name_len = (size_t)snprintf((char *)
		    p->friends[i].name, sizeof(p->friends[i].name),
		    "friend %u", i);
	}
	memcpy(p->friends[2].request, "hi", 2);
	p->friends[2].request_len = 2;
	if (identity_set_name(id, (const uint8_t *)"fuzz", 4, &e) == -1)
		abort();		/* (saves it all) */
	memcpy(made_sk, p->vault->sk, TOX_SK_LEN);
	memcpy(made_pk, p->pk, TOX_PK_LEN);
	keyd_profile_close();
}

/* Whether the file beside the profile with that suffix is as made (or
 * absent, as it was). */
static int
as_made(const char *suffix)
{
	static uint8_t	buf[1 << 20];
	char		name[256], fp[512];
	ssize_t		n = -1;
	size_t		i;
	int		fd;

	(void)snprintf(name, sizeof(name), "%s%s", strrchr(path, '/') + 1,
	    suffix);
	(void)snprintf(fp, sizeof(fp), "%s/%s", dir, name);
	if ((fd = open(fp, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, buf, sizeof(buf));
		close(fd);
	}
	for (i = 0; i < nfiles; i++)
		if (strcmp(files[i].name, name) == 0)
			return n == (ssize_t)files[i].len &&
			    memcmp(buf, files[i].data, files[i].len) == 0;
	return n == -1;
}

/* What keyd wrote beside the profile, keyd can read back (while the
 * identity is ours and plain: a new one has keys of its own).  A file
 * as it was made loaded then: not again (each store costs megabytes of
 * secure memory). */
static void
check_stores(struct identity *id)
{
	uint8_t			 key[64];
	char			 aside[256];
	struct outbox		*ob;
	struct history		*h;
	struct partials		*pt;
	struct sends		*sd;

	if (id->prof == NULL || memcmp(id->prof->pk, made_pk,
	    TOX_PK_LEN) != 0)
		return;
	if (!as_made(OUTBOX_SUFFIX)) {
		keyd_profile_store_key(id, outbox_key_derive, key);
		if ((ob = outbox_new(key)) == NULL ||
		    outbox_load(ob, &id->store) != OUTBOX_OK)
			abort();
		outbox_free(ob);
	}
	if (!as_made(HISTORY_SUFFIX)) {
		keyd_profile_store_key(id, history_key_derive, key);
		if ((h = history_new(key)) == NULL || history_load(h,
		    &id->store, aside, sizeof(aside)) != HISTORY_OK)
			abort();
		history_free(h);
	}
	if (!as_made(PARTIALS_SUFFIX)) {
		keyd_profile_store_key(id, partials_key_derive, key);
		if ((pt = partials_new(key)) == NULL ||
		    partials_load(pt, &id->store) != PARTIALS_OK)
			abort();
		partials_free(pt);
	}
	if (!as_made(SENDS_SUFFIX)) {
		keyd_profile_store_key(id, sends_key_derive, key);
		if ((sd = sends_new(key)) == NULL ||
		    sends_load(sd, &id->store) != SENDS_OK)
			abort();
		sends_free(sd);
	}
	sodium_memzero(key, sizeof(key));
}

/* After an input: the profile loads, and so does every store beside it. */
void
kfz_dir_check(void)
{
	struct identity	*id;

	keyd_profile_close();
	if (keyd_profile_open(path, NULL, NULL) == -1 ||
	    (id = keyd_profile_identity()) == NULL || id->broken)
		abort();
	check_stores(id);
	keyd_profile_close();
}
