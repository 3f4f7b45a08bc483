import Foundation

/// Why a test peer or prerequisite is missing: an error telling the user what to run, never a skip.
public struct PeerError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

/// Stops a child process at once.
///
/// SIGKILL, not SIGTERM: children inherit the test runner's blocked-signal mask (Foundation's
/// Process does not reset it), so a SIGTERM would stay pending forever. No waiting either: a
/// blocked cooperative-pool thread stalls the other tests (and `waitUntilExit` spins a run loop).
public func stopChild(_ process: Process) {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
}
