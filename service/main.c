/*
 * main: argv, subcommands, signals, start/stop order.
 *
 *   idline serve [--config F] [--listen H:P] [--db P] [--menus D] [--check]
 *   idline import applications|offices|holidays FILE.csv|-
 *   idline slots generate [--days N]
 *   idline status set REFERENCE STATUS
 *   idline replacement set TICKET STATUS
 *   idline seed [DIR]
 *   idline phone [--url URL] [--msisdn E164] [--code *123#] [--script F]
 * Every subcommand takes --config and --db.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "conf.h"
#include "httpc.h"
#include "log.h"
#include "phone.h"
#include "pii.h"
#include "serve.h"

static void	main_usage(void) __attribute__((noreturn));
static void	main_report(const char *, void *);

static void
main_usage(void)
{
	fprintf(stderr,
	    "usage: idline serve [--config FILE] [--listen HOST:PORT] "
	    "[--db PATH] [--menus DIR] [--check]\n"
	    "       idline import applications|offices|holidays FILE.csv|-\n"
	    "       idline slots generate [--days N]\n"
	    "       idline status set REFERENCE STATUS\n"
	    "       idline replacement set TICKET STATUS\n"
	    "       idline seed [DIR]\n"
	    "       idline phone [--url URL] [--msisdn E164] [--code CODE] "
	    "[--script FILE]\n"
	    "every command takes --config FILE and --db PATH\n");
	exit(2);
}

static void
main_report(const char *msg, void *arg)
{
	int *n = arg;

	fprintf(stderr, "%s\n", msg);
	(*n)++;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "menus", required_argument, NULL, 'm' },
		{ "check", no_argument, NULL, 'k' },
		{ "days", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct conf conf;
	const char *config = NULL, *db = NULL, *listen = NULL, *menus = NULL;
	const char *cmd;
	enum log_level lvl;
	int ch, check = 0, days = -1, errors = 0, rc;

	if (argc < 2)
		main_usage();
	cmd = argv[1];
	if (strcmp(cmd, "phone") == 0) {
		httpc_init();
		rc = phone_main(argc - 1, argv + 1);
		httpc_cleanup();
		return rc;
	}
	optind = 2;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': config = optarg; break;
		case 'd': db = optarg; break;
		case 'l': listen = optarg; break;
		case 'm': menus = optarg; break;
		case 'k': check = 1; break;
		case 'n': days = atoi(optarg); break;
		default: main_usage();
		}
	}
	conf_defaults(&conf);
	if (config && conf_load(&conf, config, main_report, &errors) == -1) {
		conf_free(&conf);
		return check ? 1 : 2;
	}
	if (db)
		conf_set_str(&conf.database, db);
	if (listen)
		conf_set_str(&conf.listen, listen);
	if (menus)
		conf_set_str(&conf.menus, menus);
	if (conf_validate(&conf, main_report, &errors) == -1) {
		conf_free(&conf);
		return check ? 1 : 2;
	}
	if (log_level_parse(conf.log_level, &lvl) == 0)
		log_set_level(lvl);
	if (*conf.timezone) {
		setenv("TZ", conf.timezone, 1);
		tzset();
	}
	if (pii_init() == -1) {
		fprintf(stderr, "idline: cannot initialise libsodium\n");
		return 2;
	}
	httpc_init();
	if (strcmp(cmd, "serve") == 0)
		rc = serve_main(&conf, check);
	else if (strcmp(cmd, "import") == 0 && argc - optind == 2)
		rc = cli_import(&conf, argv[optind], argv[optind + 1]);
	else if (strcmp(cmd, "slots") == 0 && argc - optind == 1 &&
	    strcmp(argv[optind], "generate") == 0)
		rc = cli_slots_generate(&conf, days > 0 ? days :
		    conf.slots_days);
	else if (strcmp(cmd, "status") == 0 && argc - optind == 3 &&
	    strcmp(argv[optind], "set") == 0)
		rc = cli_status_set(&conf, argv[optind + 1], argv[optind + 2]);
	else if (strcmp(cmd, "replacement") == 0 && argc - optind == 3 &&
	    strcmp(argv[optind], "set") == 0)
		rc = cli_repl_set(&conf, argv[optind + 1], argv[optind + 2]);
	else if (strcmp(cmd, "seed") == 0 && argc - optind <= 1)
		rc = cli_seed(&conf, argc - optind == 1 ? argv[optind] :
		    "docs/demo");
	else
		main_usage();
	httpc_cleanup();
	conf_free(&conf);
	return rc;
}
