#ifndef PARLEY_ALLOC_COUNTER_H
#define PARLEY_ALLOC_COUNTER_H
#include <stdint.h>

/// Number of calls to malloc, calloc, realloc, posix_memalign, aligned_alloc and memalign
/// in this process since it started (relaxed atomic counter).
uint64_t parley_alloc_count(void);

/// Bytes requested by those calls since the process started.
uint64_t parley_alloc_bytes(void);

/// Bytes of heap in use now, as glibc's allocator counts them (mallinfo2's uordblks).
uint64_t parley_heap_in_use(void);

#endif
