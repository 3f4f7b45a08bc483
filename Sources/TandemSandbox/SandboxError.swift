#if canImport(Glibc)
import Glibc
#endif

/// Why a code step could not run, or why its result is unusable. Each description says what to do next.
public enum SandboxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `bwrap` is not installed; code steps never fall back to running unsandboxed.
    case bubblewrapMissing(searched: [String])
    /// A host tool the runner needs (`setpriv`, `prlimit`, `timeout`) or the interpreter is missing.
    case toolMissing(path: String, package: String)
    /// bubblewrap could not create its namespaces (unprivileged user namespaces are off).
    case namespacesUnavailable(message: String)
    /// bubblewrap failed before the snippet started, for another reason.
    case sandboxSetupFailed(message: String)
    /// `posix_spawn` failed.
    case spawnFailed(program: String, code: Int32)
    /// The snippet is larger than one command-line argument may be.
    case codeTooLarge(bytes: Int, limit: Int)
    /// The snippet contains a NUL byte, which no interpreter accepts in `-c`.
    case codeContainsNUL
    /// A limit is zero or negative.
    case invalidLimit(name: String)
    /// The run was stopped (timeout, CPU, memory, output cap, cancellation).
    case stopped(reason: SandboxStopReason, stderrTail: String)
    /// The snippet exited with a non-zero status.
    case snippetFailed(exitStatus: Int32, stderrTail: String)
    /// stdout was not one JSON value.
    case outputNotJSON(detail: String, stdoutHead: String)

    /// What went wrong and what to do next.
    public var description: String {
        switch self {
        case .bubblewrapMissing(let searched):
            "bubblewrap (bwrap) is not installed (looked in \(searched.joined(separator: ", "))); code steps run only "
                + "inside it: install it with `apt-get install bubblewrap` (Debian/Ubuntu) or `dnf install bubblewrap`, "
                + "or pass --unsafe-no-sandbox to run code unsandboxed at your own risk"
        case .toolMissing(let path, let package):
            "\(path) is missing; install it with `apt-get install \(package)`"
        case .namespacesUnavailable(let message):
            "bubblewrap cannot create namespaces (\(message)); enable unprivileged user namespaces "
                + "(`sysctl -w kernel.unprivileged_userns_clone=1`, or on Ubuntu 24.04+ "
                + "`sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`), or run tandem as root"
        case .sandboxSetupFailed(let message):
            "bubblewrap failed before the code started: \(message); check that `bwrap --version` works (0.6 or newer)"
        case .spawnFailed(let program, let code):
            "could not start \(program): \(String(cString: strerror(code))) (errno \(code))"
        case .codeTooLarge(let bytes, let limit):
            "the code is \(bytes) bytes; at most \(limit) fit in one command-line argument: move data into the step's input"
        case .codeContainsNUL:
            "the code contains a NUL byte; remove it"
        case .invalidLimit(let name):
            "sandbox limit \(name) must be positive"
        case .stopped(let reason, let tail):
            "the code was stopped: \(Self.explain(reason))" + (tail.isEmpty ? "" : "; stderr ends: \(tail)")
        case .snippetFailed(let status, let tail):
            "the code exited with status \(status)" + (tail.isEmpty ? "" : "; stderr ends: \(tail)")
        case .outputNotJSON(let detail, let head):
            "the code's stdout is not one JSON value (\(detail)); print exactly one JSON value, "
                + "e.g. `print(json.dumps(result))`; stdout began: \(head)"
        }
    }

    private static func explain(_ reason: SandboxStopReason) -> String {
        switch reason {
        case .timeout: "it ran past its wall-clock timeout; make it faster or raise the timeout"
        case .cpuLimit: "it used up its CPU seconds; make it faster or raise cpuSeconds"
        case .memoryLimit: "it hit the memory cap; process less data at once or raise memoryBytes"
        case .outputCap: "it printed more than the output cap; print less or raise the cap"
        case .cancelled: "the step was cancelled"
        }
    }
}
