import Foundation

/// Paths of the test fixtures, found from this file.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let repositoryRoot = directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func path(_ relative: String) -> String { repositoryRoot.appendingPathComponent(relative).path }
}

/// Why a test prerequisite is missing.
struct PeerError: Error, CustomStringConvertible {
    let description: String
}

/// SIGKILL: children inherit the test runner's blocked-signal mask, so SIGTERM stays pending.
func stopChild(_ process: Process) {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
}

/// Runs a program to completion without blocking the cooperative pool; output goes to a file.
func runToCompletion(_ executable: String, _ arguments: [String], timeout: Duration) async throws -> (status: Int32, output: String) {
    let log = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-planner-test-\(UUID().uuidString).log")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: log) }
    let handle = try FileHandle(forWritingTo: log)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = Fixtures.repositoryRoot
    process.standardOutput = handle
    process.standardError = handle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
        if ContinuousClock.now > deadline { stopChild(process); throw PeerError(description: "\(executable) ran past \(timeout)") }
        try await Task.sleep(for: .milliseconds(50))
    }
    try handle.close()
    return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
}
