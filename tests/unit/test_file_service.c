/*
 * The supervisor's file service (supervisor/file_service.c) in a scratch
 * directory: each mode's descriptor and answer, each refusal's errno (a
 * directory, a FIFO that must not hang us, a file that exists, a symlink
 * in the way, the profile's directory, a NUL, no download directory), a
 * friend's hostile names landing inside the download directory only; then
 * the handler on a real channel, as the frontend would use it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/loop.h"
#include "ipc/chan.h"
#include "ipc/msg_core.h"
#include "ipc/msg_file.h"
#include "supervisor/file_service.h"

static char	root[4096], dl[4300], profile[4300], oldcwd[4096];
static struct ipc_file_open	req;
static struct ipc_file_opened	ans;

static int
scratch_setup(void **state)
{
	char	dir[4096];

	snprintf(root, sizeof(root), "/tmp/test_file_service.XXXXXX");
	if (mkdtemp(root) == NULL || getcwd(oldcwd, sizeof(oldcwd)) == NULL)
		return -1;
	/* realpath: /tmp may be a link, answers are resolved */
	if (realpath(root, dir) == NULL || strlen(dir) >= 64)
		return -1;
	memcpy(root, dir, strlen(dir) + 1);
	if (snprintf(dl, sizeof(dl), "%s/dl/bulkhead", root) < 0 ||
	    snprintf(dir, sizeof(dir), "%s/prof", root) < 0 ||
	    snprintf(profile, sizeof(profile), "%s/prof/profile.tox",
	    root) < 0 || mkdir(dir, 0700) == -1)
		return -1;
	file_service_init(dl, profile);
	return chdir(root);
}

