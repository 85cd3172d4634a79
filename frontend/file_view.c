/* The CLI's view of file transfers: see file_view.h. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "frontend/chat_view.h"
#include "frontend/file_view.h"
#include "frontend/sanitize.h"
#include "frontend/ui.h"

#define BAR_WIDTH	20

/* The bar on screen: printed when ui_printed was this. */
static int		bar_up;
static unsigned long	bar_at;

void
file_view_size(unsigned long long n, char *out, size_t outsz)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB" };
	double	v = (double)n;
	size_t	i = 0;

	while (v >= 1000 && i + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1000;
		i++;
	}
	if (i == 0)
		snprintf(out, outsz, "%llu B", n);
	else
		snprintf(out, outsz, "%.1f %s", v, unit[i]);
}

static long long
int_of(json_t *obj, const char *key)
{
	json_t	*v = json_object_get(obj, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

static void
progress(const char *h, json_t *obj)
{
	long long	 bytes = int_of(obj, "bytes"), total = int_of(obj, "total");
	long long	 rate = int_of(obj, "rate"), left;
	char		 bar[BAR_WIDTH + 1], sz[32], rt[32], eta[32];
	int		 i, fill = 0, pct = -1;

	if (total > 0 && bytes >= 0) {
		pct = (int)(bytes * 100 / total);
		fill = (int)(bytes * BAR_WIDTH / total);
	}
	for (i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[BAR_WIDTH] = '\0';
	file_view_size(rate > 0 ? (unsigned long long)rate : 0, rt,
	    sizeof(rt));
	eta[0] = '\0';
	if (total > 0 && rate > 0 && bytes >= 0 && bytes <= total) {
		left = (total - bytes) / rate;
		snprintf(eta, sizeof(eta), "  %lld:%02lld left", left / 60,
		    left % 60);
	}
	/* the old bar, if it is still the last line, goes first */
	if (bar_up && bar_at == ui_printed)
		printf("\033[1A\r\033[2K");
	if (pct >= 0)
		printf("[%s] file %lld [%s] %3d%%  %s/s%s\n", h,
		    int_of(obj, "file"), bar, pct, rt, eta);
	else {
		file_view_size(bytes > 0 ? (unsigned long long)bytes : 0, sz,
		    sizeof(sz));
		printf("[%s] file %lld: %s  %s/s\n", h, int_of(obj, "file"),
		    sz, rt);
	}
	fflush(stdout);
	bar_up = 1;
	bar_at = ui_printed;
}

int
file_view_render(const char *event, json_t *obj)
{
	char		 h[64], name[4 * 255 + 1], sz[32];
	const char	*s;
	json_t		*v;

	if (strncmp(event, "file_", 5) != 0 || !json_is_object(obj) ||
	    chat_view_head(obj, h, sizeof(h)) == -1)
		return 0;
	if (strcmp(event, "file_progress") == 0) {
		if (isatty(STDOUT_FILENO))
			progress(h, obj);
		return 1;
	}
	/* any other line: the bar is no longer the last one */
	ui_printed++;
	if (strcmp(event, "file_offer") == 0) {
		v = json_object_get(obj, "name");
		s = json_is_string(v) ? sanitize_text(json_string_value(v),
		    json_string_length(v), name, sizeof(name)) : "";
		v = json_object_get(obj, "size");
		if (json_is_integer(v))
			file_view_size((unsigned long long)
			    json_integer_value(v), sz, sizeof(sz));
		else
			snprintf(sz, sizeof(sz), "size unknown");
		printf("[%s] offers \"%s\" (%s): file_accept %lld %lld\n", h,
		    s, sz, int_of(obj, "friend"), int_of(obj, "file"));
	} else if (strcmp(event, "file_done") == 0) {
		v = json_object_get(obj, "path");
		s = json_is_string(v) ? sanitize_text(json_string_value(v),
		    json_string_length(v), name, sizeof(name)) : "";
		file_view_size((unsigned long long)int_of(obj, "size"), sz,
		    sizeof(sz));
		printf("[%s] file %lld %s: %s (%s)\n", h, int_of(obj, "file"),
		    int_of(obj, "file") >= 65536 ? "received" : "sent", s, sz);
	} else if (strcmp(event, "file_cancelled") == 0) {
		v = json_object_get(obj, "why");
		printf("[%s] file %lld cancelled (%s)\n", h,
		    int_of(obj, "file"), json_is_string(v) ?
		    sanitize_text(json_string_value(v), json_string_length(v),
		    name, sizeof(name)) : "?");
	} else if (strcmp(event, "file_accepted") == 0)
		printf("[%s] accepted file %lld\n", h, int_of(obj, "file"));
	else if (strcmp(event, "file_paused") == 0)
		printf("[%s] paused file %lld\n", h, int_of(obj, "file"));
	else if (strcmp(event, "file_resumed") == 0)
		printf("[%s] resumed file %lld\n", h, int_of(obj, "file"));
	else
		return 0;
	fflush(stdout);
	return 1;
}
