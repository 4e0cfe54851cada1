/*
 * "capsuled convert": convert one article from the command line, to check
 * the converter by hand and to score it (tools/score.py).
 */
#ifndef CAPSULED_CONVERT_CLI_H
#define CAPSULED_CONVERT_CLI_H

/* capsuled convert [--base URL] [--format html|md|txt|gmi] [--meta] FILE|-
 * argv[0] is "convert".  Prints the gemtext of the article, or with --meta
 * its metadata as JSON, to stdout.  Returns the exit status: 0, 1 when the
 * input cannot be read or converted, 2 on a usage error. */
int convert_cli_main(int argc, char **argv);

#endif
