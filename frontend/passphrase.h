/*
 * Passphrases: typed at the terminal with echo off, or for automation read
 * from a descriptor the supervisor opened (--passphrase-fd N,
 * --passphrase-file PATH); never from the command line or the environment.
 * The bytes are wiped as soon as they have been sent to keyd.
 */
#ifndef BULKHEAD_FRONTEND_PASSPHRASE_H
#define BULKHEAD_FRONTEND_PASSPHRASE_H

#include <signal.h>
#include <stddef.h>

#define PASS_MAX	1024

/* Why pass_prompt() read no passphrase. */
#define PASS_NOTTY	-1	/* standard input is not a terminal */
#define PASS_INTR	-2	/* Ctrl-C (pass_interrupted is set) */
#define PASS_EOF	-3	/* Ctrl-D, or the input ended */
#define PASS_TOOLONG	-4	/* longer than PASS_MAX */

/* Set by the SIGINT handler: a prompt ends at once, echo restored. */
extern volatile sig_atomic_t	pass_interrupted;

struct pass {
	size_t	len;
	char	p[PASS_MAX];
};

/*
 * Reads up to two lines (first: the passphrase, or the old one for
 * passwd; second: the new one for passwd) from fd, to its end.  A final
 * newline is not part of a passphrase.  Returns the number of lines (0..2),
 * or -1 if the input is too long or unreadable.
 */
int	pass_read_fd(int fd, struct pass *first, struct pass *second);
/* Splits buf the same way; for tests. */
int	pass_split(const char *, size_t, struct pass *, struct pass *);
/*
 * Asks on the terminal (fd 0/1) with echo off, which it always turns back
 * on.  Returns 0, or one of the PASS_ reasons above.  A SIGINT handler
 * installed without SA_RESTART makes the read end (PASS_INTR).
 */
int	pass_prompt(const char *prompt, struct pass *);
void	pass_wipe(struct pass *);

#endif
