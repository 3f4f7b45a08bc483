import Foundation
import TandemCore

/// What one run produced. Output is kept even when the run failed or was stopped.
public struct CodeRunResult: Sendable, Equatable {
    /// Exit status as a shell reports it: the code, or 128 + signal number.
    public let exitStatus: Int32
    /// stdout (at most the cap), decoded as UTF-8 with invalid bytes replaced.
    public let stdout: String
    /// stderr (at most the cap), decoded as UTF-8 with invalid bytes replaced.
    public let stderr: String
    /// True when stdout went past its cap and the rest was dropped.
    public let stdoutTruncated: Bool
    /// True when stderr went past its cap and the rest was dropped.
    public let stderrTruncated: Bool
    /// Wall-clock time from spawn to exit.
    public let duration: Duration
    /// Why the run was stopped, or nil when it ended by itself.
    public let stopReason: SandboxStopReason?

    /// Creates a result (the runner does; tests and callers may build one to compare).
    public init(exitStatus: Int32, stdout: String, stderr: String, stdoutTruncated: Bool, stderrTruncated: Bool,
                duration: Duration, stopReason: SandboxStopReason?) {
        self.exitStatus = exitStatus
        self.stdout = stdout
        self.stderr = stderr
        self.stdoutTruncated = stdoutTruncated
        self.stderrTruncated = stderrTruncated
        self.duration = duration
        self.stopReason = stopReason
    }

    /// True when the code ended by itself with status 0.
    public var succeeded: Bool { stopReason == nil && exitStatus == 0 }

    /// The JSON value the code printed; throws when the run failed, was stopped, or printed non-JSON.
    public func jsonOutput() throws(SandboxError) -> JSONValue {
        if let stopReason { throw .stopped(reason: stopReason, stderrTail: stderrTail) }
        guard exitStatus == 0 else { throw .snippetFailed(exitStatus: exitStatus, stderrTail: stderrTail) }
        let text = stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw .outputNotJSON(detail: "it printed nothing", stdoutHead: "") }
        do {
            return try JSONParser.parse(text)
        } catch {
            throw .outputNotJSON(detail: "\(error)", stdoutHead: String(text.prefix(200)))
        }
    }

    /// The last few hundred characters of stderr, for error messages.
    public var stderrTail: String {
        String(stderr.trimmingCharacters(in: .whitespacesAndNewlines).suffix(400))
    }
}
