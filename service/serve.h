/*
 * serve: `idline serve`: open the store, load and check the menus, start
 * the HTTP server and the background workers (outbox sender, daily slot
 * generation and reminders), and stop them in order on SIGTERM/SIGINT.
 */
#ifndef IDLINE_SERVE_H
#define IDLINE_SERVE_H

struct conf;

/* Returns the exit code.  check != 0: validate config + menus only. */
int	serve_main(struct conf *conf, int check);

#endif
