/*
 * store_priv.h: what the store's files share (store.c, store_book.c,
 * store_repl.c, store_outbox.c).  Only these files include it, and through
 * it sqlite3.h; nothing outside the store sees SQL.
 */
#ifndef IDLINE_STORE_PRIV_H
#define IDLINE_STORE_PRIV_H

#include <pthread.h>
#include <sqlite3.h>

#include "store.h"

struct store {
	sqlite3		*db;
	pthread_mutex_t	 lock;		/* one statement at a time */
	int		 in_tx;		/* explicit transaction open */
	char		 pepper[80];
	char		*path;
};

/*
 * Prepares sql (cached by SQLite's own statement cache is not used:
 * statements are short-lived).  Returns NULL after logging on error.
 */
sqlite3_stmt	*store_prep(struct store *st, const char *sql);
/* Runs sql with no parameters and no rows; 0 or -1 (logged). */
int		 store_exec(struct store *st, const char *sql);
/* Logs the current SQLite error with context; returns -1. */
int		 store_fail(struct store *st, const char *what);
/* Copies column i as text into buf (n bytes), "" for NULL. */
void		 store_col(sqlite3_stmt *s, int i, char *buf, size_t n);
/* Binds text or NULL when v is NULL or "". */
int		 store_bind_opt(sqlite3_stmt *s, int i, const char *v);
/* Lock + BEGIN IMMEDIATE unless an explicit transaction is open. */
int		 store_tx_begin(struct store *st);
/* COMMIT (or ROLLBACK when ok == 0) unless explicit; unlocks. */
int		 store_tx_end(struct store *st, int ok);
/* Audit without locking (the caller holds the lock). */
int		 store_audit_locked(struct store *st,
		    const struct store_audit *a);

#endif
