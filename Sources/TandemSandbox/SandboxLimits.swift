/// Resource limits for one sandboxed run.
///
/// CPU, memory and process limits are rlimits set inside the sandbox (`prlimit`); the wall-clock
/// timeout and the output caps are enforced by the host, which kills the whole sandbox.
public struct SandboxLimits: Sendable, Equatable {
    /// CPU seconds before the kernel sends SIGXCPU (RLIMIT_CPU).
    public var cpuSeconds: Int
    /// Address-space cap in bytes (RLIMIT_AS); allocations beyond it fail.
    public var memoryBytes: Int
    /// Tasks (processes and threads) the sandbox may hold at once, counting its init and the
    /// timeout wrapper (RLIMIT_NPROC, counted per sandbox in its own user namespace).
    public var maxProcesses: Int
    /// Wall-clock time after which the whole sandbox is killed.
    public var wallTimeout: Duration
    /// Bytes of stdout kept; one more byte kills the run.
    public var maxStdoutBytes: Int
    /// Bytes of stderr kept; one more byte kills the run.
    public var maxStderrBytes: Int
    /// Size of the private tmpfs work directory (`/tmp`, also `$HOME`).
    public var workDirectoryBytes: Int

    /// Creates limits; every value must be positive.
    public init(cpuSeconds: Int = 10, memoryBytes: Int = 512 << 20, maxProcesses: Int = 64,
                wallTimeout: Duration = .seconds(30), maxStdoutBytes: Int = 1 << 20,
                maxStderrBytes: Int = 256 << 10, workDirectoryBytes: Int = 64 << 20) {
        self.cpuSeconds = cpuSeconds
        self.memoryBytes = memoryBytes
        self.maxProcesses = maxProcesses
        self.wallTimeout = wallTimeout
        self.maxStdoutBytes = maxStdoutBytes
        self.maxStderrBytes = maxStderrBytes
        self.workDirectoryBytes = workDirectoryBytes
    }

    /// The defaults: 10 CPU s, 512 MiB, 64 tasks, 30 s wall, 1 MiB stdout, 256 KiB stderr, 64 MiB work dir.
    public static let standard = SandboxLimits()

    /// The first limit that is not positive, named for an error message.
    var invalidLimit: String? {
        let named: [(String, Bool)] = [
            ("cpuSeconds", cpuSeconds > 0), ("memoryBytes", memoryBytes > 0), ("maxProcesses", maxProcesses > 0),
            ("wallTimeout", wallTimeout > .zero), ("maxStdoutBytes", maxStdoutBytes > 0),
            ("maxStderrBytes", maxStderrBytes >= 0), ("workDirectoryBytes", workDirectoryBytes > 0),
        ]
        return named.first { !$0.1 }?.0
    }
}
