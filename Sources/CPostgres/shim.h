#ifndef SLUICE_CPOSTGRES_SHIM_H
#define SLUICE_CPOSTGRES_SHIM_H
#include <libpq-fe.h>
#include <poll.h>

/* Waits until the connection's socket is readable or `milliseconds` pass: 1 readable, 0 timeout, -1 error. */
static inline int sluice_pq_wait_readable(const PGconn *connection, int milliseconds) {
    struct pollfd descriptor;
    descriptor.fd = PQsocket(connection);
    if (descriptor.fd < 0) return -1;
    descriptor.events = POLLIN;
    descriptor.revents = 0;
    int ready = poll(&descriptor, 1, milliseconds);
    if (ready < 0) return -1;
    return ready > 0 ? 1 : 0;
}
/* libpq prints server notices ("schema already exists, skipping") to stderr by default; sluice reports what
   matters itself, so a connection's notices are dropped. */
static void sluice_pq_ignore_notice(void *context, const char *message) {
    (void)context;
    (void)message;
}

static inline void sluice_pq_silence_notices(PGconn *connection) {
    PQsetNoticeProcessor(connection, sluice_pq_ignore_notice, NULL);
}
#endif
