import Foundation
import Synchronization
import TandemCore
#if canImport(Glibc)
import Glibc
#endif

/// Runs a Python 3 or `sh` snippet with JSON on stdin and JSON expected on stdout, inside bubblewrap.
///
/// The snippet gets no network, a read-only /usr, a private tmpfs work dir, no $HOME and no
/// project, a new PID namespace and no capabilities; rlimits cap CPU, memory, processes and file
/// size; the host kills the whole sandbox at the wall-clock timeout or when output passes its cap.
/// Without bwrap it fails with install instructions; it never runs unsandboxed unless built with
/// `.unsafeNoSandbox`.
public struct CodeRunner: Sendable {
    /// The limits every run gets.
    public let limits: SandboxLimits
    /// The isolation every run gets.
    public let isolation: SandboxIsolation
    /// An explicit `bwrap` path, or nil to search the usual places and `$PATH`.
    public let bubblewrapPath: String?

    /// Arguments above this size do not fit in one `execve` argument (MAX_ARG_STRLEN is 128 KiB).
    public static let maxCodeBytes = 100_000

    /// Creates a runner.
    public init(limits: SandboxLimits = .standard, isolation: SandboxIsolation = .bubblewrap,
                bubblewrapPath: String? = nil) {
        self.limits = limits
        self.isolation = isolation
        self.bubblewrapPath = bubblewrapPath
    }

