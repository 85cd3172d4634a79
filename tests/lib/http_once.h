/*
 * A one-file HTTP server for tests, in a child process: it answers n
 * requests with body (application/json), then exits; it never outlives
 * the test by more than two minutes.
 */
#ifndef BULKHEAD_TEST_HTTP_ONCE_H
#define BULKHEAD_TEST_HTTP_ONCE_H

#include <sys/types.h>

/* Listens on addr:port (an IPv4 literal); the child's pid, or -1. */
pid_t	http_once(const char *addr, int port, const char *body, int n);

#endif
