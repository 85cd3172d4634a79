/* One-shot commands and their descriptors: see command.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisor/command.h"

static const char *const commands[] = {
	"init", "id", "self", "import", "export", "passwd", "nospam", NULL
};

static void
frontend_arg(struct options *o, const char *name, const char *val)
{
	options_role_arg(o, ROLE_FRONTEND, name, val);
}

/* The toxencryptsave header, read without moving the file's offset. */
static int
is_encrypted(int fd)
{
	char	magic[8];

	return pread(fd, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) &&
	    memcmp(magic, "toxEsave", sizeof(magic)) == 0;
}


void
command_prepare(struct options *o)
{
	const char *const	*c;
	const char		*file = NULL, *value = NULL, *a;
	int			 i, qr = 0, replace = 0, plain = 0;

	o->pass_fd_open = o->file_fd = -1;
	if (o->passphrase_file[0] != '\0') {
		if ((o->pass_fd_open = open(o->passphrase_file,
		    O_RDONLY | O_CLOEXEC)) == -1) {
			usage_err("--passphrase-file %s: %s",
			    o->passphrase_file, strerror(errno));
		}
	} else if (o->passphrase_fd != -1) {
		if ((o->pass_fd_open = fcntl(o->passphrase_fd,
		    F_DUPFD_CLOEXEC, 0)) == -1) {
			usage_err("--passphrase-fd %d: %s",
			    o->passphrase_fd, strerror(errno));
		}
		close(o->passphrase_fd);
	}
	if (o->pass_fd_open != -1)
		frontend_arg(o, "pass-fd", FD_PASS_STR);
	if (o->no_passphrase)
		frontend_arg(o, "no-passphrase", NULL);
	frontend_arg(o, "profile-name", o->profile);
	if (o->command == NULL)
		return;

	for (c = commands; *c != NULL; c++)
		if (strcmp(*c, o->command) == 0)
			break;
	if (*c == NULL)
		usage_err("unknown command '%s'", o->command);
	for (i = 0; i < o->command_argc; i++) {
		a = o->command_argv[i];
		if (strcmp(a, "--qr") == 0 && strcmp(o->command, "id") == 0)
			qr = 1;
		else if (strcmp(a, "--replace") == 0 &&
		    strcmp(o->command, "import") == 0)
			replace = 1;
		else if (strcmp(a, "--plain") == 0 &&
		    strcmp(o->command, "export") == 0)
			plain = 1;
		else if (a[0] == '-' && a[1] != '\0')
			usage_err("%s: not an option of %s", a, o->command);
		else if (strcmp(o->command, "nospam") == 0 && value == NULL)
			value = a;
		else if ((strcmp(o->command, "import") == 0 ||
		    strcmp(o->command, "export") == 0) && file == NULL)
			file = a;
		else
			usage_err("%s: unexpected argument '%s'", o->command,
			    a);
	}
	/* the frontend would say so too, but only after a passphrase */
	if (value != NULL && (strlen(value) != 8 ||
	    strspn(value, "0123456789abcdefABCDEF") != 8))
		usage_err("nospam: 8 hexadecimal digits, not '%s'", value);
	frontend_arg(o, "run", o->command);
	/*
	 * A one-shot command starts keyd and the frontend only (the one-shot
	 * topology, common/topology.c): no netd, so nothing on the network
	 * and no port to probe; nothing is fetched.
	 */
	o->no_udp = 1;
	o->nodes_url[0] = '\0';
	o->nodes_file[0] = '\0';
	if (qr)
		frontend_arg(o, "qr", NULL);
	if (replace)
		frontend_arg(o, "replace", NULL);
	if (plain)
		frontend_arg(o, "plain", NULL);
	if (value != NULL)
		frontend_arg(o, "run-arg", value);
	if (strcmp(o->command, "import") == 0 ||
	    strcmp(o->command, "export") == 0) {
		if (file == NULL)
			usage_err("%s: a FILE is needed", o->command);
		if (strcmp(o->command, "import") == 0)
			o->file_fd = open(file, O_RDONLY | O_CLOEXEC);
		else {
			/* never over an existing file: nothing is lost */
			o->file_fd = open(file, O_WRONLY | O_CREAT | O_EXCL |
			    O_CLOEXEC | O_NOFOLLOW, 0600);
			o->file_created = o->file_fd != -1;
		}
		if (o->file_fd == -1)
			usage_err("%s: %s", file, strerror(errno));
		snprintf(o->file_path, sizeof(o->file_path), "%s", file);
		/* keyd gets the file and checks it (keyd/target.c); the
		 * frontend only its name, and whether to ask the file's
		 * passphrase (the toxencryptsave magic) */
		options_role_arg(o, ROLE_KEYD, "target", o->command);
		frontend_arg(o, "file-name", file);
		if (strcmp(o->command, "import") == 0 && is_encrypted(o->file_fd))
			frontend_arg(o, "file-encrypted", NULL);
	}
}

void
command_finish(const struct options *o, int exit_code)
{
	if (o->file_created && exit_code != 0 && unlink(o->file_path) == 0)
		fprintf(stderr, "bulkhead: removed the incomplete %s\n",
		    o->file_path);
}
