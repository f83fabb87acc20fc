/* The fetch ceiling of the end-to-end benchmark: every URL in LIST (one a line) fetched with libcurl's multi
 * interface, PARALLEL transfers at once over reused connections, bodies counted and dropped. Nothing else.
 * Usage: fetch_urls PARALLEL LIST */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static size_t discard(char *data, size_t size, size_t count, void *total) {
    (void)data;
    *(long *)total += (long)(size * count);
    return size * count;
}

int main(int argc, char **argv) {
    if (argc != 3 || atoi(argv[1]) < 1) {
        fprintf(stderr, "usage: %s PARALLEL LIST\n", argv[0]);
        return 2;
    }
    int parallel = atoi(argv[1]);
    FILE *list = fopen(argv[2], "r");
    if (list == NULL) {
        fprintf(stderr, "fetch_urls: cannot read %s\n", argv[2]);
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)parallel);
    long bytes = 0, ok = 0, failed = 0, started = 0;
    int running = 0, more = 1;
    char line[8192];
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        while (more && running < parallel) {
            if (fgets(line, sizeof line, list) == NULL) {
                more = 0;
                break;
            }
            line[strcspn(line, "\r\n")] = 0;
            if (line[0] == 0) continue;
            CURL *easy = curl_easy_init();
            curl_easy_setopt(easy, CURLOPT_URL, line);
            curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
            curl_easy_setopt(easy, CURLOPT_WRITEDATA, &bytes);
            curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
            curl_multi_add_handle(multi, easy);
            running++;
            started++;
        }
        int still = 0;
        curl_multi_perform(multi, &still);
        CURLMsg *message;
        int queued;
        while ((message = curl_multi_info_read(multi, &queued)) != NULL) {
            if (message->msg != CURLMSG_DONE) continue;
            long status = 0;
            curl_easy_getinfo(message->easy_handle, CURLINFO_RESPONSE_CODE, &status);
            if (message->data.result == CURLE_OK && status == 200) ok++; else failed++;
            curl_multi_remove_handle(multi, message->easy_handle);
            curl_easy_cleanup(message->easy_handle);
            running--;
        }
        if (!more && running == 0) break;
        curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    printf("C curl multi, %d parallel: %ld URLs, %ld ok, %ld failed, %.1f MB in %.3f s: %.1f pages/s\n", parallel,
           started, ok, failed, (double)bytes / 1048576.0, seconds, (double)started / seconds);
    fclose(list);
    curl_multi_cleanup(multi);
    curl_global_cleanup();
    return failed == 0 ? 0 : 1;
}
