#ifndef SLUICE_CMICROHTTPD_SHIM_H
#define SLUICE_CMICROHTTPD_SHIM_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <microhttpd.h>

/* MHD_start_daemon, MHD_get_connection_info and MHD_get_daemon_info are variadic: Swift needs typed entry
   points. Everything sluice sets on a daemon is one parameter here. */

/* Leaves percent escapes in the path and the query as the client sent them, so sluice decodes them once,
   strictly, in Swift (the default unescaper would turn %00 into a NUL that ends the C string). */
static size_t sluice_mhd_keep_escapes(void *cls, struct MHD_Connection *connection, char *text) {
    (void)cls;
    (void)connection;
    return strlen(text);
}

/* Starts a daemon on `address` (a sockaddr_in or sockaddr_in6 of `address_length` bytes). `tls_key` and
   `tls_cert` are PEM text, or NULL for plain HTTP. Returns NULL when the daemon cannot start. */
static inline struct MHD_Daemon *sluice_mhd_start(unsigned int flags, const struct sockaddr *address,
                                                  MHD_AccessHandlerCallback handler, void *context,
                                                  MHD_RequestCompletedCallback completed,
                                                  unsigned int threads, unsigned int connection_limit,
                                                  unsigned int per_address_limit, unsigned int timeout_seconds,
                                                  size_t memory_limit, const char *tls_key, const char *tls_cert) {
    uint16_t port = 0;
    if (address->sa_family == AF_INET6) {
        flags |= MHD_USE_IPv6;
        port = ntohs(((const struct sockaddr_in6 *)address)->sin6_port);
    } else {
        port = ntohs(((const struct sockaddr_in *)address)->sin_port);
    }
    struct MHD_OptionItem tls[] = {
        {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)tls_key},
        {MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)tls_cert},
        {MHD_OPTION_END, 0, NULL},
    };
    int secure = tls_key != NULL && tls_cert != NULL;
    return MHD_start_daemon(flags | (secure ? MHD_USE_TLS : 0), port, NULL, NULL, handler, context,
                            MHD_OPTION_SOCK_ADDR, address,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, context,
                            MHD_OPTION_THREAD_POOL_SIZE, threads,
                            MHD_OPTION_CONNECTION_LIMIT, connection_limit,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_address_limit,
                            MHD_OPTION_CONNECTION_TIMEOUT, timeout_seconds,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory_limit,
                            MHD_OPTION_UNESCAPE_CALLBACK, sluice_mhd_keep_escapes, NULL,
                            MHD_OPTION_ARRAY, secure ? tls : tls + 2,
                            MHD_OPTION_END);
}

/* The port the daemon listens on (the one the system chose when asked for port 0), 0 when unknown. */
static inline uint16_t sluice_mhd_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/* The peer's address as text ("127.0.0.1", "::1") in `buffer`; 0 on success. */
static inline int sluice_mhd_client_address(struct MHD_Connection *connection, char *buffer, socklen_t length) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) return -1;
    const struct sockaddr *address = info->client_addr;
    const void *bytes = address->sa_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)address)->sin6_addr
                                                       : (const void *)&((const struct sockaddr_in *)address)->sin_addr;
    return inet_ntop(address->sa_family, bytes, buffer, length) == NULL ? -1 : 0;
}

/* Parses "127.0.0.1" or "::1" and a port into a socket address; the length used, 0 when not an address. */
static inline socklen_t sluice_mhd_socket_address(const char *host, uint16_t port, struct sockaddr_storage *storage) {
    memset(storage, 0, sizeof(*storage));
    struct sockaddr_in *v4 = (struct sockaddr_in *)storage;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        return sizeof(*v4);
    }
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)storage;
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        return sizeof(*v6);
    }
    return 0;
}
#endif
