#include "CZlibBaseline.h"
#include <stdlib.h>
#include <zlib.h>

struct baseline_stream {
    z_stream z;
    int inflating;
};

baseline_stream *baseline_deflate_new(int level, int windowBits) {
    baseline_stream *s = calloc(1, sizeof *s);
    if (s == NULL) return NULL;
    if (deflateInit2(&s->z, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK) { free(s); return NULL; }
    return s;
}

baseline_stream *baseline_inflate_new(int windowBits) {
    baseline_stream *s = calloc(1, sizeof *s);
    if (s == NULL) return NULL;
    s->inflating = 1;
    if (inflateInit2(&s->z, windowBits) != Z_OK) { free(s); return NULL; }
    return s;
}

void baseline_free(baseline_stream *s) {
    if (s->inflating) inflateEnd(&s->z); else deflateEnd(&s->z);
    free(s);
}

long baseline_deflate(baseline_stream *s, const uint8_t *in, size_t inCount, uint8_t *out, size_t outCapacity, int finish) {
    deflateReset(&s->z);
    s->z.next_in = (Bytef *)in;
    s->z.avail_in = (uInt)inCount;
    s->z.next_out = out;
    s->z.avail_out = (uInt)outCapacity;
    int status = deflate(&s->z, finish ? Z_FINISH : Z_SYNC_FLUSH);
    if (finish ? status != Z_STREAM_END : (status != Z_OK || s->z.avail_out == 0)) return -1;
    return (long)(outCapacity - s->z.avail_out);
}

long baseline_inflate(baseline_stream *s, const uint8_t *in, size_t inCount, uint8_t *out, size_t outCapacity) {
    inflateReset(&s->z);
    s->z.next_in = (Bytef *)in;
    s->z.avail_in = (uInt)inCount;
    s->z.next_out = out;
    s->z.avail_out = (uInt)outCapacity;
    if (inflate(&s->z, Z_FINISH) != Z_STREAM_END) return -1;
    return (long)(outCapacity - s->z.avail_out);
}
