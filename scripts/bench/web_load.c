/* Loopback load for `sluice serve`: CLIENTS threads, each one keep-alive connection to 127.0.0.1:PORT, each
   sending requests back to back for SECONDS, then stopping by itself.
     post mode: POST /api/v1/submissions as its own volunteer (one token per client, from TOKENS_FILE), a
       note unique to the request and an Idempotency-Key; every tenth request is sent twice (a retry) and
       the second answer must carry the same id. Every accepted submission is written to ACCEPTED_FILE as
       "client<TAB>sequence<TAB>id" so the caller can check the store holds each exactly once.
     get mode: GET PATH (the reference: the HTTP server without the store).
   Prints one JSON line: requests, accepted, retries, retry_mismatches, errors (by status), seconds, p50/p99
   latency in milliseconds.
   cc -O2 -pthread -o web_load web_load.c */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Latencies kept per client: 60 s at one request per millisecond, far above what a client reaches. */
enum { max_latencies = 1 << 16 };

struct client {
    int index;
    const char *token;
    long requests, accepted, retries, retry_mismatches, errors, other_status;
    double *latencies;
    long latency_count;
    FILE *accepted_file;
};

static int port;
static int post_mode;
static const char *get_path;
static double deadline;
static pthread_mutex_t accepted_lock = PTHREAD_MUTEX_INITIALIZER;

static double now(void) {
    struct timespec spec;
    clock_gettime(CLOCK_MONOTONIC, &spec);
    return spec.tv_sec + spec.tv_nsec / 1e9;
}

