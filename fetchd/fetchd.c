/*
 * fetchd: downloads the bootstrap nodes list, and nothing else.  A
 * short-lived child (ntpd's constraint pattern): HTTP, TLS and name
 * resolution run here, not in netd, so netd keeps no files and resolves no
 * names.  The body goes to fd 1, a pipe whose other end netd reads and
 * parses; fetchd never parses it.  It exits 0 when the whole body was
 * written, 1 otherwise.
 */
#include <curl/curl.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "ipc/msg_nodes.h"
#include "sandbox/role_rt.h"

#define FETCH_MAX_BYTES		(2 * 1024 * 1024)	/* netd's bound too */
#define FETCH_TIMEOUT_S		60

enum {
	OPT_URL = RT_OPT_FIRST_ROLE,
	OPT_PROXY,
};

static struct role_rt	rt;
static size_t		total;

static void
fetchd_shutdown(void)
{
	exit(1);
}

/*
 * Why the fetch failed: to the supervisor, which tells the user as an
 * event (an event waits while a prompt is up; a warning on stderr would
 * print across it).  The log has it at info level.
 */
__attribute__((format(printf, 1, 2)))
static void
failed(const char *fmt, ...)
{
	char		why[IPC_ERROR_TEXT_MAX + 1];
	uint8_t		buf[IPC_FETCH_FAILED_MAX_LEN];
	struct wr	w;
	va_list		ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_info("fetching the nodes list failed: %s", why);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_fetch_failed(&w, why);
	(void)chan_send_wr(&rt.sup, IPC_NODES_FETCH_FAILED, 0, &w);
	chan_flush(&rt.sup);
}

static size_t
body_cb(char *p, size_t size, size_t n, void *arg)
{
	size_t	len = size * n, off = 0;
	ssize_t	w;

	if (len > FETCH_MAX_BYTES - total) {
		failed("the list is larger than %d bytes", FETCH_MAX_BYTES);
		return 0;		/* makes curl fail the transfer */
	}
	while (off < len) {
		if ((w = write(STDOUT_FILENO, p + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			failed("writing the list out: %s", strerror(errno));
			return 0;
		}
		off += (size_t)w;
	}
	total += len;
	return len;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		RT_LONGOPTS,
		{ "url", required_argument, NULL, OPT_URL },
		{ "proxy", required_argument, NULL, OPT_PROXY },
		{ NULL, 0, NULL, 0 }
	};
	struct sandbox_conf	 sb;
	const char		*url = NULL, *proxy = NULL;
	char			 errbuf[CURL_ERROR_SIZE];
	CURL			*c;
	CURLcode		 rc;
	long			 status = 0;
	int			 ch;

	rt_init(&rt, ROLE_FETCHD);
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (rt_option(&rt, ch, optarg))
			continue;
		switch (ch) {
		case OPT_URL:
			url = optarg;
			break;
		case OPT_PROXY:
			proxy = optarg;
			break;
		default:
			fatalx("usage: fetchd --url URL [--proxy URL]");
		}
	}
	if (url == NULL)
		fatalx("no --url");
	/* Acquire: TLS and resolver libraries initialise before lockdown. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (c = curl_easy_init()) == NULL)
		fatalx("curl initialisation failed");

	memset(&sb, 0, sizeof(sb));
	sb.keep_fds[sb.nkeep++] = STDOUT_FILENO;
	rt.on_shutdown = fetchd_shutdown;
	rt_lockdown(&rt, &sb);
	rt_report(&rt);

	errbuf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)FETCH_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "bulkhead");
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	/*
	 * With a proxy, names go to the proxy (socks5h): nothing resolves
	 * here, and no packet leaves except to the proxy.  Without one an
	 * empty proxy string also keeps curl from reading *_proxy variables
	 * (the environment is empty anyway).
	 */
	curl_easy_setopt(c, CURLOPT_PROXY, proxy != NULL ? proxy : "");
	if ((rc = curl_easy_perform(c)) != CURLE_OK) {
		failed("%s", errbuf[0] != '\0' ? errbuf :
		    curl_easy_strerror(rc));
		return 1;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	log_info("fetched %s: HTTP %ld, %zu bytes", url, status, total);
	curl_easy_cleanup(c);
	return 0;
}
