/* The parse ceiling of the end-to-end benchmark: every file named in LIST (one path a line) read and parsed with
 * libxml2's htmlReadMemory, with the parse options sluice uses, on THREADS threads taking files in turn.
 * Nothing else: no decoding of our own, no extraction, no storage. Prints pages/s.
 * Usage: parse_files THREADS LIST */
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char **paths;
static long path_count;
static atomic_long next_path;
static atomic_long parsed_pages;
static atomic_long parsed_bytes;
static atomic_long failures;

static void silent(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

static char *read_file(const char *path, long *length) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) return NULL;
    char *bytes = NULL;
    if (fseek(file, 0, SEEK_END) == 0 && (*length = ftell(file)) >= 0) {
        rewind(file);
        bytes = malloc(*length > 0 ? (size_t)*length : 1);
        if (bytes != NULL && fread(bytes, 1, (size_t)*length, file) != (size_t)*length) {
            free(bytes);
            bytes = NULL;
        }
    }
    fclose(file);
    return bytes;
}

static void *work(void *unused) {
    (void)unused;
    xmlSetGenericErrorFunc(NULL, silent);
    int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT;
    for (;;) {
        long index = atomic_fetch_add(&next_path, 1);
        if (index >= path_count) return NULL;
        long length = 0;
        char *bytes = read_file(paths[index], &length);
        if (bytes == NULL) {
            atomic_fetch_add(&failures, 1);
            continue;
        }
        htmlDocPtr doc = htmlReadMemory(bytes, (int)length, NULL, NULL, options);
        if (doc != NULL) {
            xmlFreeDoc(doc);
            atomic_fetch_add(&parsed_pages, 1);
            atomic_fetch_add(&parsed_bytes, length);
        } else {
            atomic_fetch_add(&failures, 1);
        }
        free(bytes);
    }
}

int main(int argc, char **argv) {
    if (argc != 3 || atoi(argv[1]) < 1) {
        fprintf(stderr, "usage: %s THREADS LIST\n", argv[0]);
        return 2;
    }
    int threads = atoi(argv[1]);
    FILE *list = fopen(argv[2], "r");
    if (list == NULL) {
        fprintf(stderr, "parse_files: cannot read %s\n", argv[2]);
        return 1;
    }
    long capacity = 1024;
    paths = malloc((size_t)capacity * sizeof(char *));
    char line[4096];
    while (paths != NULL && fgets(line, sizeof line, list) != NULL) {
        line[strcspn(line, "\r\n")] = 0;
        if (line[0] == 0) continue;
        if (path_count == capacity) {
            capacity *= 2;
            paths = realloc(paths, (size_t)capacity * sizeof(char *));
            if (paths == NULL) break;
        }
        paths[path_count++] = strdup(line);
    }
    fclose(list);
    if (paths == NULL) {
        fprintf(stderr, "parse_files: out of memory\n");
        return 1;
    }
    xmlInitParser();
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pthread_t *workers = calloc((size_t)threads, sizeof(pthread_t));
    for (int i = 0; i < threads; i++) pthread_create(&workers[i], NULL, work, NULL);
    for (int i = 0; i < threads; i++) pthread_join(workers[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    printf("C htmlReadMemory on %d threads: %ld pages (%ld failed), %.1f MB in %.3f s: %.1f pages/s\n", threads,
           (long)parsed_pages, (long)failures, (double)parsed_bytes / 1048576.0, seconds, (double)parsed_pages / seconds);
    for (long i = 0; i < path_count; i++) free(paths[i]);
    free(paths);
    free(workers);
    xmlCleanupParser();
    return failures == 0 ? 0 : 1;
}
