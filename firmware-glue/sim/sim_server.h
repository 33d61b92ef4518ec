/*
 * sim_server.h - the server side of the simulators' control sockets (the
 * PN532 emulator's, the simulated door's): an AF_UNIX stream socket that
 * takes one command per line from a few clients and answers every line
 * with one line.  sim_client.h is the other end.
 *
 * The server moves lines only: what a line means and what it answers is
 * the caller's, through the callback given to sim_server_read().  It never
 * blocks (every descriptor is non-blocking) and never busy-waits: the
 * caller polls sim_server_fds() in its own loop.
 *
 * Ownership: sim_server_listen() copies the path and returns a handle that
 * owns the listening socket, the client connections and the socket file;
 * sim_server_close() closes them all and removes the file.  Not
 * thread-safe: one thread serves one server.
 */
#ifndef SEUIL_SIM_SERVER_H
#define SEUIL_SIM_SERVER_H

#include <stdbool.h>
#include <stddef.h>

struct sim_server;

/* Longest answer sent back, without its newline; a longer one is cut. */
#define SIM_SERVER_REPLY_MAX 512

/*
 * Called once per line a client sent, in order: line (len bytes, without
 * its newline, not NUL-terminated; owned by the server, valid during the
 * call only).  A last line without a newline at the end of the stream
 * counts too.  too_long: the line went past the server's line_max and was
 * dropped (line is then empty).  The callback writes the answer, one line
 * without newline, into reply (cap bytes, empty on entry); the server sends
 * it.  Returns true to go on, false to stop serving until the next
 * sim_server_read(): lines already received then wait in the server.
 */
typedef bool sim_server_line_fn(void *ctx, const char *line, size_t len, bool too_long, char *reply,
				size_t cap);

/*
 * Listens on path for up to clients_max clients at once (one more is told
 * `error too many control clients` and closed), each line of at most
 * line_max bytes without its newline.  A stale socket file at path (nobody
 * listens) is replaced; a socket someone listens on (SEUIL_ERR_BUSY) or any
 * other file there (SEUIL_ERR_INVALID) is refused and left alone.  Returns
 * SEUIL_OK and stores the server in *out, or an error code with a one-line
 * message in err (nothing left behind).
 */
int sim_server_listen(const char *path, size_t clients_max, size_t line_max, struct sim_server **out, char *err,
		      size_t errlen);

/* Closes every connection and the socket, removes the socket file, frees; NULL is a no-op. */
void sim_server_close(struct sim_server *server);

/*
 * The descriptors to poll for input (POLLIN): the listening socket, then
 * every client, up to max written into fds; returns how many.  The set
 * changes with each sim_server_read() (clients come and go): ask again
 * before each poll().
 */
int sim_server_fds(const struct sim_server *server, int *fds, int max);

/*
 * Accepts waiting clients, reads what they sent and calls on_line(ctx, ...)
 * for every complete line, sending back each answer (a client that does
 * not read its answers loses them; it cannot block the caller).  Forgets
 * the clients that left.  Never blocks; reads a bounded amount per client,
 * so a client still sending keeps its descriptor readable.
 */
void sim_server_read(struct sim_server *server, sim_server_line_fn *on_line, void *ctx);

#endif
