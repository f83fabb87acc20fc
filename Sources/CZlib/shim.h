#ifndef SLUICE_CZLIB_SHIM_H
#define SLUICE_CZLIB_SHIM_H
#include <zlib.h>

/* deflateInit2/inflateInit2 are macros that pass the library version and stream size. */
static inline int sluice_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
/* The zlib framing (RFC 1950): windowBits 15. */
static inline int sluice_deflate_init_zlib(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY);
}
static inline int sluice_inflate_init_auto(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}
/* Raw deflate (no zlib or gzip wrapper), as ZIP archives store their entries: windowBits -15. */
static inline int sluice_inflate_init_raw(z_stream *stream) {
    return inflateInit2(stream, -15);
}
static inline int sluice_deflate_init_raw(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
}
#endif
