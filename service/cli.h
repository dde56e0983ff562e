/*
 * cli: the staff and operator commands that work on the database without
 * the daemon (imports, slot generation, status updates, demo seed).
 *
 * Each returns a process exit code: 0 done, 1 refused (bad input: nothing
 * changed, every problem printed), 2 usage or system error.
 */
#ifndef IDLINE_CLI_H
#define IDLINE_CLI_H

struct conf;

int	cli_import(struct conf *c, const char *what, const char *file);
int	cli_slots_generate(struct conf *c, int days);
int	cli_status_set(struct conf *c, const char *ref, const char *status);
int	cli_repl_set(struct conf *c, const char *ticket, const char *status);
int	cli_seed(struct conf *c, const char *dir);

#endif
