/*
 * capsuled: a Gemini and Gopher server for an archive of articles.
 * main() only sorts out what was asked: a one-off command (convert a file,
 * make a certificate, check the configuration) or serving.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "convert/cli.h"
#include "server/server.h"
#include "tls/tls.h"

enum command { COMMAND_SERVE, COMMAND_CHECK_CONFIG, COMMAND_GEN_CERT, COMMAND_HELP,
	COMMAND_VERSION, COMMAND_FINGERPRINT };

/* Take the command flags out of argv, leaving the settings for
 * config_load(); *argument is set for --gen-cert HOST and --fingerprint
 * FILE. */
static int
take_command(int *argc, char **argv, enum command *command, const char **argument)
{
	int i, out = 1;

	*command = COMMAND_SERVE;
	for (i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--check-config")) {
			*command = COMMAND_CHECK_CONFIG;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			*command = COMMAND_HELP;
		} else if (!strcmp(argv[i], "--version")) {
			*command = COMMAND_VERSION;
		} else if (!strcmp(argv[i], "--gen-cert") || !strcmp(argv[i], "--fingerprint")) {
			if (i + 1 >= *argc) {
				fprintf(stderr, "capsuled: %s needs %s\n", argv[i],
				    argv[i][2] == 'g' ? "a host name" : "a certificate file");
				return -1;
			}
			*command = argv[i][2] == 'g' ? COMMAND_GEN_CERT : COMMAND_FINGERPRINT;
			*argument = argv[++i];
		} else {
			argv[out++] = argv[i];
		}
	}
	argv[out] = NULL;
	*argc = out;
	return 0;
}

/* The SHA-256 fingerprint of a PEM certificate, as [area] fingerprints
 * takes it: what to copy from a client's identity into the configuration. */
static int
print_fingerprint(const char *path)
{
	char fingerprint[96];

	if (tls_file_fingerprint(path, fingerprint) == -1) {
		fprintf(stderr, "capsuled: %s: not a readable PEM certificate\n", path);
		return 2;
	}
	printf("%s\n", fingerprint);
	return 0;
}

int
main(int argc, char **argv)
{
	enum command command;
	const char *argument = NULL;
	struct config *config;
	char *error = NULL;
	int rc;

	if (argc > 1 && !strcmp(argv[1], "convert"))
		return convert_cli_main(argc - 1, argv + 1);
	if (take_command(&argc, argv, &command, &argument) == -1)
		return 2;
	if (command == COMMAND_FINGERPRINT)
		return print_fingerprint(argument);
	if (command == COMMAND_HELP) {
		config_usage(stdout);
		return 0;
	}
	if (command == COMMAND_VERSION) {
		server_print_version(stdout);
		return 0;
	}
	if ((config = config_load(argc, argv, &error)) == NULL) {
		fprintf(stderr, "capsuled: %s\n", error != NULL ? error : strerror(errno));
		free(error);
		return 2;
	}
	switch (command) {
	case COMMAND_CHECK_CONFIG:
		config_print(config, stdout);
		fprintf(stderr, "capsuled: configuration OK\n");
		config_free(config);
		return 0;
	case COMMAND_GEN_CERT:
		rc = server_generate_certificate(config, argument);
		config_free(config);
		return rc;
	default:
		return server_main(config, argc, argv);
	}
}
