// Open MPI, loaded only when a launcher started the process: the one door to more than one
// process. Only Sources/MLPLab/Distributed imports this module.
//
// mlplab is not linked against libmpi: a process started on its own (almost every run) would
// otherwise load Open MPI's libraries at every start, about 7 ms more on a 2-core AMD EPYC
// (BENCHMARKS.md). `mlplab_mpi_load` opens libmpi.so.40 (Debian's Open MPI 4) with dlopen and
// resolves the calls below and MPI's predefined handles (which are global objects in Open MPI,
// and macros Swift cannot import). MPI types stay in mpi.c: here are plain C types, opaque
// request lists and small enums.
#ifndef MLPLAB_CMPI_H
#define MLPLAB_CMPI_H

#include <stdint.h>

typedef enum { MLPLAB_MPI_BYTE, MLPLAB_MPI_INT64, MLPLAB_MPI_FLOAT, MLPLAB_MPI_DOUBLE } mlplab_mpi_type;
typedef enum { MLPLAB_MPI_SUM, MLPLAB_MPI_MAX, MLPLAB_MPI_MIN } mlplab_mpi_op;

/// Opens libmpi and resolves every call; 0 on success, else -1 with the reason in `error`.
int mlplab_mpi_load(char *error, int length);

/// MPI_Init_thread at MPI_THREAD_SERIALIZED, with errors returned (not fatal) on the world
/// communicator. Returns an MPI error code (0: success).
int mlplab_mpi_init(int *rank, int *size);
int mlplab_mpi_finalize(void);
int mlplab_mpi_abort(int code);
int mlplab_mpi_barrier(void);
/// In-place allreduce of `count` elements of `type` at `buffer`.
int mlplab_mpi_allreduce(void *buffer, int count, mlplab_mpi_type type, mlplab_mpi_op op);
int mlplab_mpi_bcast(void *buffer, int count, mlplab_mpi_type type, int root);
/// The size in bytes of one element of `type`.
int mlplab_mpi_type_size(mlplab_mpi_type type);
/// The text of MPI error `code`, into `text` (`length` bytes, NUL-terminated).
void mlplab_mpi_error_string(int code, char *text, int length);

/// A list of `count` nonblocking requests (free with mlplab_mpi_requests_free).
void *mlplab_mpi_requests_create(int count);
void mlplab_mpi_requests_free(void *requests);
/// Starts an in-place sum of `count` floats at `buffer` over every rank, as request `index`.
int mlplab_mpi_iallreduce_sum_float(float *buffer, int count, void *requests, int index);
/// MPI_Testall over the first `count` requests (moves them on without waiting).
int mlplab_mpi_testall(void *requests, int count);
/// MPI_Waitall over the first `count` requests.
int mlplab_mpi_waitall(void *requests, int count);

#endif
