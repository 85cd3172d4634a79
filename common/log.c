/* Logging to fd 2, one write per line: see log.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static const char	*log_procname = "bulkhead";
static enum log_level	 log_level = LOG_LVL_INFO;
static void		(*log_sink)(const char *, size_t, int);

static const char *const level_names[] = {
	[LOG_LVL_ERROR] = "error",
	[LOG_LVL_WARN] = "warn",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
};

void
log_init(const char *procname, enum log_level lvl)
{
	log_procname = procname;
	log_level = lvl;
}

void
log_set_sink(void (*fn)(const char *, size_t, int))
{
	log_sink = fn;
}

void
log_setlevel(enum log_level lvl)
{
	log_level = lvl;
}

enum log_level
log_getlevel(void)
{
	return log_level;
}

int
log_parse_level(const char *s)
{
	size_t	i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcmp(s, level_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
log_level_name(enum log_level lvl)
{
	if ((unsigned)lvl >= sizeof(level_names) / sizeof(level_names[0]))
		return "?";
	return level_names[lvl];
}

static void
vlog(enum log_level lvl, int errnum, const char *fmt, va_list ap)
{
	char	msg[1024], line[1280];
	int	saved_errno = errno, n;

	if (lvl > log_level)
		return;
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	n = snprintf(line, sizeof(line), "%s[%d]: %s: %s%s%s\n", log_procname,
	    (int)getpid(), level_names[lvl], msg, errnum ? ": " : "",
	    errnum ? strerror(errnum) : "");
	if (n < 0)
		goto out;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	if (log_sink != NULL) {
		log_sink(line, (size_t)n, lvl == LOG_LVL_ERROR);
		goto out;
	}
	/* One write per line so relayed lines never interleave. */
	if (write(STDERR_FILENO, line, (size_t)n) == -1) {
		/* nowhere left to report it */
	}
out:
	errno = saved_errno;
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;
	int	e = errno;

	va_start(ap, fmt);
	vlog(LOG_LVL_WARN, e, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_WARN, 0, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_INFO, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_DEBUG, 0, fmt, ap);
	va_end(ap);
}

/* Under a fuzzer a fatal error is a finding: abort, so that libFuzzer
 * reports it and keeps the input (it cannot see _exit). */
__attribute__((noreturn))
static void
die(void)
{
#ifdef FUZZING
	abort();
#endif
	_exit(1);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;
	int	e = errno;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERROR, e, fmt, ap);
	va_end(ap);
	die();
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERROR, 0, fmt, ap);
	va_end(ap);
	die();
}
