/*
 * log.h - logging for every Seuil process.
 *
 * In the foreground messages go to stderr; a service calls log_to_syslog()
 * and they go to syslog (journald).  Never log a full badge identifier or a
 * visitor's name: the access journal in the store is the record, the log is
 * for operators.  Safe to call from any thread (one write per message).
 */
#ifndef SEUIL_LOG_H
#define SEUIL_LOG_H

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* Sets the program name shown in messages and the least important level kept. */
void log_init(const char *progname, enum log_level level);
/* Sends the following messages to syslog under the daemon facility. */
void log_to_syslog(void);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Logs at error level and exits with status 2; for start-up and broken invariants. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
