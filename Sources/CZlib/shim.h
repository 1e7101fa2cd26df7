// The system zlib, plus wrappers for the init macros Swift cannot import.
#ifndef PARLEY_CZLIB_SHIM_H
#define PARLEY_CZLIB_SHIM_H

#include <zlib.h>

/// deflateInit2 is a macro (it passes the library version and struct size); wrap it.
static inline int parley_deflateInit2(z_streamp strm, int level, int windowBits, int memLevel, int strategy) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, memLevel, strategy);
}

/// inflateInit2 is a macro too.
static inline int parley_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}

#endif
