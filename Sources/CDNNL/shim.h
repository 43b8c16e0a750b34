// oneDNN (Debian libdnnl-dev 2.6, OpenMP build) and the OpenMP calls that set its thread count.
#include <oneapi/dnnl/dnnl.h>

// From libgomp; declared here so that no compiler-specific omp.h is needed.
extern void omp_set_num_threads(int num_threads);
extern int omp_get_max_threads(void);
