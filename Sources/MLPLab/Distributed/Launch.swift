import Foundation

/// How this process was started: alone, or as one of several ranks by an MPI launcher.
///
/// Read from the environment the launcher sets, before any MPI call, so that a process started
/// without one never initializes MPI:
/// - Open MPI's `mpirun` / `mpiexec`: `OMPI_COMM_WORLD_SIZE`, `_RANK`, `_LOCAL_SIZE`, `_LOCAL_RANK`;
/// - Slurm's `srun` (with its MPI plugin `pmix` or `pmi2`): `PMIX_RANK` or `PMI_RANK`, with `SLURM_NTASKS`,
///   `SLURM_PROCID`, `SLURM_LOCALID`, and for the tasks on this node `SLURM_STEP_TASKS_PER_NODE`
///   (else `SLURM_NTASKS` over `SLURM_NNODES`).
///
/// `MLPLAB_MPI=0` ignores a launcher (each process works alone); `MLPLAB_MPI=1` initializes MPI
/// even for a single process (a singleton, about 0.6 s to start).
public struct Launch: Equatable, Sendable {
    /// This process's rank, 0 ..< size.
    public var rank: Int
    /// Processes in the job.
    public var size: Int
    /// This process's rank among those on its node.
    public var localRank: Int
    /// Processes on this node.
    public var localSize: Int

    /// A process on its own.
    public static let single = Launch(rank: 0, size: 1, localRank: 0, localSize: 1)

    /// Whether MPI is to be initialized: more than one process, or `MLPLAB_MPI=1`.
    public var usesMPI: Bool { size > 1 || forced }
    private var forced = false

    /// A launch of `size` processes; this one is `rank`, with `localSize` on its node.
    public init(rank: Int, size: Int, localRank: Int, localSize: Int) {
        self.rank = rank
        self.size = size
        self.localRank = localRank
        self.localSize = localSize
    }

    /// The launch `environment` describes (default: this process's).
    public static func detect(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Launch {
        func number(_ key: String) -> Int? { environment[key].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        switch environment["MLPLAB_MPI"] {
        case "0": return .single
        case "1":
            var launch = detected(number, environment) ?? .single
            launch.forced = true
            return launch
        default:
            return detected(number, environment) ?? .single
        }
    }

    private static func detected(_ number: (String) -> Int?, _ environment: [String: String]) -> Launch? {
        if let size = number("OMPI_COMM_WORLD_SIZE"), let rank = number("OMPI_COMM_WORLD_RANK"), size >= 1, (0..<size).contains(rank) {
            let localSize = max(1, number("OMPI_COMM_WORLD_LOCAL_SIZE") ?? 1)
            return Launch(rank: rank, size: size, localRank: number("OMPI_COMM_WORLD_LOCAL_RANK") ?? 0, localSize: localSize)
        }
        if number("PMIX_RANK") != nil || number("PMI_RANK") != nil,
           let size = number("SLURM_NTASKS"), let rank = number("SLURM_PROCID"), size >= 1, (0..<size).contains(rank) {
            // SLURM_TASKS_PER_NODE reads "2(x3),1": this node's count is not in it when nodes
            // differ, so the tasks on this node are counted from SLURM_STEP_TASKS_PER_NODE's first
            // figure, else taken as size / nodes.
            let nodes = max(1, number("SLURM_NNODES") ?? number("SLURM_JOB_NUM_NODES") ?? 1)
            let perNode = environment["SLURM_STEP_TASKS_PER_NODE"].flatMap { Int($0.prefix { $0.isNumber }) } ?? max(1, size / nodes)
            return Launch(rank: rank, size: size, localRank: number("SLURM_LOCALID") ?? 0, localSize: max(1, perNode))
        }
        return nil
    }

    /// The tasks Slurm's `srun` started for this step without giving them MPI (no MPI plugin
    /// asked for, where the cluster's `MpiDefault` is `none`): more than one, each of which would
    /// work alone, as no launch is detected. Nil when a launch is detected, outside a step of
    /// `srun` (a batch script sets no `SLURM_STEP_NUM_TASKS`), for a step of one task, and with
    /// `MLPLAB_MPI=0` (each process alone, as asked).
    public static func tasksWithoutMPI(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        guard environment["MLPLAB_MPI"] != "0", detect(environment).size == 1,
              environment["PMIX_RANK"] == nil, environment["PMI_RANK"] == nil,
              let tasks = environment["SLURM_STEP_NUM_TASKS"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), tasks > 1
        else { return nil }
        return tasks
    }

    /// Threads for each process's products when none are asked for (at least one). A process
    /// bound to some of the machine's cores (`taskset`, mpirun binding each process to a core, Slurm's task
    /// binding: `usable` below `machine`) uses those, which the binding already shared out; an
    /// unbound one shares the node's cores among the processes the launcher started on it.
    public func defaultThreads(usable: Int = CPUInfo.usableCores,
                               machine: Int = ProcessInfo.processInfo.activeProcessorCount) -> Int {
        usable < machine ? max(1, usable) : max(1, machine / max(1, localSize))
    }
}
