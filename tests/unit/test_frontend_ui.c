/*
 * The frontend's replies in JSON mode: an error text that is not UTF-8
 * (keyd's ERROR relays netd's text; a long text may be cut inside a
 * character) is still one JSON line, sanitized, and the frontend goes on.
 * (Found by tests/fuzz/fuzz_render.c: jansson refused the text and the
 * frontend exited in emit_json.)
 */
#include <sys/mman.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/log.h"
#include "frontend/frontend.h"
#include "frontend/ui.h"

/* What frontend.c, the role's main, provides; never called here. */
struct chan *
frontend_chan(enum role r)
{
	fail();
	return NULL;
}

void
frontend_quit(int code)
{
	fail();
}

void
frontend_exit(int code)
{
	fail_msg("frontend_exit(%d)", code);
	abort();
}

static int		out_fd;

/* One error reply; returns its line, parsed. */
static json_t *
reply_err(const char *text)
{
	struct cmd_ctx	*ctx;
	char		 line[4096];
	ssize_t		 n;
	json_t		*j;
	int		 saved;

	assert_int_equal(ftruncate(out_fd, 0), 0);
	assert_int_equal(lseek(out_fd, 0, SEEK_SET), 0);
	assert_non_null(ctx = ui_ctx("test", NULL));
	fflush(stdout);
	assert_true((saved = dup(STDOUT_FILENO)) >= 0);
	assert_int_equal(dup2(out_fd, STDOUT_FILENO), STDOUT_FILENO);
	ui_reply_err(ctx, "%s", text);
	fflush(stdout);
	assert_int_equal(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);
	close(saved);
	n = pread(out_fd, line, sizeof(line) - 1, 0);
	assert_true(n > 1);
	assert_int_equal(line[n - 1], '\n');
	assert_null(memchr(line, '\n', (size_t)n - 1));
	assert_non_null(j = json_loadb(line, (size_t)n, 0, NULL));
	assert_string_equal(json_string_value(json_object_get(j, "reply")),
	    "test");
	assert_true(json_is_false(json_object_get(j, "ok")));
	return j;
}

static void
ui_error_text_not_utf8(void **state)
{
	char	 longtext[600];
	json_t	*j;

	j = reply_err("caf\xc3\xa9 ok");
	assert_string_equal(json_string_value(json_object_get(j, "error")),
	    "caf\xc3\xa9 ok");
	json_decref(j);
	j = reply_err("bad \xff\xfe bytes");
	assert_string_equal(json_string_value(json_object_get(j, "error")),
	    "bad ?? bytes");
	json_decref(j);
	/* valid UTF-8, cut by the reply's 512-byte buffer mid-character */
	memset(longtext, 'a', sizeof(longtext));
	memcpy(longtext + 510, "\xc3\xa9", 2);
	longtext[sizeof(longtext) - 1] = '\0';
	j = reply_err(longtext);
	assert_int_equal(json_string_length(json_object_get(j, "error")), 511);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ui_error_text_not_utf8),
	};

	log_init("test", LOG_LVL_ERROR);
	ui_mode = UI_JSON;
	if ((out_fd = memfd_create("stdout", MFD_CLOEXEC)) == -1)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
