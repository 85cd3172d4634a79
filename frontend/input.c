/* Reading commands: see input.h. */
#include <sys/epoll.h>
#include <sys/syscall.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>

#include "common/log.h"
#include "common/loop.h"
#include "frontend/cmd.h"
#include "frontend/input.h"
#include "frontend/json_cmd.h"

#define PROMPT	"bulkhead> "

static struct ev_src	 in_src;
static char		 inbuf[JSON_CMD_MAX_LINE + 2];
static size_t		 inlen;
static int		 discarding;	/* an over-long line is being skipped */
static int		 eof;		/* nothing more will come */
static int		 is_file;	/* epoll refused it: read when idle */
static int		 editing;	/* libedit on a terminal */
static int		 reading;	/* in_src is watched */
static int		 prompted;	/* the prompt is up for the next line */
static int		 line_up;	/* the editor has a line on screen */
static int		 pumping, again;
static int		 ended;
static void		(*on_eof)(void);

static void
run_line(const char *line, size_t len)
{
	ui_printed++;		/* the line stays on screen */
	if (ui_mode == UI_JSON)
		json_mode_line(line, len);
	else
		cli_line(line, len);
}

/* Completion of command names, the first word only. */
static char *
complete_name(const char *text, int state)
{
	static json_t	*names;
	static size_t	 i;
	const char	*n;

	if (state == 0) {
		json_decref(names);
		names = cmd_list();
		i = 0;
	}
	while (i < json_array_size(names)) {
		n = json_string_value(json_object_get(json_array_get(names,
		    i++), "name"));
		if (strncmp(n, text, strlen(text)) == 0)
			return strdup(n);
	}
	return NULL;
}

static char **
complete(const char *text, int start, int end)
{
	rl_attempted_completion_over = 1;	/* no file names */
	if (start != 0)
		return NULL;
	return rl_completion_matches(text, complete_name);
}

/* A whole line from the editor: queued, run from pump() once it returns. */
static void
edited(char *line)
{
	size_t	n;

	rl_callback_handler_remove();
	line_up = 0;
	if (line == NULL) {		/* Ctrl-D on an empty line */
		printf("\n");
		eof = 1;
		return;
	}
	n = strlen(line);
	if (n > 0 && n + 1 <= sizeof(inbuf) - inlen) {
		add_history(line);	/* in memory only: never written */
		memcpy(inbuf + inlen, line, n);
		inlen += n;
	}
	if (inlen < sizeof(inbuf))
		inbuf[inlen++] = '\n';
	free(line);
}

static void
watch(int on)
{
	if (is_file || eof || on == reading)
		return;
	loop_mod(&in_src, on ? EPOLLIN : 0);
	reading = on;
}

/* Reads what is there: one read() for a pipe, a chunk of a file. */
static void
fill(void)
{
	ssize_t	n;

	n = read(STDIN_FILENO, inbuf + inlen, sizeof(inbuf) - inlen);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		fatal("read stdin");
	}
	if (n == 0)
		eof = 1;
	inlen += (size_t)n;
}

/* The CLI runs a line once the one before has its reply (then the
 * prompt); JSON requests run as they come and are matched by "id". */
static int
serial(void)
{
	return ui_mode == UI_CLI;
}

/*
 * Runs the buffered lines (in the CLI one at a time) and reads more.  A
 * reply given at once calls input_idle() from inside run_line(): that
 * only asks for another round.
 */
