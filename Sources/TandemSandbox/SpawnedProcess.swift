import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child started with `posix_spawn`: its own process group, only fds 0–2 inherited, default
/// signal dispositions, and pipes on stdin/stdout/stderr whose parent ends this type hands out.
///
/// Foundation's `Process` is not used here because it lets an internal socket leak into the
/// child; a sandboxed snippet must inherit nothing but its three pipes.
final class SpawnedProcess: Sendable {
    /// The child's pid, also its process group id.
    let pid: pid_t
    /// Parent end of the child's stdin (write).
    let stdinFD: Int32
    /// Parent end of the child's stdout (read).
    let stdoutFD: Int32
    /// Parent end of the child's stderr (read).
    let stderrFD: Int32

    /// Set (under its lock) just before the child is reaped, so a signal never reaches a recycled pid.
    private let reaped = Mutex(false)

    private init(pid: pid_t, stdinFD: Int32, stdoutFD: Int32, stderrFD: Int32) {
        self.pid = pid
        self.stdinFD = stdinFD
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
    }

    /// Starts `arguments[0]` (an absolute path) with exactly `environment`.
    static func spawn(_ arguments: [String], environment: [String], directory: String) throws(SandboxError) -> SpawnedProcess {
        guard let executable = arguments.first else { throw .spawnFailed(program: "", code: EINVAL) }
        var stdinPipe: [Int32] = [-1, -1], stdoutPipe: [Int32] = [-1, -1], stderrPipe: [Int32] = [-1, -1]
        // O_CLOEXEC on every end: the dup2 below clears it on the child's copies only, so a child
        // spawned concurrently from another thread never inherits our pipes.
        guard SpawnExtensions.closeOnExecPipe(&stdinPipe), SpawnExtensions.closeOnExecPipe(&stdoutPipe),
              SpawnExtensions.closeOnExecPipe(&stderrPipe)
        else {
            let code = errno
            for fd in stdinPipe + stdoutPipe + stderrPipe where fd >= 0 { close(fd) }
            throw .spawnFailed(program: executable, code: code)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        guard SpawnExtensions.closeFrom(&actions, 3), SpawnExtensions.changeDirectory(&actions, directory) else {
            for fd in stdinPipe + stdoutPipe + stderrPipe { close(fd) }
            throw .spawnFailed(program: executable, code: ENOSYS)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var allSignals = sigset_t(), noSignals = sigset_t()
        sigfillset(&allSignals)
        sigemptyset(&noSignals)
        // The host may ignore SIGPIPE; a snippet's `sh` pipelines expect the default.
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { for p in argv + envp { free(p) } }
        var result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        // ETXTBSY: another thread's child briefly held a write fd to a just-written executable
        // (between its clone and exec). It clears in milliseconds.
        for _ in 0..<10 where result == ETXTBSY {
            usleep(20_000)
            result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        }
        close(stdinPipe[0]); close(stdoutPipe[1]); close(stderrPipe[1])
        guard result == 0 else {
            close(stdinPipe[1]); close(stdoutPipe[0]); close(stderrPipe[0])
            throw .spawnFailed(program: executable, code: result)
        }
        return SpawnedProcess(pid: pid, stdinFD: stdinPipe[1], stdoutFD: stdoutPipe[0], stderrFD: stderrPipe[0])
    }

    /// Sends `signal` to the child's whole process group; false when the child had already
    /// ended and been reaped, so there was nothing left to signal.
    @discardableResult
    func signalGroup(_ signal: Int32) -> Bool {
        reaped.withLock { isReaped in
            if !isReaped { _ = kill(-pid, signal) }
            return !isReaped
        }
    }

    /// Waits for the child to exit on a dedicated thread (waitpid blocks; the cooperative pool must not).
    func waitForExit() async -> ExitStatus {
        let pid = self.pid
        return await withCheckedContinuation { continuation in
            let thread = Thread { [self] in
                // Wait without reaping first: until the reap below, the pid cannot be reused.
                var info = siginfo_t()
                while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
                let status = reaped.withLock { isReaped -> ExitStatus in
                    isReaped = true
                    var status: Int32 = 0
                    var result: pid_t
                    repeat { result = waitpid(pid, &status, 0) } while result < 0 && errno == EINTR
                    return result == pid ? ExitStatus(waitStatus: status) : .unknown
                }
                continuation.resume(returning: status)
            }
            thread.name = "tandem-sandbox-wait"
            thread.start()
        }
    }

    /// How a child ended, decoded from a `waitpid` status.
    enum ExitStatus: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
        /// Someone else reaped the child; should not happen.
        case unknown

        init(waitStatus: Int32) {
            let signal = waitStatus & 0x7f
            self = signal == 0 ? .exited((waitStatus >> 8) & 0xff) : .signaled(signal)
        }

        /// The shell's convention: the code, or 128 + signal.
        var shellCode: Int32 {
            switch self {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            case .unknown: -1
            }
        }
    }
}

/// glibc's `pipe2` and `_np` spawn file actions, which Swift's Glibc module does not import
/// (they sit behind _GNU_SOURCE); looked up once.
private enum SpawnExtensions {
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    // glibc 2.34 added closefrom, 2.29 chdir; Debian 12 ships 2.36.
    // Kept as addresses (Sendable integers), turned back into function pointers at the call.
    private static let pipe2Address = UInt(bitPattern: dlsym(nil, "pipe2"))
    private static let closeFromAddress = UInt(bitPattern: dlsym(nil, "posix_spawn_file_actions_addclosefrom_np"))
    private static let changeDirectoryAddress = UInt(bitPattern: dlsym(nil, "posix_spawn_file_actions_addchdir_np"))

    /// A pipe whose both ends are close-on-exec, created atomically.
    static func closeOnExecPipe(_ ends: inout [Int32]) -> Bool {
        guard let symbol = UnsafeRawPointer(bitPattern: pipe2Address) else { return false }
        return ends.withUnsafeMutableBufferPointer { unsafeBitCast(symbol, to: Pipe2.self)($0.baseAddress!, O_CLOEXEC) } == 0
    }

    static func closeFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) -> Bool {
        guard let symbol = UnsafeRawPointer(bitPattern: closeFromAddress) else { return false }
        return unsafeBitCast(symbol, to: CloseFrom.self)(actions, lowest) == 0
    }

    static func changeDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: String) -> Bool {
        guard let symbol = UnsafeRawPointer(bitPattern: changeDirectoryAddress) else { return false }
        return unsafeBitCast(symbol, to: ChangeDirectory.self)(actions, path) == 0
    }
}
