/* The ceiling for `sluice bench parse`: libxml2's htmlReadMemory alone over the same files, the same number
 * of times, with the parse options sluice uses. Prints pages/s and MB/s.
 * Usage: parse_only REPETITIONS FILE... */
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct {
    char *bytes;
    long length;
} page_t;

static int read_page(const char *path, page_t *page) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) return -1;
    if (fseek(file, 0, SEEK_END) != 0) { fclose(file); return -1; }
    page->length = ftell(file);
    rewind(file);
    page->bytes = malloc(page->length > 0 ? (size_t)page->length : 1);
    if (page->bytes == NULL || fread(page->bytes, 1, (size_t)page->length, file) != (size_t)page->length) {
        fclose(file);
        return -1;
    }
    fclose(file);
    return 0;
}

/* Encoding errors bypass HTML_PARSE_NOERROR and would be printed to stderr. */
static void silent(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s REPETITIONS FILE...\n", argv[0]);
        return 2;
    }
    int repetitions = atoi(argv[1]);
    int count = argc - 2;
    page_t *pages = calloc((size_t)count, sizeof(page_t));
    long total = 0;
    for (int i = 0; i < count; i++) {
        if (read_page(argv[i + 2], &pages[i]) != 0) {
            fprintf(stderr, "cannot read %s\n", argv[i + 2]);
            return 1;
        }
        total += pages[i].length;
    }
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, silent);
    int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT;
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int round = 0; round < repetitions; round++) {
        for (int i = 0; i < count; i++) {
            htmlDocPtr doc = htmlReadMemory(pages[i].bytes, (int)pages[i].length, NULL, NULL, options);
            if (doc != NULL) xmlFreeDoc(doc);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    printf("C htmlReadMemory only: %d pages, %.1f MB, %d repetitions: %.1f pages/s  %.1f MB/s  (%.3f s)\n",
           count, total / 1048576.0, repetitions, count * (double)repetitions / seconds,
           total * (double)repetitions / 1048576.0 / seconds, seconds);
    for (int i = 0; i < count; i++) free(pages[i].bytes);
    free(pages);
    xmlCleanupParser();
    return 0;
}
