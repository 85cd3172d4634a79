/* Passphrase input: see passphrase.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "frontend/passphrase.h"

volatile sig_atomic_t	pass_interrupted;

void
pass_wipe(struct pass *p)
{
	explicit_bzero(p, sizeof(*p));
}

static int
set_line(struct pass *out, const char *s, size_t n)
{
	if (n > PASS_MAX)
		return -1;
	memcpy(out->p, s, n);
	out->len = n;
	return 0;
}

int
pass_split(const char *buf, size_t len, struct pass *first,
    struct pass *second)
{
	const char	*nl;
	size_t		 n;

	pass_wipe(first);
	pass_wipe(second);
	if (len == 0)
		return 0;
	nl = memchr(buf, '\n', len);
	n = nl != NULL ? (size_t)(nl - buf) : len;
	if (set_line(first, buf, n) == -1)
		return -1;
	if (nl == NULL || (size_t)(nl - buf) + 1 == len)
		return 1;
	buf = nl + 1;
	len -= n + 1;
	nl = memchr(buf, '\n', len);
	n = nl != NULL ? (size_t)(nl - buf) : len;
	/* nothing but an optional newline may follow the second line */
	if (set_line(second, buf, n) == -1 ||
	    (nl != NULL && (size_t)(nl - buf) + 1 != len))
		return -1;
	return 2;
}

int
pass_read_fd(int fd, struct pass *first, struct pass *second)
{
	char	buf[2 * PASS_MAX + 3];
	size_t	len = 0;
	ssize_t	n;
	int	rv;

	for (;;) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == sizeof(buf)) {
			explicit_bzero(buf, sizeof(buf));
			return -1;
		}
	}
	rv = pass_split(buf, len, first, second);
	explicit_bzero(buf, sizeof(buf));
	return rv;
}

int
pass_prompt(const char *prompt, struct pass *out)
{
	struct termios	old, quiet;
	char		c;
	ssize_t		n;
	int		rv = PASS_EOF, toolong = 0;

	pass_wipe(out);
	if (tcgetattr(STDIN_FILENO, &old) == -1)
		return PASS_NOTTY;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	/*
	 * Echo off before the prompt shows, or what is typed at once is
	 * echoed; and TCSANOW, not TCSAFLUSH, which would throw it away.
	 */
	if (tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == -1)
		return PASS_NOTTY;
	printf("%s", prompt);
	fflush(stdout);
	for (;;) {
		if (pass_interrupted) {
			rv = PASS_INTR;
			break;
		}
		n = read(STDIN_FILENO, &c, 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (c == '\n') {
			rv = toolong ? PASS_TOOLONG : 0;
			break;
		}
		if (out->len == PASS_MAX) {
			toolong = 1;	/* read on to the end of the line */
			continue;
		}
		out->p[out->len++] = c;
	}
	c = 0;
	(void)tcsetattr(STDIN_FILENO, TCSANOW, &old);
	printf("\n");
	fflush(stdout);
	if (rv != 0)
		pass_wipe(out);
	return rv;
}
