/*
 * fetchd: downloads the bootstrap nodes list, and nothing else.  A
 * short-lived child (ntpd's constraint pattern): HTTP, TLS and name
 * resolution run here, not in netd, so netd keeps no files and resolves no
 * names.  The body goes to fd 1, a pipe whose other end netd reads and
 * parses; fetchd never parses it.  It exits 0 when the whole body was
 * written, 1 otherwise.
 *
 * In proxy mode (--proxied) it runs in an empty network namespace and
 * its one way out is FD_FETCHD_PROXY, a socket the supervisor connected
 * to the proxy: libcurl gets it instead of making a socket, and speaks
 * SOCKS5 (names resolved by the proxy, socks5h) or HTTP CONNECT over it.
 * A second connection (a redirect elsewhere) finds no socket and fails.
 */
#include <curl/curl.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/role.h"
#include "ipc/msg_nodes.h"
#include "sandbox/role_rt.h"

#define FETCH_MAX_BYTES		(2 * 1024 * 1024)	/* netd's bound too */
#define FETCH_TIMEOUT_S		60

enum {
	OPT_URL = RT_OPT_FIRST_ROLE,
	OPT_PROXY,
	OPT_PROXIED,
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

/* Proxy mode: the handed socket, once; libcurl makes none of its own. */
static int	handed = -1;

static curl_socket_t
open_cb(void *arg, curlsocktype purpose, struct curl_sockaddr *addr)
{
	int	fd = handed;

	(void)arg;
	(void)addr;
	handed = -1;
	log_debug("libcurl asks a socket (purpose %d): %s", (int)purpose,
	    fd >= 0 ? "the proxy's" : "none left");
	return fd >= 0 ? fd : CURL_SOCKET_BAD;
}

static int
sockopt_cb(void *arg, curl_socket_t fd, curlsocktype purpose)
{
	(void)arg;
	(void)fd;
	(void)purpose;
	return CURL_SOCKOPT_ALREADY_CONNECTED;
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
		{ "proxied", no_argument, NULL, OPT_PROXIED },
		{ NULL, 0, NULL, 0 }
	};
	struct sandbox_conf	 sb;
	const char		*url = NULL, *proxy = NULL;
	char			 errbuf[CURL_ERROR_SIZE];
	CURL			*c;
	CURLcode		 rc;
	long			 status = 0;
	int			 ch, proxied = 0;

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
		case OPT_PROXIED:
			proxied = 1;
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
	if (proxied) {
		if (proxy == NULL)
			fatalx("--proxied without --proxy");
		/* the only way out: the kernel keeps us to it */
		sb.netns = 1;
		if (fcntl(FD_FETCHD_PROXY, F_GETFD) != -1) {
			handed = FD_FETCHD_PROXY;
			sb.keep_fds[sb.nkeep++] = handed;
		}
	}
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
	if (proxied) {
		if (handed == -1) {
			failed("the proxy is unreachable");
			return 1;
		}
		curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_cb);
		curl_easy_setopt(c, CURLOPT_SOCKOPTFUNCTION, sockopt_cb);
		/* one connection: no reuse across a redirect's new host */
		curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	}
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
