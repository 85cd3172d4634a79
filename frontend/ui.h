/*
 * The frontend's two faces over one command table.  A command runs the same
 * in both modes and ends with exactly one ui_reply_ok() or ui_reply_err();
 * JSON mode prints {"reply": cmd, "ok": ...}, the interactive CLI renders
 * the same object as text.  Events (ui_event) reach both likewise.
 */
#ifndef BULKHEAD_FRONTEND_UI_H
#define BULKHEAD_FRONTEND_UI_H

#include <jansson.h>
#include <stdint.h>

#include "ipc/chan.h"

struct cmd_ctx;

/* A command: args is the JSON object of the request (never NULL). */
struct cmd {
	const char	*name;
	void		(*run)(struct cmd_ctx *, json_t *args);
	/*
	 * Interactive form: names of positional arguments, space separated;
	 * a trailing '*' takes the rest of the line ("name*").  NULL: none.
	 */
	const char	*cli_args;
	const char	*help;
};

enum ui_mode {
	UI_CLI,
	UI_JSON,
};

/* One command in flight. */
struct cmd_ctx {
	const struct cmd	*cmd;
	json_t			*tag;		/* the request's "id", echoed */
	int			 done;		/* replied */
	int			 in_cb;		/* an answer callback runs */
	int			 waiting;	/* requests in flight */
	void			*data;		/* a multi-step command's state */
};

extern enum ui_mode	 ui_mode;
extern struct chan	 ch_keyd, ch_mediad;
struct chan	*ui_sup(void);		/* the supervisor channel */

/* Replies: each consumes obj (may be NULL); exactly one per command. */
void	ui_reply_ok(struct cmd_ctx *, json_t *obj);
void	ui_reply_err(struct cmd_ctx *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* An event: {"event": name, ...obj}; consumes obj. */
void	ui_event(const char *name, json_t *obj);
/* A line for the interactive CLI only (prompts, help). */
void	ui_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Sends a request on a channel and calls cb with the reply whose id
 * matches.  If the channel closes first, the command fails with a message.
 */
int	ui_request(struct cmd_ctx *, struct chan *, uint16_t type,
	    const void *, size_t, int fd,
	    void (*cb)(struct cmd_ctx *, struct ipc_msg *));
/* Helper for callbacks that expect IPC_OK: replies ok or the error text. */
void	ui_reply_from_ok(struct cmd_ctx *, struct ipc_msg *);

/* Command tables, one per area; commands.c joins them. */
extern const struct cmd	cmds_core[];
extern const struct cmd	cmds_profile[];
extern const struct cmd	cmds_net[];
/* The DHT status from netd (cmd_net.c): NET_STATUS's payload (-1 if
 * malformed), and for `status`. */
int	net_status_msg(struct rd *);
json_t	*net_status_json(void);
const struct cmd *cmd_find(const char *name);
void	cmd_run(const struct cmd *, json_t *args);
void	cmd_help(void);

/* Input: parse one line in each mode and run it. */
void	json_mode_line(const char *line, size_t len);
void	cli_line(const char *line, size_t len);
void	cli_prompt(void);

/* Replies that were errors so far (a one-shot run exits 1 if any). */
extern int	ui_errors;
/* The command loop has started: CLI events held back until now show. */
void	ui_started(void);
/* Exit (with code) as soon as the command now running has replied. */
void	ui_exit_after_reply(int code);
/* One-shot run: exit after the final reply, 1 if any reply was an error. */
void	ui_set_oneshot(void);
/* Exits once every command in flight has its reply (quit, end of input). */
void	ui_exit_when_idle(int code);
/* Ends the frontend: flush and exit with code. */
__attribute__((noreturn))
void	frontend_exit(int code);

#endif
