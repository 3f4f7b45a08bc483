/// How a code step is isolated from the host.
public enum SandboxIsolation: Sendable, Equatable {
    /// bubblewrap: new user/PID/network/IPC/UTS/cgroup namespaces, read-only /usr, a private tmpfs
    /// work dir, no $HOME, no project, no capabilities. The default, and the only safe choice.
    case bubblewrap
    /// Runs the interpreter directly on the host with the same rlimits, timeout and output caps,
    /// in a fresh temporary directory, but with full access to the network and the user's files.
    /// Only for users who pass `--unsafe-no-sandbox`; every run logs a warning.
    case unsafeNoSandbox
}
