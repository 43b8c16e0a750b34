// oneDNN (Debian libdnnl-dev 2.6, OpenMP build; its thread count is set through COpenMP).
#include <oneapi/dnnl/dnnl.h>
