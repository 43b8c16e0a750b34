// Open MPI (Debian's libopenmpi-dev), the one door to more than one process. Only
// Sources/MLPLab/Distributed imports this module.
//
// Swift cannot import MPI's handles: in Open MPI, MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM and the
// like are macros taking the address of a global object. These functions hand them over.
#include <mpi.h>

static inline MPI_Comm mlplab_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype mlplab_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype mlplab_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype mlplab_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Datatype mlplab_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Op mlplab_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op mlplab_mpi_max(void) { return MPI_MAX; }
static inline MPI_Op mlplab_mpi_min(void) { return MPI_MIN; }
static inline MPI_Info mlplab_mpi_info_null(void) { return MPI_INFO_NULL; }
static inline MPI_Request mlplab_mpi_request_null(void) { return MPI_REQUEST_NULL; }
static inline MPI_Status *mlplab_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Status *mlplab_mpi_statuses_ignore(void) { return MPI_STATUSES_IGNORE; }
static inline int mlplab_mpi_success(void) { return MPI_SUCCESS; }
static inline void *mlplab_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline int mlplab_mpi_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static inline int mlplab_mpi_lock_exclusive(void) { return MPI_LOCK_EXCLUSIVE; }
static inline MPI_Errhandler mlplab_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
