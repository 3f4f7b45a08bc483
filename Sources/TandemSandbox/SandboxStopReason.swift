/// Why a run was stopped before it ended by itself.
public enum SandboxStopReason: String, Sendable, Equatable, Codable {
    /// The wall-clock timeout passed; the whole sandbox was killed.
    case timeout
    /// The CPU-seconds rlimit was reached (the kernel sent SIGXCPU).
    case cpuLimit
    /// An allocation failed against the memory cap (Python's MemoryError, or the shell's equivalent).
    case memoryLimit
    /// stdout or stderr went past its cap; the sandbox was killed and the output truncated.
    case outputCap
    /// The calling task was cancelled; the sandbox was killed.
    case cancelled
}
