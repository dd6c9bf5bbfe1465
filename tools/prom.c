// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "hist.h"
#include "prom.h"
#include "riommu.h"

static int listen_fd = -1;
static pthread_t server;
static bool server_running;
static pthread_mutex_t page_lock = PTHREAD_MUTEX_INITIALIZER;
static char *page;
static size_t page_len;

int prom_parse_addr(const char *s, char *host, size_t hlen, unsigned *port)
{
	const char *colon = strrchr(s, ':');
	const char *p = colon ? colon + 1 : s;
	struct in_addr a;
	char *end;
	long v;

	if (colon) {
		if ((size_t)(colon - s) >= hlen)
			return -1;
		memcpy(host, s, colon - s);
		host[colon - s] = 0;
		if (*host && inet_pton(AF_INET, host, &a) != 1)
			return -1;
	} else {
		*host = 0;
	}
	errno = 0;
	v = strtol(p, &end, 10);
	if (!*p || *end || errno || v < 1 || v > 65535)
		return -1;
	*port = v;
	return 0;
}

static void send_all(int fd, const char *b, size_t n)
{
	ssize_t w;

	while (n) {
		w = send(fd, b, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		b += w;
		n -= w;
	}
}

static void answer(int fd)
{
	static const char not_found[] =
		"HTTP/1.0 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 22\r\n"
		"Connection: close\r\n\r\ntry GET /metrics here\n";
	char req[2048], hdr[256];
	size_t got = 0;
	ssize_t r;
	int n;

	/* the request line is enough; headers and body are not needed */
	while (got < sizeof(req) - 1 && !memchr(req, '\n', got)) {
		r = recv(fd, req + got, sizeof(req) - 1 - got, 0);
		if (r <= 0)
			return;
		got += r;
	}
	req[got] = 0;
	if (strncmp(req, "GET /metrics ", 13) && strncmp(req, "GET /metrics?", 13)) {
		send_all(fd, not_found, sizeof(not_found) - 1);
		return;
	}
	pthread_mutex_lock(&page_lock);
	n = snprintf(hdr, sizeof(hdr),
		     "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
		     "Content-Length: %zu\r\nConnection: close\r\n\r\n", page_len);
	send_all(fd, hdr, n);
	send_all(fd, page ? page : "", page_len);
	pthread_mutex_unlock(&page_lock);
}

static void *serve(void *arg)
{
	struct timeval tv = { .tv_sec = 5 };
	int fd;

	for (;;) {
		fd = accept(listen_fd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			break;	/* prom_stop() shut the socket down */
		}
		/* a client that stalls cannot hold the endpoint */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		answer(fd);
		close(fd);
	}
	return NULL;
}

int prom_start(const char *addr, char *err, size_t errlen)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sigset_t all, old;
	char host[64];
	unsigned port;
	int one = 1;

	if (prom_parse_addr(addr, host, sizeof(host), &port)) {
		snprintf(err, errlen, "'%s' is not [ADDR:]PORT (an IPv4 address and a port 1 to 65535)",
			 addr);
		return -1;
	}
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_ANY);
	if (*host)
		inet_pton(AF_INET, host, &sa.sin_addr);
	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd < 0 ||
	    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(listen_fd, 16)) {
		snprintf(err, errlen, "cannot listen on %s: %s", addr, strerror(errno));
		if (listen_fd >= 0)
			close(listen_fd);
		listen_fd = -1;
		return -1;
	}
	/* signals stay with the main thread, which ends the run */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&server, NULL, serve, NULL)) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		snprintf(err, errlen, "cannot start the HTTP thread");
		close(listen_fd);
		listen_fd = -1;
		return -1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	server_running = true;
	return 0;
}

void prom_publish(const char *text, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return;	/* scrapes keep the previous page */
	memcpy(copy, text, len);
	copy[len] = 0;
	pthread_mutex_lock(&page_lock);
	free(page);
	page = copy;
	page_len = len;
	pthread_mutex_unlock(&page_lock);
}

void prom_stop(void)
{
	if (listen_fd >= 0)
		shutdown(listen_fd, SHUT_RDWR);
	if (server_running)
		pthread_join(server, NULL);
	server_running = false;
	if (listen_fd >= 0)
		close(listen_fd);
	listen_fd = -1;
	free(page);
	page = NULL;
	page_len = 0;
}

void prom_header(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

unsigned prom_lat_bucket(unsigned s)
{
	__u64 high = fine_slot_low(s) + fine_slot_width(s);
	unsigned k;

	if (s >= RIOMMU_FINE_SLOTS - 1)
		return PROM_LAT_BUCKETS;	/* the open-ended last slot */
	for (k = 0; k < PROM_LAT_BUCKETS; k++)
		if (high <= 1ULL << (PROM_LAT_FIRST_LOG + k))
			return k;
	return PROM_LAT_BUCKETS;
}
