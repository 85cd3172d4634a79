/*
 * Logging: one write(2) per line to fd 2.  In a role, fd 2 is a pipe the
 * supervisor reads and relays, so roles need no files and nothing extra in
 * their seccomp tables.  fatal() and fatalx() end the process: a role never
 * limps on after an internal error.
 */
#ifndef BULKHEAD_LOG_H
#define BULKHEAD_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level {
	LOG_LVL_ERROR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

void	log_init(const char *procname, enum log_level);
void	log_setlevel(enum log_level);
enum log_level log_getlevel(void);
/* "error", "warn", "info", "debug" -> level; -1 if unknown. */
int	log_parse_level(const char *);
const char *log_level_name(enum log_level);
/*
 * Hands every line to fn instead of writing it to fd 2 (the supervisor
 * queues its lines so that a stderr nobody reads cannot block it); final
 * is set when the process exits right after (fatal).  NULL: fd 2 again.
 */
void	log_set_sink(void (*fn)(const char *line, size_t len, int final));

__attribute__((format(printf, 1, 2)))
void	log_warn(const char *, ...);	/* appends strerror(errno) */
__attribute__((format(printf, 1, 2)))
void	log_warnx(const char *, ...);
__attribute__((format(printf, 1, 2)))
void	log_info(const char *, ...);
__attribute__((format(printf, 1, 2)))
void	log_debug(const char *, ...);
__attribute__((noreturn, format(printf, 1, 2)))
void	fatal(const char *, ...);	/* appends strerror(errno) */
__attribute__((noreturn, format(printf, 1, 2)))
void	fatalx(const char *, ...);

#endif