    /// Runs `code` with `input` (compact JSON) on stdin. Throws only when the code could not be
    /// started; a failing, stopped or non-JSON run returns a result (see `CodeRunResult.jsonOutput()`).
    public func run(_ code: String, language: CodeLanguage, input: JSONValue = .null) async throws(SandboxError) -> CodeRunResult {
        if let name = limits.invalidLimit { throw .invalidLimit(name: name) }
        guard code.utf8.count <= Self.maxCodeBytes else {
            throw .codeTooLarge(bytes: code.utf8.count, limit: Self.maxCodeBytes)
        }
        guard !code.utf8.contains(0) else { throw .codeContainsNUL }
        for tool in SandboxCommandLine.requiredTools + [(language.interpreter, language.package)]
        where !FileManager.default.isExecutableFile(atPath: tool.0) {
            throw .toolMissing(path: tool.0, package: tool.1)
        }

        switch isolation {
        case .bubblewrap:
            let bwrap = try await BubblewrapInstallation.locate(explicitPath: bubblewrapPath)
            var setpriv: String?
            if geteuid() == 0 {
                guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
                    throw .toolMissing(path: "/usr/bin/setpriv", package: "util-linux")
                }
                setpriv = "/usr/bin/setpriv"
            }
            let command = SandboxCommandLine.bubblewrap(bwrap, setpriv: setpriv, language: language, code: code, limits: limits)
            let result = try await execute(command, input: input)
            try Self.checkSetup(result)
            return result
        case .unsafeNoSandbox:
            Log.warning("running \(language.rawValue) code WITHOUT a sandbox (--unsafe-no-sandbox): it can read your files "
                + "and reach the network; only rlimits, the timeout and the output caps apply")
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("tandem-unsafe-\(UUID().uuidString)").path
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw .spawnFailed(program: "mkdir \(directory)", code: EACCES)
            }
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let command = SandboxCommandLine.unsandboxed(language: language, code: code, limits: limits, directory: directory)
            return try await execute(command, input: input)
        }
    }

    /// bwrap reports its own failures as "bwrap: ..." with status 1 before the snippet starts.
    private static func checkSetup(_ result: CodeRunResult) throws(SandboxError) {
        guard result.exitStatus == 1, result.stopReason == nil, result.stdout.isEmpty else { return }
        let firstLine = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        guard firstLine.hasPrefix("bwrap: ") || firstLine.hasPrefix("setpriv: ") else { return }
        let message = String(firstLine.drop { $0 != " " }.dropFirst())
        let lowered = message.lowercased()
        if lowered.contains("namespace") || lowered.contains("uid map") || lowered.contains("operation not permitted") {
            throw .namespacesUnavailable(message: message)
        }
        throw .sandboxSetupFailed(message: message)
    }

    /// Spawns, feeds stdin, drains both pipes under their caps, and enforces the timeout.
    private func execute(_ command: SandboxCommandLine, input: JSONValue) async throws(SandboxError) -> CodeRunResult {
        let started = ContinuousClock.now
        let child = try SpawnedProcess.spawn(command.arguments, environment: command.environment, directory: command.directory)
        // The first reason to stop wins: a timeout that fires while the output cap kills is still an output-cap stop.
        // A timer or cancellation that comes after the child has ended by itself stopped nothing: on a
        // loaded machine the timer task can wait for a thread past the deadline while the snippet
        // exited 0 long before (CI once failed a no-op run that way). Output past its cap stays a
        // stop even then, since output was dropped.
        let stop = Mutex<SandboxStopReason?>(nil)
        let stopOnce: @Sendable (SandboxStopReason) -> Void = { reason in
            stop.withLock { current in
                guard current == nil else { return }
                if child.signalGroup(SIGKILL) || reason == .outputCap { current = reason }
            }
        }
        InputFeeder.start(fd: child.stdinFD, bytes: Array((JSONWriter.compact(input) + "\n").utf8))
        let stdout = PipeDrain(fd: child.stdoutFD, cap: limits.maxStdoutBytes, name: "tandem-sandbox-stdout") {
            stopOnce(.outputCap)
        }
        let stderr = PipeDrain(fd: child.stderrFD, cap: limits.maxStderrBytes, name: "tandem-sandbox-stderr") {
            stopOnce(.outputCap)
        }

        let wallTimeout = limits.wallTimeout
        let status = await withTaskCancellationHandler {
            await withTaskGroup(of: SpawnedProcess.ExitStatus?.self) { group in
                group.addTask { await child.waitForExit() }
                group.addTask {
                    if await TimeLimit.wait(wallTimeout) { stopOnce(.timeout) }
                    return nil
                }
                var exit: SpawnedProcess.ExitStatus = .unknown
                while let next = await group.next() {
                    if let next { exit = next; group.cancelAll() }
                }
                return exit
            }
        } onCancel: {
            stopOnce(.cancelled)
        }
        let duration = ContinuousClock.now - started
        // Everything in the sandbox died with its PID namespace, so EOF comes at once; an
        // unsandboxed grandchild may hold the pipe, and is not waited for long.
        await stdout.finish(grace: .seconds(1))
        await stderr.finish(grace: .seconds(1))

        let out = stdout.collected, err = stderr.collected
        let stderrText = String(decoding: err.bytes, as: UTF8.self)
        let exitStatus = status.shellCode
        var reason = stop.withLock { $0 }
        if reason == nil { reason = Self.limitReason(exitStatus: exitStatus, stderr: stderrText) }
        // The in-sandbox `timeout` backstop (wall limit + 3 s) kills with SIGKILL when this
        // process's own timer runs late, as on a machine so loaded that the timer task waits
        // seconds for a thread: that is still the wall-clock limit, not an unexplained kill.
        if reason == nil, exitStatus == 128 + SIGKILL, duration >= wallTimeout { reason = .timeout }
        return CodeRunResult(exitStatus: exitStatus, stdout: String(decoding: out.bytes, as: UTF8.self), stderr: stderrText,
                             stdoutTruncated: out.truncated, stderrTruncated: err.truncated,
                             duration: duration, stopReason: reason)
    }

    /// Recognises an rlimit stop from how the snippet ended.
    static func limitReason(exitStatus: Int32, stderr: String) -> SandboxStopReason? {
        if exitStatus == 128 + SIGXCPU { return .cpuLimit }
        guard exitStatus != 0 else { return nil }
        let lastLine = stderr.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        if lastLine.hasPrefix("MemoryError") || lastLine.contains("Cannot allocate memory")
            || lastLine.contains("memory exhausted") || lastLine.contains("Out of memory") {
            return .memoryLimit
        }
        return nil
    }
}