static void
pump(void)
{
	char	*nl;
	size_t	 used;

	if (pumping) {
		again = 1;
		return;
	}
	pumping = 1;
	do {
		again = 0;
		while (!(serial() && ui_busy()) && !ended) {
			if ((nl = memchr(inbuf, '\n', inlen)) != NULL) {
				used = (size_t)(nl - inbuf) + 1;
				*nl = '\0';
				if (!discarding)
					run_line(inbuf, used - 1);
				discarding = 0;
				prompted = 0;
				memmove(inbuf, inbuf + used, inlen - used);
				inlen -= used;
				continue;
			}
			if (inlen == sizeof(inbuf)) {
				/* Longer than any request may be: answer
				 * once, skip to '\n'. */
				if (!discarding)
					run_line(inbuf, inlen);
				discarding = 1;
				inlen = 0;
				continue;
			}
			if (eof) {
				if (inlen > 0 && !discarding) {
					inbuf[inlen++] = '\n';
					continue;
				}
				ended = 1;
				watch(0);
				on_eof();
				break;
			}
			if (is_file) {
				fill();
				continue;
			}
			if (editing && !prompted) {
				rl_callback_handler_install(PROMPT, edited);
				line_up = 1;
			} else if (ui_mode == UI_CLI && !prompted) {
				printf(PROMPT);
				fflush(stdout);
			}
			prompted = 1;
			watch(1);
			break;
		}
		if (serial() && ui_busy())
			watch(0);	/* the next line waits its turn */
	} while (again);
	pumping = 0;
}

/*
 * Columns from the prompt's start to the cursor, as the editor draws them:
 * a control character as ^X, a UTF-8 sequence as one (wide characters
 * are not told apart).  rl_point and rl_line_buffer are the editor's
 * after each key.
 */
static size_t
cursor_columns(void)
{
	const unsigned char	*p = (const unsigned char *)rl_line_buffer;
	size_t			 col = strlen(PROMPT);
	int			 i;

	for (i = 0; p != NULL && i < rl_point && i < rl_end; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			col += 2;
		else if ((p[i] & 0xc0) != 0x80)
			col++;
	}
	return col;
}

/*
 * An event is about to be printed: the prompt and the partial line go
 * (up to the row they start on, then erased to the end of the screen),
 * so that the event gets lines of its own.
 */
static void
screen_hide(void)
{
	int	rows, cols;
	size_t	up;

	if (!editing || !line_up)
		return;
	rl_get_screen_size(&rows, &cols);
	up = cols > 0 ? cursor_columns() / (size_t)cols : 0;
	printf("\r");
	if (up > 0)
		printf("\033[%zuA", up);
	printf("\033[J");
	fflush(stdout);
}

/* The event is out: the editor draws prompt and line again from the
 * start of a fresh row, the cursor where it was. */
static void
screen_show(void)
{
	if (!editing || !line_up)
		return;
	rl_forced_update_display();
	fflush(stdout);
}

static void
stdin_cb(struct ev_src *src, uint32_t events)
{
	if (editing)
		rl_callback_read_char();
	else
		fill();
	pump();
}


void
input_init(void)
{
	if (ui_mode != UI_CLI || !isatty(STDIN_FILENO) ||
	    !isatty(STDOUT_FILENO))
		return;
	/* libedit would install signal handlers at each line: the sandbox
	 * allows no sigaction then, and SIGINT is the frontend's own */
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_readline_name = "bulkhead";
	rl_attempted_completion_function = complete;
	rl_instream = stdin;
	rl_outstream = stdout;
	if (rl_initialize() != 0)
		return;
	stifle_history(500);
	editing = 1;
	ui_set_screen(screen_hide, screen_show);
}

void
input_start(void (*at_eof)(void))
{
	on_eof = at_eof;
	in_src.fd = STDIN_FILENO;
	in_src.cb = stdin_cb;
	/* stdin stays blocking: O_NONBLOCK would leak into the user's shell
	 * through the shared terminal; one read() per EPOLLIN never blocks */
	if (loop_try_add(&in_src, EPOLLIN) == -1) {
		if (errno != EPERM)
			fatal("epoll_ctl add fd 0");
		/* a regular file or /dev/null: never blocks, never signals */
		is_file = 1;
		editing = 0;
	} else
		reading = 1;
	pump();
}

void
input_idle(void)
{
	if (on_eof != NULL)
		pump();
}

void
input_end(void)
{
	ended = 1;
	if (editing && prompted) {
		rl_callback_handler_remove();
		prompted = 0;
		line_up = 0;
	}
	if (editing)
		rl_deprep_terminal();
}
