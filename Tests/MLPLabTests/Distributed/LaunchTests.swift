import MLPLab
import Testing

/// Reading how a process was started from its launcher's environment.
struct LaunchTests {
    @Test("no launcher: one process, no MPI; MLPLAB_MPI=1 forces MPI, MLPLAB_MPI=0 ignores a launcher")
    func aloneUnlessLaunched() {
        #expect(Launch.detect([:]) == .single && !Launch.detect([:]).usesMPI)
        #expect(Launch.detect(["MLPLAB_MPI": "1"]).usesMPI)
        let mpirun = ["OMPI_COMM_WORLD_SIZE": "4", "OMPI_COMM_WORLD_RANK": "3", "OMPI_COMM_WORLD_LOCAL_SIZE": "2",
                      "OMPI_COMM_WORLD_LOCAL_RANK": "1"]
        #expect(Launch.detect(mpirun) == Launch(rank: 3, size: 4, localRank: 1, localSize: 2))
        #expect(Launch.detect(mpirun).usesMPI)
        #expect(Launch.detect(mpirun.merging(["MLPLAB_MPI": "0"]) { $1 }) == .single)
    }

    @Test("srun with PMIx: rank and size from Slurm; a batch script without srun is not a launch")
    func slurm() {
        let srun = ["PMIX_RANK": "1", "SLURM_NTASKS": "4", "SLURM_PROCID": "1", "SLURM_LOCALID": "1", "SLURM_NNODES": "2",
                    "SLURM_STEP_TASKS_PER_NODE": "2(x2)"]
        #expect(Launch.detect(srun) == Launch(rank: 1, size: 4, localRank: 1, localSize: 2))
        #expect(Launch.detect(["SLURM_NTASKS": "4", "SLURM_PROCID": "0"]) == .single)
    }

    @Test("srun's tasks without MPI (no PMIx or PMI rank) are counted; none in a batch script, a step of one task, a launch, or with MLPLAB_MPI=0")
    func slurmTasksWithoutMPI() {
        let step = ["SLURM_NTASKS": "2", "SLURM_PROCID": "1", "SLURM_STEP_NUM_TASKS": "2", "SLURM_STEP_TASKS_PER_NODE": "2"]
        #expect(Launch.tasksWithoutMPI(step) == 2)
        #expect(Launch.tasksWithoutMPI(step.merging(["PMIX_RANK": "1"]) { $1 }) == nil)
        #expect(Launch.tasksWithoutMPI(step.merging(["PMI_RANK": "1"]) { $1 }) == nil)
        #expect(Launch.tasksWithoutMPI(step.merging(["MLPLAB_MPI": "0"]) { $1 }) == nil)
        #expect(Launch.tasksWithoutMPI(step.merging(["OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_RANK": "1"]) { $1 }) == nil)
        #expect(Launch.tasksWithoutMPI(step.merging(["SLURM_STEP_NUM_TASKS": "1"]) { $1 }) == nil)
        #expect(Launch.tasksWithoutMPI(["SLURM_NTASKS": "4", "SLURM_PROCID": "0"]) == nil, "a batch script's shell")
    }

    @Test("threads default to the node's cores shared among its processes, at least one")
    func threadsPerRank() {
        // Unbound: the node's cores shared among its processes.
        #expect(Launch(rank: 0, size: 4, localRank: 0, localSize: 2).defaultThreads(usable: 8, machine: 8) == 4)
        #expect(Launch(rank: 0, size: 4, localRank: 0, localSize: 4).defaultThreads(usable: 2, machine: 2) == 1)
        #expect(Launch.single.defaultThreads(usable: 6, machine: 6) == 6)
        // Bound (taskset, mpirun --bind-to core, Slurm): the cores of the binding, already shared out.
        #expect(Launch.single.defaultThreads(usable: 1, machine: 2) == 1)
        #expect(Launch(rank: 0, size: 2, localRank: 0, localSize: 2).defaultThreads(usable: 3, machine: 8) == 3)
        #expect(Launch(rank: 0, size: 2, localRank: 0, localSize: 2).defaultThreads(usable: 1, machine: 2) == 1)
    }

    @Test("inconsistent launcher variables are no launch, not a crash")
    func nonsense() {
        #expect(Launch.detect(["OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_RANK": "5"]) == .single)
        #expect(Launch.detect(["OMPI_COMM_WORLD_SIZE": "x", "OMPI_COMM_WORLD_RANK": "0"]) == .single)
        #expect(Launch.detect(["OMPI_COMM_WORLD_SIZE": "0", "OMPI_COMM_WORLD_RANK": "0"]) == .single)
    }
}
