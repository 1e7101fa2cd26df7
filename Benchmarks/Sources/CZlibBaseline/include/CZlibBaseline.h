// Raw zlib calls in C: the baseline the ParleyCompression wrapper is measured against.
#ifndef PARLEY_CZLIB_BASELINE_H
#define PARLEY_CZLIB_BASELINE_H

#include <stddef.h>
#include <stdint.h>

/// An opaque zlib stream (deflate or inflate) reused across calls, as the wrapper is.
typedef struct baseline_stream baseline_stream;

/// A deflate stream: windowBits > 0 for zlib format, < 0 for raw deflate.
baseline_stream *baseline_deflate_new(int level, int windowBits);
/// An inflate stream with the same windowBits convention.
baseline_stream *baseline_inflate_new(int windowBits);
void baseline_free(baseline_stream *stream);

/// Resets, compresses `in` with Z_FINISH (finish != 0) or Z_SYNC_FLUSH into `out`;
/// returns the output length, or -1 on error or when `out` is too small.
long baseline_deflate(baseline_stream *stream, const uint8_t *in, size_t inCount, uint8_t *out, size_t outCapacity, int finish);
/// Resets and inflates one whole stream into `out`; returns the output length or -1.
long baseline_inflate(baseline_stream *stream, const uint8_t *in, size_t inCount, uint8_t *out, size_t outCapacity);

#endif
