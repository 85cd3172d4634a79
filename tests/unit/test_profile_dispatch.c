/*
 * keyd's profile commands over a real channel: a raw "frontend" end sends
 * the messages of ipc/types_profile.h and checks the replies; no reply
 * ever contains the secret key.
 */
#include <sys/socket.h>

#include <errno.h>
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

#include "common/log.h"
#include "common/loop.h"
#include "ipc/chan.h"
#include "ipc/msg_core.h"
#include "ipc/msg_profile.h"
#include "keyd/encryptsave.h"
#include "keyd/profile_dispatch.h"
#include "keyd/savedata.h"

static struct chan	kc;
static int		fe = -1, closed, events;
static char		dir[64], path[96];
static struct ipc_msg	rep;

static const struct chan_tables from_frontend = { { &keyd_profile_table } };

static void
on_close(struct chan *c, const char *why)
{
	closed = 1;
}

static void
on_event(enum keyd_profile_event ev, void *arg)
{
	events++;
}

static int
setup(void **state)
{
	struct ipc_hello	h;
	uint8_t			buf[64];
	struct wr		w;
	int			sv[2];

	snprintf(dir, sizeof(dir), "/tmp/bh-dispatch-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/profile.tox", dir);
	if (keyd_profile_open(path, on_event, NULL) == -1)
		return -1;
	loop_init();
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	closed = 0;
	chan_open(&kc, sv[0], ROLE_KEYD, ROLE_FRONTEND, &from_frontend, on_close,
	    NULL);
	fe = sv[1];
	h.role = ROLE_FRONTEND;
	memcpy(h.build_id, ipc_build_id, sizeof(h.build_id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &h);
	if (ipc_send(fe, IPC_HELLO, 0, buf, wr_len(&w), -1) == -1 ||
	    ipc_recv(fe, &rep) != 1 || rep.hdr.type != IPC_HELLO)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char	cmd[128];

	chan_close(&kc, "test over");
	close(fe);
	keyd_profile_close();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The secret key must never appear in anything keyd sends. */
static void
assert_no_secret(const struct ipc_msg *m)
{
	struct identity	*id = keyd_profile_identity();
	size_t		 i;

	if (id == NULL || id->prof == NULL || m->hdr.len < TOX_SK_LEN)
		return;
	for (i = 0; i + TOX_SK_LEN <= m->hdr.len; i++)
		assert_false(memcmp(m->data + i, id->prof->vault->sk,
		    TOX_SK_LEN) == 0);
}

/* Sends a request, lets keyd run, returns the reply type (or 0). */
static uint16_t
request(uint16_t type, const struct wr *w, int fd)
{
	static uint32_t	id = 100;

	id++;
	assert_int_equal(ipc_send(fe, type, id, w == NULL ? NULL : w->p,
	    w == NULL ? 0 : w->len, fd), 0);
	loop_once(1000);
	if (closed)
		return 0;
	assert_int_equal(ipc_recv(fe, &rep), 1);
	assert_int_equal(rep.hdr.id, id);
	assert_no_secret(&rep);
	return rep.hdr.type;
}

static uint16_t
error_code(void)
{
	struct ipc_error	e;
	struct rd		r;

	assert_int_equal(rep.hdr.type, IPC_ERROR);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_error(&r, &e), 0);
	return e.code;
}

static void
get_info(struct ipc_profile_info *info)
{
	struct rd	r;

	assert_int_equal(request(IPC_PROFILE_INFO_REQ, NULL, -1),
	    IPC_PROFILE_INFO_ANS);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_profile_info(&r, info), 0);
}

static void
get_id(uint16_t type, const struct wr *w, int fd, struct ipc_id *out)
{
	struct rd	r;

	assert_int_equal(request(type, w, fd), IPC_ID_ANS);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_id(&r, out), 0);
}

static void
pack_pass(struct wr *w, uint8_t *buf, size_t sz, const char *pass)
{
	struct ipc_pass	p;

	p.len = (uint16_t)strlen(pass);
	memcpy(p.p, pass, p.len);
	wr_init(w, buf, sz);
	ipc_pack_pass(w, &p);
}

static void
pack_create(struct wr *w, uint8_t *buf, size_t sz, uint8_t flags,
    const char *pass)
{
	struct ipc_profile_create	cr;

	cr.flags = flags;
	cr.pass.len = (uint16_t)strlen(pass);
	memcpy(cr.pass.p, pass, cr.pass.len);
	wr_init(w, buf, sz);
	ipc_pack_profile_create(w, &cr);
}

/* PROFILE_EXPORT, plain, with the passphrase given again. */
static void
export_plain(struct wr *w, uint8_t *buf, size_t sz, const char *pass)
{
	struct ipc_profile_create	ex;

	ex.flags = IPC_PF_PLAIN;
	ex.pass.len = (uint16_t)strlen(pass);
	memcpy(ex.pass.p, pass, ex.pass.len);
	wr_init(w, buf, sz);
	ipc_pack_profile_export(w, &ex);
}

static void
reopen(void)
{
	keyd_profile_close();
	assert_int_equal(keyd_profile_open(path, on_event, NULL), 0);
}

