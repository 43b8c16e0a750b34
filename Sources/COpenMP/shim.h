// The few OpenMP calls MLPLab makes, from GCC's libgomp: the runtime oneDNN (Debian's build)
// runs its products on. Declared here so that no compiler-specific omp.h is needed.
// `Parallel` runs its elementwise passes on the same thread team as the products: no second
// pool competing for the cores, and no allocation per pass.
extern void omp_set_num_threads(int num_threads);
extern int omp_get_max_threads(void);
extern int omp_get_thread_num(void);
extern int omp_get_num_threads(void);
// The processors this process may run on: its CPU affinity (taskset, Slurm's cpuset), not the machine's.
extern int omp_get_num_procs(void);
// What `#pragma omp parallel num_threads(n)` compiles to with GCC: runs fn(data) on n threads.
extern void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);

// ThreadSanitizer does not see libgomp's barriers (libgomp is not instrumented), so the fork and
// join of a `Parallel` region are announced to it: the caller releases before the region and
// acquires after it, each thread acquires at its start and releases at its end. Without TSan
// these weak symbols are absent and the calls do nothing.
void __tsan_acquire(void *address) __attribute__((weak));
void __tsan_release(void *address) __attribute__((weak));
static inline void mlplab_tsan_release(void *address) { if (__tsan_release) __tsan_release(address); }
static inline void mlplab_tsan_acquire(void *address) { if (__tsan_acquire) __tsan_acquire(address); }
