// Counts heap allocations of the whole process (every thread, every library) between
// allocation_counter_start() and allocation_counter_stop(), for the step benchmark.
//
// Linked into the benchmark executable only: its malloc/calloc/realloc/free/posix_memalign/
// aligned_alloc/memalign definitions take the place of libc's for every shared library (the
// executable's symbols come first in ELF lookup) and forward to glibc's __libc_* entries.
// Not for the library or the tests (AddressSanitizer has its own allocator).
#pragma once
#include <stdint.h>

void allocation_counter_start(void);
/// Allocations (malloc, calloc, realloc, memalign family) since the last start.
int64_t allocation_counter_stop(void);