static int
scratch_teardown(void **state)
{
	char	cmd[4300];

	if (chdir(oldcwd) == -1)
		return -1;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void
put_file(const char *path, const char *text)
{
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int
ask(uint8_t mode, const char *path, int *fd)
{
	req.mode = mode;
	req.len = (uint16_t)strlen(path);
	memcpy(req.path, path, req.len + 1);
	return file_service_open(&req, fd, &ans);
}

static void
read_mode(void **state)
{
	struct stat	st;
	char		buf[16], path[4300];
	int		fd, fl;

	put_file("send.txt", "hello, friend");
	/* relative to the supervisor's directory; the path as asked */
	assert_int_equal(ask(IPC_FILE_READ, "send.txt", &fd), 0);
	assert_int_equal(ans.err, 0);
	assert_true(ans.size == 13);
	/* the file's identity, to tell it from a changed one (resume) */
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(ans.dev == (uint64_t)st.st_dev);
	assert_true(ans.ino == (uint64_t)st.st_ino);
	assert_true(ans.mtime == (uint64_t)st.st_mtim.tv_sec * 1000000000u +
	    (uint64_t)st.st_mtim.tv_nsec);
	assert_true(ans.mtime != 0);
	assert_string_equal(ans.path, "send.txt");
	assert_int_equal(ans.len, 8);
	fl = fcntl(fd, F_GETFL);
	assert_int_equal(fl & O_ACCMODE, O_RDONLY);
	assert_int_equal(fl & O_NONBLOCK, 0);		/* cleared */
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(read(fd, buf, sizeof(buf)), 13);
	assert_int_equal(write(fd, "x", 1), -1);
	close(fd);
	snprintf(path, sizeof(path), "%s/send.txt", root);
	assert_int_equal(ask(IPC_FILE_READ, path, &fd), 0);
	close(fd);

	assert_int_equal(ask(IPC_FILE_READ, "nothing-here", &fd), ENOENT);
	assert_int_equal(fd, -1);
	assert_int_equal(ans.err, ENOENT);
	assert_int_equal(ans.len, 0);
	assert_int_equal(ask(IPC_FILE_READ, root, &fd), EISDIR);
	/* a FIFO with no writer: opened non-blocking, then refused */
	assert_int_equal(mkfifo("fifo", 0600), 0);
	assert_int_equal(ask(IPC_FILE_READ, "fifo", &fd), EINVAL);
	assert_int_equal(ask(IPC_FILE_READ, "/dev/null", &fd), EINVAL);
	assert_int_equal(fd, -1);
}

static void
read_mode_keeps_out_of_the_profile_dir(void **state)
{
	char	path[4300];
	int	fd;

	put_file(profile, "secret");
	assert_int_equal(ask(IPC_FILE_READ, profile, &fd), EACCES);
	assert_int_equal(fd, -1);
	/* nor by a symlink, nor by a hard link elsewhere */
	snprintf(path, sizeof(path), "%s/prof/profile.tox.outbox", root);
	put_file(path, "outbox");
	assert_int_equal(symlink(path, "link"), 0);
	assert_int_equal(ask(IPC_FILE_READ, "link", &fd), EACCES);
	assert_int_equal(link(profile, "hard"), 0);
	assert_int_equal(ask(IPC_FILE_READ, "hard", &fd), EACCES);
	snprintf(path, sizeof(path), "%s/prof/new.txt", root);
	assert_int_equal(ask(IPC_FILE_SAVE_AS, path, &fd), EACCES);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(ask(IPC_FILE_SAVE_AS, "prof/../prof/new.txt", &fd),
	    EACCES);
}

static void
save_as_mode(void **state)
{
	char		path[4300];
	struct stat	st;
	int		fd;

	assert_int_equal(mkdir("out", 0700), 0);
	assert_int_equal(ask(IPC_FILE_SAVE_AS, "out/../out/got.bin", &fd), 0);
	snprintf(path, sizeof(path), "%s/out/got.bin", root);
	assert_string_equal(ans.path, path);		/* absolute, resolved */
	assert_true(ans.size == 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	close(fd);
	/* never over anything: a file, a symlink (even a dangling one) */
	assert_int_equal(ask(IPC_FILE_SAVE_AS, path, &fd), EEXIST);
	put_file("victim", "keep");
	assert_int_equal(symlink("victim", "out/ln"), 0);
	assert_int_equal(symlink("/nonexistent/x", "out/dangle"), 0);
	assert_int_equal(ask(IPC_FILE_SAVE_AS, "out/ln", &fd), EEXIST);
	assert_int_equal(ask(IPC_FILE_SAVE_AS, "out/dangle", &fd), EEXIST);
	assert_int_equal(stat("victim", &st), 0);
	assert_int_equal(st.st_size, 4);
	/* a directory is no file name */
	assert_int_equal(ask(IPC_FILE_SAVE_AS, "out/", &fd), EISDIR);
	assert_int_equal(ask(IPC_FILE_SAVE_AS, "out/..", &fd), EISDIR);
	assert_int_equal(ask(IPC_FILE_SAVE_AS, "no/such/dir/f", &fd), ENOENT);
	/* in the current directory */
	assert_int_equal(ask(IPC_FILE_SAVE_AS, "here.txt", &fd), 0);
	snprintf(path, sizeof(path), "%s/here.txt", root);
	assert_string_equal(ans.path, path);
	close(fd);
}

static void
incoming_mode(void **state)
{
	static const char *const	hostile[] = { "../x", "../../../tmp/x",
	    ".bashrc", "/etc/passwd", "a\x1b[2J\nb", "", "..", "x\xe2\x80\xae"
	    "gpj.exe" };
	char				path[4600];
	struct stat			st;
	size_t				i;
	int				fd;

	/* made on the first file, not before */
	assert_int_equal(stat(dl, &st), -1);
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		req.mode = IPC_FILE_INCOMING;
		req.len = (uint16_t)strlen(hostile[i]);
		memcpy(req.path, hostile[i], req.len + 1);
		if (req.len == 0) {		/* the codec never gives 0 */
			assert_int_equal(file_service_open(&req, &fd, &ans),
			    EINVAL);
			continue;
		}
		assert_int_equal(file_service_open(&req, &fd, &ans), 0);
		/* directly in the download directory, nowhere else */
		assert_int_equal(strncmp(ans.path, dl, strlen(dl)), 0);
		assert_int_equal(ans.path[strlen(dl)], '/');
		assert_null(strchr(ans.path + strlen(dl) + 1, '/'));
		assert_true(ans.path[strlen(dl) + 1] != '.');
		assert_int_equal(fstat(fd, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
		assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
		close(fd);
		assert_int_equal(stat(ans.path, &st), 0);
	}
	assert_int_equal(stat(dl, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/dl", root);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* the same name twice: two files */
	assert_int_equal(ask(IPC_FILE_INCOMING, "photo.jpg", &fd), 0);
	snprintf(path, sizeof(path), "%s/photo.jpg", dl);
	assert_string_equal(ans.path, path);
	close(fd);
	assert_int_equal(ask(IPC_FILE_INCOMING, "photo.jpg", &fd), 0);
	snprintf(path, sizeof(path), "%s/photo (1).jpg", dl);
	assert_string_equal(ans.path, path);
	close(fd);
	snprintf(path, sizeof(path), "%s/_x", dl);
	assert_int_equal(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/bashrc", dl);
	assert_int_equal(stat(path, &st), 0);
	/* no download directory: refused */
	file_service_init("", profile);
	assert_int_equal(ask(IPC_FILE_INCOMING, "a", &fd), ENOENT);
	assert_int_equal(fd, -1);
	/* a file where the directory should be */
	snprintf(path, sizeof(path), "%s/send.txt/bulkhead", root);
	put_file("send.txt", "x");
	file_service_init(path, profile);
	assert_int_equal(ask(IPC_FILE_INCOMING, "a", &fd), ENOTDIR);
}

/* A file INCOMING made is opened again to write on; nothing else is. */
static void
resume_mode(void **state)
{
	char	path[4600], made[4600], other[4600];
	int	fd;

	assert_int_equal(ask(IPC_FILE_INCOMING, "half.bin", &fd), 0);
	snprintf(made, sizeof(made), "%s", ans.path);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	close(fd);
	assert_int_equal(ask(IPC_FILE_RESUME, made, &fd), 0);
	assert_true(ans.size == 10);
	assert_string_equal(ans.path, made);
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	close(fd);
	/* outside the download directory, even through "..": refused */
	put_file("send.txt", "mine");
	snprintf(path, sizeof(path), "%s/send.txt", root);
	assert_int_equal(ask(IPC_FILE_RESUME, path, &fd), EACCES);
	snprintf(path, sizeof(path), "%s/../send.txt", dl);
	assert_int_equal(ask(IPC_FILE_RESUME, path, &fd), EACCES);
	snprintf(path, sizeof(path), "%s/.hidden", dl);
	assert_int_equal(ask(IPC_FILE_RESUME, path, &fd), EACCES);
	assert_int_equal(ask(IPC_FILE_RESUME, "half.bin", &fd), EACCES);
	/* a link planted in the download directory is not followed */
	snprintf(path, sizeof(path), "%s/send.txt", root);
	snprintf(other, sizeof(other), "%s/link.bin", dl);
	assert_int_equal(symlink(path, other), 0);
	assert_int_equal(ask(IPC_FILE_RESUME, other, &fd), ELOOP);
	assert_int_equal(fd, -1);
	/* gone: said so */
	snprintf(path, sizeof(path), "%s/gone.bin", dl);
	assert_int_equal(ask(IPC_FILE_RESUME, path, &fd), ENOENT);
}

static void
bad_requests(void **state)
{
	int	fd;

	req.mode = IPC_FILE_READ;
	memcpy(req.path, "a\0b", 4);
	req.len = 3;
	assert_int_equal(file_service_open(&req, &fd, &ans), EINVAL);
	req.mode = 9;
	req.len = 1;
	assert_int_equal(file_service_open(&req, &fd, &ans), EINVAL);
	assert_int_equal(fd, -1);
	assert_int_equal(ans.err, EINVAL);
}

/* The handler on a channel, the test playing the frontend. */
static const struct chan_handler	rows[] = {
	{ IPC_FILE_OPEN, 0, file_service_on_open },
};
static const struct chan_table		table = { CHAN_ROWS(rows), NULL };
static const struct chan_tables		tables = { { &table } };
static struct ipc_msg			m;

static void
through_a_channel(void **state)
{
	struct ipc_hello	 h = { .role = ROLE_FRONTEND };
	struct ipc_file_opened	 got;
	struct chan		 c;
	uint8_t			 buf[IPC_FILE_OPEN_MAX];
	struct wr		 w;
	struct rd		 r;
	char			 text[8];
	int			 sv[2], i;

	put_file("send.txt", "abc");
	loop_init();
	memset(&c, 0, sizeof(c));
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
	    sv), 0);
	chan_open(&c, sv[1], ROLE_SUP, ROLE_FRONTEND, &tables, NULL, NULL);
	assert_int_equal(ipc_recv(sv[0], &m), 1);	/* its HELLO */
	memcpy(h.build_id, ipc_build_id, sizeof(h.build_id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &h);
	assert_int_equal(ipc_send(sv[0], IPC_HELLO, 0, w.p, w.len, -1), 0);

	req.mode = IPC_FILE_READ;
	req.len = 8;
	memcpy(req.path, "send.txt", 9);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_open(&w, &req);
	assert_int_equal(ipc_send(sv[0], IPC_FILE_OPEN, 77, w.p, w.len, -1),
	    0);
	for (i = 0; i < 5; i++)
		loop_once(10);
	assert_int_equal(ipc_recv(sv[0], &m), 1);
	assert_int_equal(m.hdr.type, IPC_FILE_OPENED);
	assert_int_equal(m.hdr.id, 77);
	rd_init(&r, m.data, m.hdr.len);
	assert_int_equal(ipc_unpack_file_opened(&r, &got), 0);
	assert_int_equal(got.err, 0);
	assert_true(got.size == 3);
	assert_true(m.fd >= 0);
	assert_int_equal(read(m.fd, text, sizeof(text)), 3);
	close(m.fd);

	/* an unknown mode: answered EINVAL, no descriptor, channel open */
	buf[0] = 7;
	assert_int_equal(ipc_send(sv[0], IPC_FILE_OPEN, 78, w.p, w.len, -1),
	    0);
	for (i = 0; i < 5; i++)
		loop_once(10);
	assert_int_equal(ipc_recv(sv[0], &m), 1);
	assert_int_equal(m.hdr.id, 78);
	assert_int_equal(m.fd, -1);
	rd_init(&r, m.data, m.hdr.len);
	assert_int_equal(ipc_unpack_file_opened(&r, &got), 0);
	assert_int_equal(got.err, EINVAL);
	assert_true(c.open);
	chan_close(&c, "test over");
	close(sv[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(read_mode, scratch_setup,
		    scratch_teardown),
		cmocka_unit_test_setup_teardown(
		    read_mode_keeps_out_of_the_profile_dir, scratch_setup,
		    scratch_teardown),
		cmocka_unit_test_setup_teardown(save_as_mode, scratch_setup,
		    scratch_teardown),
		cmocka_unit_test_setup_teardown(incoming_mode, scratch_setup,
		    scratch_teardown),
		cmocka_unit_test_setup_teardown(resume_mode, scratch_setup,
		    scratch_teardown),
		cmocka_unit_test_setup_teardown(bad_requests, scratch_setup,
		    scratch_teardown),
		cmocka_unit_test_setup_teardown(through_a_channel,
		    scratch_setup, scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
