/*
 * The least a Gemini server on OpenSSL 3 can do per request, for the
 * benchmark's third column: capsuled's own TLS contexts (the same
 * certificate, versions, ciphers, groups, tickets and client-certificate
 * request, built by src/tls from the same flags), then one thread that
 * accepts, handshakes, reads a request line and writes one page held in
 * memory, sends close_notify and closes.  No event loop, no files, no
 * logs: whatever capsuled spends beyond this is capsuled's own.
 *
 * usage: bench_tls_floor PAGE capsuled-flags...   (--port, --cert-dir, --host)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "config/config.h"
#include "tls/tls.h"

static char *
read_page(const char *path, size_t *len)
{
	static const char header[] = "20 text/gemini; charset=utf-8\r\n";
	char *page;
	long size;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (page = malloc(sizeof(header) + (size_t)size)) == NULL) {
		perror(path);
		exit(1);
	}
	memcpy(page, header, sizeof(header) - 1);
	*len = sizeof(header) - 1 + fread(page + sizeof(header) - 1, 1, (size_t)size, f);
	fclose(f);
	return page;
}

static int
listen_on(int port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd, one = 1;

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == -1 || listen(fd, 1024) == -1) {
		perror("listen");
		exit(1);
	}
	return fd;
}

static void
serve_one(SSL_CTX *ctx, int fd, const char *page, size_t len)
{
	char request[1100];
	SSL *ssl;

	if ((ssl = SSL_new(ctx)) == NULL) {
		close(fd);
		return;
	}
	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) == 1 && SSL_read(ssl, request, sizeof(request)) > 0 &&
	    SSL_write(ssl, page, (int)len) == (int)len)
		SSL_shutdown(ssl);
	SSL_free(ssl);
	close(fd);
}

int
main(int argc, char **argv)
{
	struct tls_contexts *tls;
	struct config *config;
	char *error = NULL, *page;
	size_t len;
	int lfd, fd, generated;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_tls_floor PAGE [capsuled flags]\n");
		return 2;
	}
	page = read_page(argv[1], &len);
	argv[1] = argv[0];
	if ((config = config_load(argc - 1, argv + 1, &error)) == NULL ||
	    tls_ensure_certificate(&config->hosts[0], &generated, &error) != 0 ||
	    (tls = tls_contexts_new(config, NULL, NULL, &error)) == NULL) {
		fprintf(stderr, "bench_tls_floor: %s\n", error != NULL ? error : "?");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	lfd = listen_on(config->port);
	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) != -1)
			serve_one(tls_default_context(tls), fd, page, len);
	}
}