static void
dispatch_create_lock_unlock(void **state)
{
	struct ipc_profile_info	info;
	struct ipc_id		id1, id2;
	struct ipc_bytes	b;
	struct ipc_nospam	ns;
	struct ipc_self		self;
	uint8_t			buf[2048];
	struct wr		w;
	struct rd		r;

	get_info(&info);
	assert_int_equal(info.exists + info.encrypted + info.unlocked, 0);
	assert_int_equal(request(IPC_ID_REQ, NULL, -1), IPC_ERROR);
	assert_int_equal(error_code(), IPC_ERR_STATE);

	pack_create(&w, buf, sizeof(buf), 0, "hunter2");
	get_id(IPC_PROFILE_CREATE, &w, -1, &id1);
	get_info(&info);
	assert_true(info.exists && info.encrypted && info.unlocked);
	/* a second create is refused, the first profile stays */
	assert_int_equal(request(IPC_PROFILE_CREATE, &w, -1), IPC_ERROR);
	assert_int_equal(error_code(), IPC_ERR_STATE);

	b.len = 3;
	memcpy(b.b, "neo", 3);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_set_name(&w, &b);
	assert_int_equal(request(IPC_SET_NAME, &w, -1), IPC_OK);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_set_status(&w, 2);
	assert_int_equal(request(IPC_SET_STATUS, &w, -1), IPC_OK);
	b.len = 5;
	memcpy(b.b, "ready", 5);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_set_status_msg(&w, &b);
	assert_int_equal(request(IPC_SET_STATUS_MSG, &w, -1), IPC_OK);

	ns.has_value = 1;
	memcpy(ns.nospam, "\xca\xfe\xba\xbe", 4);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_nospam(&w, &ns);
	get_id(IPC_NOSPAM_SET, &w, -1, &id2);
	assert_memory_equal(id2.pk, id1.pk, 32);
	assert_memory_equal(id2.address + 32, "\xca\xfe\xba\xbe", 4);

	/* keyd restarts: the profile is there, encrypted and locked */
	reopen();
	get_info(&info);
	assert_true(info.exists && info.encrypted && !info.unlocked);
	assert_int_equal(request(IPC_ID_REQ, NULL, -1), IPC_ERROR);
	assert_int_equal(error_code(), IPC_ERR_STATE);
	pack_pass(&w, buf, sizeof(buf), "hunter3");
	assert_int_equal(request(IPC_PROFILE_UNLOCK, &w, -1), IPC_ERROR);
	assert_int_equal(error_code(), IPC_ERR_AUTH);
	pack_pass(&w, buf, sizeof(buf), "hunter2");
	assert_int_equal(request(IPC_PROFILE_UNLOCK, &w, -1), IPC_OK);
	get_id(IPC_ID_REQ, NULL, -1, &id1);
	assert_memory_equal(id1.address, id2.address, TOX_ADDRESS_LEN);
	assert_int_equal(request(IPC_SELF_REQ, NULL, -1), IPC_SELF_ANS);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_self(&r, &self), 0);
	assert_int_equal(self.status, 2);
	assert_int_equal(self.name_len, 3);
	assert_memory_equal(self.name, "neo", 3);
	assert_int_equal(self.status_msg_len, 5);
	assert_true(events >= 2);
	assert_false(closed);
}

static int
tmpfile_fd(const char *name)
{
	char	p[128];
	int	fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	return fd;
}