static int connect_loopback(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in address = {0};
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval timeout = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Sends a request and reads one response; the status, the body in `body` (NUL-terminated), -1 on a broken
   connection. */
static int exchange(int fd, const char *request, size_t length, char *body, size_t body_size) {
    size_t sent = 0;
    while (sent < length) {
        ssize_t count = send(fd, request + sent, length - sent, MSG_NOSIGNAL);
        if (count <= 0) return -1;
        sent += (size_t)count;
    }
    char buffer[16384];
    size_t have = 0;
    char *end = NULL;
    while (!end) {
        if (have >= sizeof buffer - 1) return -1;
        ssize_t count = recv(fd, buffer + have, sizeof buffer - 1 - have, 0);
        if (count <= 0) return -1;
        have += (size_t)count;
        buffer[have] = 0;
        end = strstr(buffer, "\r\n\r\n");
    }
    int status = atoi(buffer + 9);
    long content_length = 0;
    char *header = strcasestr(buffer, "\r\nContent-Length:");
    if (header && header < end) content_length = atol(header + 17);
    size_t head = (size_t)(end + 4 - buffer);
    size_t body_have = have - head;
    if (content_length < 0 || (size_t)content_length >= sizeof buffer - head) return -1;
    while (body_have < (size_t)content_length) {
        ssize_t count = recv(fd, buffer + have, sizeof buffer - 1 - have, 0);
        if (count <= 0) return -1;
        have += (size_t)count;
        body_have += (size_t)count;
    }
    size_t copy = (size_t)content_length < body_size - 1 ? (size_t)content_length : body_size - 1;
    memcpy(body, buffer + head, copy);
    body[copy] = 0;
    return status;
}

static long id_of(const char *body) {
    const char *field = strstr(body, "\"id\":");
    return field ? atol(field + 5) : -1;
}

static void *run(void *argument) {
    struct client *client = argument;
    int fd = -1;
    char request[4096], body[8192];
    long sequence = 0;
    while (now() < deadline) {
        if (fd < 0 && (fd = connect_loopback()) < 0) {
            client->errors++;
            usleep(10000);
            continue;
        }
        int length;
        if (post_mode) {
            char json[512];
            int json_length = snprintf(json, sizeof json,
                "{\"url\": \"https://bench.example/c%d/%ld\", \"note\": \"压测 第%d号 第%ld条\"}",
                client->index, sequence, client->index, sequence);
            length = snprintf(request, sizeof request,
                "POST /api/v1/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: application/json\r\nIdempotency-Key: bench-%d-%ld\r\nContent-Length: %d\r\n\r\n%s",
                client->token, client->index, sequence, json_length, json);
        } else {
            length = snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", get_path);
        }
        int attempts = post_mode && sequence % 10 == 9 ? 2 : 1;
        long first_id = -1;
        for (int attempt = 0; attempt < attempts; attempt++) {
            double started = now();
            int status = exchange(fd, request, (size_t)length, body, sizeof body);
            double elapsed = now() - started;
            if (status < 0) {
                close(fd);
                fd = -1;
                client->errors++;
                break;
            }
            client->requests++;
            if (client->latency_count < max_latencies) client->latencies[client->latency_count++] = elapsed * 1000;
            if (!post_mode) {
                if (status != 200) client->other_status++;
                continue;
            }
            if (attempt == 0 && status == 201) {
                first_id = id_of(body);
                client->accepted++;
                pthread_mutex_lock(&accepted_lock);
                fprintf(client->accepted_file, "%d\t%ld\t%ld\n", client->index, sequence, first_id);
                pthread_mutex_unlock(&accepted_lock);
            } else if (attempt == 1) {
                client->retries++;
                if (status != 200 || id_of(body) != first_id) client->retry_mismatches++;
            } else {
                client->other_status++;
            }
        }
        sequence++;
    }
    if (fd >= 0) close(fd);
    return NULL;
}

static int compare(const void *left, const void *right) {
    double a = *(const double *)left, b = *(const double *)right;
    return a < b ? -1 : a > b;
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: web_load post|get PORT CLIENTS SECONDS TOKENS_FILE|PATH [ACCEPTED_FILE]\n");
        return 2;
    }
    post_mode = strcmp(argv[1], "post") == 0;
    port = atoi(argv[2]);
    int clients = atoi(argv[3]);
    double seconds = atof(argv[4]);
    char **tokens = calloc((size_t)clients, sizeof *tokens);
    FILE *accepted = NULL;
    if (post_mode) {
        FILE *file = fopen(argv[5], "r");
        if (!file || argc < 7) { fprintf(stderr, "web_load: cannot read %s\n", argv[5]); return 2; }
        char line[256];
        for (int i = 0; i < clients; i++) {
            if (!fgets(line, sizeof line, file)) { fprintf(stderr, "web_load: fewer tokens than clients\n"); return 2; }
            line[strcspn(line, "\r\n")] = 0;
            tokens[i] = strdup(line);
        }
        fclose(file);
        accepted = fopen(argv[6], "w");
        if (!accepted) return 2;
    } else {
        get_path = argv[5];
    }
    struct client *all = calloc((size_t)clients, sizeof *all);
    pthread_t *threads = calloc((size_t)clients, sizeof *threads);
    double started = now();
    deadline = started + seconds;
    for (int i = 0; i < clients; i++) {
        all[i].index = i;
        all[i].token = tokens[i];
        all[i].latencies = malloc(sizeof(double) * max_latencies);
        all[i].accepted_file = accepted;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setstacksize(&attributes, 256 * 1024);
        pthread_create(&threads[i], &attributes, run, &all[i]);
    }
    long requests = 0, accepted_count = 0, retries = 0, mismatches = 0, errors = 0, other = 0, latency_count = 0;
    for (int i = 0; i < clients; i++) {
        pthread_join(threads[i], NULL);
        requests += all[i].requests;
        accepted_count += all[i].accepted;
        retries += all[i].retries;
        mismatches += all[i].retry_mismatches;
        errors += all[i].errors;
        other += all[i].other_status;
        latency_count += all[i].latency_count;
    }
    double elapsed = now() - started;
    double *latencies = malloc(sizeof(double) * (size_t)(latency_count + 1));
    long at = 0;
    for (int i = 0; i < clients; i++) {
        memcpy(latencies + at, all[i].latencies, sizeof(double) * (size_t)all[i].latency_count);
        at += all[i].latency_count;
    }
    qsort(latencies, (size_t)latency_count, sizeof *latencies, compare);
    double p50 = latency_count ? latencies[latency_count / 2] : 0;
    double p99 = latency_count ? latencies[(long)(latency_count * 0.99)] : 0;
    if (accepted) fclose(accepted);
    printf("{\"mode\": \"%s\", \"clients\": %d, \"seconds\": %.2f, \"requests\": %ld, \"accepted\": %ld, \"retries\": %ld, "
           "\"retry_mismatches\": %ld, \"connection_errors\": %ld, \"other_status\": %ld, \"p50_ms\": %.2f, \"p99_ms\": %.2f}\n",
           argv[1], clients, elapsed, requests, accepted_count, retries, mismatches, errors, other, p50, p99);
    return 0;
}
