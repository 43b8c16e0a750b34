// The few OpenMP calls MLPLab makes, from GCC's libgomp: the runtime oneDNN (Debian's build)
// runs its products on. Declared here so that no compiler-specific omp.h is needed.
// `Parallel` runs its elementwise passes on the same thread team as the products: no second
// pool competing for the cores, and no allocation per pass.
extern void omp_set_num_threads(int num_threads);
extern int omp_get_max_threads(void);
extern int omp_get_thread_num(void);
// What `#pragma omp parallel num_threads(n)` compiles to with GCC: runs fn(data) on n threads.
extern void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
