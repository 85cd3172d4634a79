/*
 * The frontend's output: replies, events and the requests commands send.
 * A command ends with exactly one ui_reply_ok() or ui_reply_err(); JSON
 * mode prints {"reply": cmd, "ok": ...}, the interactive CLI renders the
 * same object as text.  Events (ui_event) reach both likewise.
 *
 * This layer never calls up into the main loop: when the last command in
 * flight has its reply it calls the hook frontend.c set (ui_set_idle),
 * which shows a prompt, reads on, or exits.
 */
#ifndef BULKHEAD_FRONTEND_UI_H
#define BULKHEAD_FRONTEND_UI_H

#include <jansson.h>
#include <stdint.h>

#include "ipc/chan.h"

enum ui_mode {
	UI_CLI,
	UI_JSON,
};

/* One command in flight: what its reply needs. */
struct cmd_ctx {
	const char	*name;		/* the command's, for "reply" */
	json_t		*tag;		/* the request's "id", echoed */
	int		 done;		/* replied */
	int		 in_cb;		/* an answer callback runs */
	int		 waiting;	/* requests in flight */
	void		*data;		/* a multi-step command's state */
	/* frees data if it is still set when the command ends (a request
	 * failed and its callback was never called) */
	void		(*data_free)(void *);
};

extern enum ui_mode	 ui_mode;
/* Bumped whenever the CLI prints a line (a reply, an event, a typed line
 * the editor left on screen): a line drawn to be redrawn in place is
 * still the last one only while this has not moved. */
extern unsigned long	 ui_printed;
/* Replies that were errors so far (a one-shot run exits 1 if any). */
extern int		 ui_errors;

/* A context for a reply; name must outlive it (a table's, or static). */
struct cmd_ctx	*ui_ctx(const char *name, json_t *tag);

/* Replies: each consumes obj (may be NULL); exactly one per command. */
void	ui_reply_ok(struct cmd_ctx *, json_t *obj);
void	ui_reply_err(struct cmd_ctx *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* A reply to a line that is no request: "reply" null, "id" if read. */
void	ui_reply_unparsed(json_t *tag, const char *msg);
/* An event: {"event": name, ...obj}; consumes obj. */
void	ui_event(const char *name, json_t *obj);
/* A line for the interactive CLI only (prompts, help). */
void	ui_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Sends a request on a channel and calls cb with its answer (ipc/chan.c
 * ends every request once: if the channel closes or the deadline passes
 * the command fails saying so, and cb is not called).
 */
int	ui_request(struct cmd_ctx *, struct chan *, uint16_t type,
	    const void *, size_t, int fd,
	    void (*cb)(struct cmd_ctx *, struct ipc_msg *));
/* Helper for callbacks that expect IPC_OK: replies ok or the error text. */
void	ui_reply_from_ok(struct cmd_ctx *, struct ipc_msg *);

/* Commands in flight (replied or not, with requests out). */
int	ui_busy(void);
/*
 * Called whenever the last command in flight has ended (from a reply or
 * an answer; never from inside ui_request).
 */
void	ui_set_idle(void (*idle)(void));
/* CLI events held back until ui_hold(0): not in the middle of a prompt. */
void	ui_hold(int);
/* Events are dropped (a one-shot command prints only its answer). */
void	ui_quiet(void);
/*
 * CLI events come unasked, maybe while a line is being typed: hide() is
 * called before one is printed (it takes the prompt and the partial line
 * off the screen) and show() after (it draws them again, the cursor where
 * it was).  input.c sets them; NULL for none.
 */
void	ui_set_screen(void (*hide)(void), void (*show)(void));

#endif
