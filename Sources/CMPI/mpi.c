// See include/CMPI.h. The declarations come from Open MPI's own header (Debian's
// libopenmpi-dev, found through the multiarch include folder); nothing here refers to a libmpi
// symbol at link time: each is looked up with dlsym once libmpi is opened.
#include "CMPI.h"

#include <dlfcn.h>
#include <openmpi/mpi.h>
#include <stdio.h>
#include <stdlib.h>

static struct {
    __typeof__(MPI_Init_thread) *init_thread;
    __typeof__(MPI_Finalize) *finalize;
    __typeof__(MPI_Abort) *abort_;
    __typeof__(MPI_Comm_set_errhandler) *comm_set_errhandler;
    __typeof__(MPI_Comm_rank) *comm_rank;
    __typeof__(MPI_Comm_size) *comm_size;
    __typeof__(MPI_Barrier) *barrier;
    __typeof__(MPI_Allreduce) *allreduce;
    __typeof__(MPI_Iallreduce) *iallreduce;
    __typeof__(MPI_Bcast) *bcast;
    __typeof__(MPI_Testall) *testall;
    __typeof__(MPI_Waitall) *waitall;
    __typeof__(MPI_Type_size) *type_size;
    __typeof__(MPI_Error_string) *error_string;
    MPI_Comm world;
    MPI_Errhandler errors_return;
    MPI_Datatype types[4];
    MPI_Op ops[3];
} mpi;

int mlplab_mpi_load(char *error, int length) {
    // RTLD_GLOBAL: Open MPI's plug-ins, opened by libmpi itself, resolve their symbols against it.
    void *library = dlopen("libmpi.so.40", RTLD_NOW | RTLD_GLOBAL);
    if (!library) {
        snprintf(error, (size_t)length, "cannot load Open MPI (libmpi.so.40: %s); install it with 'bash scripts/setup' (Debian's openmpi-bin)", dlerror());
        return -1;
    }
    struct { const char *name; void **slot; } symbols[] = {
        {"MPI_Init_thread", (void **)&mpi.init_thread}, {"MPI_Finalize", (void **)&mpi.finalize},
        {"MPI_Abort", (void **)&mpi.abort_}, {"MPI_Comm_set_errhandler", (void **)&mpi.comm_set_errhandler},
        {"MPI_Comm_rank", (void **)&mpi.comm_rank}, {"MPI_Comm_size", (void **)&mpi.comm_size},
        {"MPI_Barrier", (void **)&mpi.barrier}, {"MPI_Allreduce", (void **)&mpi.allreduce},
        {"MPI_Iallreduce", (void **)&mpi.iallreduce}, {"MPI_Bcast", (void **)&mpi.bcast},
        {"MPI_Testall", (void **)&mpi.testall}, {"MPI_Waitall", (void **)&mpi.waitall},
        {"MPI_Type_size", (void **)&mpi.type_size}, {"MPI_Error_string", (void **)&mpi.error_string},
        // The predefined handles: in Open MPI, MPI_COMM_WORLD is &ompi_mpi_comm_world, and so on.
        {"ompi_mpi_comm_world", (void **)&mpi.world}, {"ompi_mpi_errors_return", (void **)&mpi.errors_return},
        {"ompi_mpi_byte", (void **)&mpi.types[MLPLAB_MPI_BYTE]}, {"ompi_mpi_int64_t", (void **)&mpi.types[MLPLAB_MPI_INT64]},
        {"ompi_mpi_float", (void **)&mpi.types[MLPLAB_MPI_FLOAT]}, {"ompi_mpi_double", (void **)&mpi.types[MLPLAB_MPI_DOUBLE]},
        {"ompi_mpi_op_sum", (void **)&mpi.ops[MLPLAB_MPI_SUM]}, {"ompi_mpi_op_max", (void **)&mpi.ops[MLPLAB_MPI_MAX]},
        {"ompi_mpi_op_min", (void **)&mpi.ops[MLPLAB_MPI_MIN]},
    };
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        *symbols[i].slot = dlsym(library, symbols[i].name);
        if (!*symbols[i].slot) {
            snprintf(error, (size_t)length, "libmpi.so.40 has no '%s': not Open MPI 4; install Debian's openmpi-bin", symbols[i].name);
            return -1;
        }
    }
    return 0;
}

int mlplab_mpi_init(int *rank, int *size) {
    int provided = 0;
    int code = mpi.init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
    if (code != MPI_SUCCESS) return code;
    mpi.comm_set_errhandler(mpi.world, mpi.errors_return);
    mpi.comm_rank(mpi.world, rank);
    return mpi.comm_size(mpi.world, size);
}

int mlplab_mpi_finalize(void) { return mpi.finalize(); }
int mlplab_mpi_abort(int code) { return mpi.abort_(mpi.world, code); }
int mlplab_mpi_barrier(void) { return mpi.barrier(mpi.world); }

int mlplab_mpi_allreduce(void *buffer, int count, mlplab_mpi_type type, mlplab_mpi_op op) {
    return mpi.allreduce(MPI_IN_PLACE, buffer, count, mpi.types[type], mpi.ops[op], mpi.world);
}

int mlplab_mpi_bcast(void *buffer, int count, mlplab_mpi_type type, int root) {
    return mpi.bcast(buffer, count, mpi.types[type], root, mpi.world);
}

int mlplab_mpi_type_size(mlplab_mpi_type type) {
    int size = 0;
    mpi.type_size(mpi.types[type], &size);
    return size;
}

void mlplab_mpi_error_string(int code, char *text, int length) {
    char buffer[MPI_MAX_ERROR_STRING + 1];
    int written = 0;
    if (mpi.error_string(code, buffer, &written) != MPI_SUCCESS) written = snprintf(buffer, sizeof buffer, "MPI error %d", code);
    snprintf(text, (size_t)length, "%.*s", written, buffer);
}

void *mlplab_mpi_requests_create(int count) { return calloc((size_t)(count > 0 ? count : 1), sizeof(MPI_Request)); }
void mlplab_mpi_requests_free(void *requests) { free(requests); }

int mlplab_mpi_iallreduce_sum_float(float *buffer, int count, void *requests, int index) {
    return mpi.iallreduce(MPI_IN_PLACE, buffer, count, mpi.types[MLPLAB_MPI_FLOAT], mpi.ops[MLPLAB_MPI_SUM], mpi.world,
                          (MPI_Request *)requests + index);
}

int mlplab_mpi_testall(void *requests, int count) {
    int done = 0;
    return mpi.testall(count, (MPI_Request *)requests, &done, MPI_STATUSES_IGNORE);
}

int mlplab_mpi_waitall(void *requests, int count) {
    return mpi.waitall(count, (MPI_Request *)requests, MPI_STATUSES_IGNORE);
}