static void
dispatch_passwd_export_import(void **state)
{
	struct ipc_profile_info	 info;
	struct ipc_passwd	 pw;
	struct ipc_id		 id1, id2;
	struct profile		*p;
	uint8_t			 buf[4096], file[4096], plain[4096];
	size_t			 plen;
	ssize_t			 n;
	struct wr		 w;
	int			 fd, fd2;

	pack_create(&w, buf, sizeof(buf), IPC_PF_NOPASS, "");
	get_id(IPC_PROFILE_CREATE, &w, -1, &id1);
	get_info(&info);
	assert_true(info.exists && !info.encrypted && info.unlocked);

	memset(&pw, 0, sizeof(pw));
	pw.new.len = 3;
	memcpy(pw.new.p, "pw2", 3);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_passwd(&w, &pw);
	assert_int_equal(request(IPC_PASSWD, &w, -1), IPC_OK);
	get_info(&info);
	assert_true(info.encrypted);
	/* now the old passphrase must be given: a wrong one is refused */
	pw.old.len = 3;
	memcpy(pw.old.p, "pw9", 3);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_passwd(&w, &pw);
	assert_int_equal(request(IPC_PASSWD, &w, -1), IPC_ERROR);
	assert_int_equal(error_code(), IPC_ERR_AUTH);

	/* export as stored: encrypted with pw2, into the file the
	 * supervisor handed keyd (a descriptor keyd then owns) */
	fd = tmpfile_fd("export.tox");
	keyd_profile_set_target(dup(fd), TARGET_EXPORT, NULL);
	pack_create(&w, buf, sizeof(buf), 0, "");
	assert_int_equal(request(IPC_PROFILE_EXPORT, &w, -1), IPC_OK);
	assert_true((n = pread(fd, file, sizeof(file), 0)) > 80);
	assert_int_equal(encsave_decrypt_pass((const uint8_t *)"pw2", 3, file,
	    (size_t)n, plain, sizeof(plain), &plen, NULL), ENCSAVE_OK);
	assert_int_equal(savedata_parse(plain, plen, &p), SD_OK);
	assert_memory_equal(p->pk, id1.pk, 32);
	profile_free(p);
	/* the file is used once */
	assert_int_equal(request(IPC_PROFILE_EXPORT, &w, -1), IPC_ERROR);
	assert_int_equal(error_code(), IPC_ERR_STATE);
	/* export plain: the passphrase again, or nothing is written */
	fd2 = tmpfile_fd("export-plain.tox");
	keyd_profile_set_target(dup(fd2), TARGET_EXPORT, NULL);
	export_plain(&w, buf, sizeof(buf), "pw9");
	assert_int_equal(request(IPC_PROFILE_EXPORT, &w, -1), IPC_ERROR);
	assert_int_equal(error_code(), IPC_ERR_AUTH);
	assert_int_equal(pread(fd2, file, sizeof(file), 0), 0);
	export_plain(&w, buf, sizeof(buf), "pw2");
	assert_int_equal(request(IPC_PROFILE_EXPORT, &w, -1), IPC_OK);
	assert_true((n = pread(fd2, file, sizeof(file), 0)) > 0);
	assert_int_equal(encsave_detect(file, (size_t)n), ENCSAVE_KIND_PLAIN);

	/* import over an existing profile needs REPLACE */
	keyd_profile_set_target(dup(fd), TARGET_IMPORT, NULL);
	pack_create(&w, buf, sizeof(buf), 0, "pw2");
	assert_int_equal(request(IPC_PROFILE_IMPORT, &w, -1), IPC_ERROR);
	assert_int_equal(error_code(), IPC_ERR_STATE);

	/* a fresh keyd with no profile imports the encrypted export */
	keyd_profile_close();
	snprintf(path, sizeof(path), "%s/second.tox", dir);
	assert_int_equal(keyd_profile_open(path, on_event, NULL), 0);
	pack_create(&w, buf, sizeof(buf), 0, "wrong");
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);	/* a fresh open's */
	keyd_profile_set_target(dup(fd), TARGET_IMPORT, NULL);
	assert_int_equal(request(IPC_PROFILE_IMPORT, &w, -1), IPC_ERROR);
	assert_int_equal(error_code(), IPC_ERR_AUTH);
	get_info(&info);
	assert_false(info.exists);
	pack_create(&w, buf, sizeof(buf), 0, "pw2");
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	keyd_profile_set_target(dup(fd), TARGET_IMPORT, NULL);
	get_id(IPC_PROFILE_IMPORT, &w, -1, &id2);
	assert_memory_equal(id2.address, id1.address, TOX_ADDRESS_LEN);
	get_info(&info);
	assert_true(info.exists && info.encrypted && info.unlocked);
	close(fd);
	close(fd2);
	snprintf(path, sizeof(path), "%s/profile.tox", dir);
}

static void
dispatch_closes_on_malformed(void **state)
{
	uint8_t		buf[8] = { 7 };
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	w.len = 1;			/* status 7: out of range */
	assert_int_equal(request(IPC_SET_STATUS, &w, -1), 0);
	assert_true(closed);
}

/*
 * Audit M4: a compromised frontend handing keyd its own stdout (or the
 * supervisor's log) for an export gets nothing written there: no message
 * may carry a descriptor to keyd, and without the supervisor's file
 * there is nothing to export into.
 */
static void
dispatch_export_takes_no_descriptor_from_the_frontend(void **state)
{
	uint8_t		buf[4096], got[64];
	struct ipc_id	id;
	struct wr	w;
	int		pp[2];

	pack_create(&w, buf, sizeof(buf), IPC_PF_NOPASS, "");
	get_id(IPC_PROFILE_CREATE, &w, -1, &id);
	assert_int_equal(pipe2(pp, O_CLOEXEC | O_NONBLOCK), 0);
	/* no file from the supervisor: refused */
	export_plain(&w, buf, sizeof(buf), "");
	assert_int_equal(request(IPC_PROFILE_EXPORT, &w, -1), IPC_ERROR);
	assert_int_equal(error_code(), IPC_ERR_STATE);
	/* "stdout" attached: a protocol violation, the channel closes */
	assert_int_equal(request(IPC_PROFILE_EXPORT, &w, pp[1]), 0);
	assert_true(closed);
	assert_int_equal(read(pp[0], got, sizeof(got)), -1);	/* empty */
	close(pp[0]);
	close(pp[1]);
}

static int
init(void **state)
{
	log_init("test", LOG_LVL_ERROR);
	return sodium_init() < 0 ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(dispatch_create_lock_unlock,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(dispatch_passwd_export_import,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(dispatch_closes_on_malformed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    dispatch_export_takes_no_descriptor_from_the_frontend,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, init, NULL);
}
