import Foundation
import TandemTestSupport

/// Paths of the test fixtures, found from this file.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let repositoryRoot = directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func path(_ relative: String) -> String { repositoryRoot.appendingPathComponent(relative).path }
}

/// The built `tandem` binary of this configuration.
func tandemBinary() throws -> String {
    #if DEBUG
    let config = "debug"
    #else
    let config = "release"
    #endif
    let path = Fixtures.path(".build/\(config)/tandem")
    guard FileManager.default.isExecutableFile(atPath: path) else {
        throw PeerError(description: "\(path) is missing; build it first (`swift build -c \(config)` or `make test`)")
    }
    return path
}

/// The small test model: `TANDEM_TEST_MODEL`, else the repository's copy; missing is an error.
func testModelPath() throws -> String { try TestModelFile.smolLM() }

/// Runs a program to completion without blocking the cooperative pool; output goes to a file.
/// `environment` adds to (or overrides) the test runner's own. `timeout` only stops a hung child
/// (the callers give 30 minutes or more: runs of seconds when quiet take minutes under a CPU hog).
func runToCompletion(_ executable: String, _ arguments: [String], timeout: Duration,
                     environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
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
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
    try process.run()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
        if ContinuousClock.now > deadline { stopChild(process); throw PeerError(description: "\(executable) ran past \(timeout)") }
        try await Task.sleep(for: .milliseconds(50))
    }
    try handle.close()
    return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
}

/// A temporary directory holding a tandem.yaml whose local models all serve role `primary`, in
/// the order given. CPU only and a small context, so tests behave alike on GPU machines and stay light.
struct TemporaryModelConfig {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Writes the config with local models NAME → PATH; returns its path.
    func write(_ models: [(name: String, path: String)]) throws -> String {
        let entries = models.map { "  \($0.name):\n    backend: local\n    path: \($0.path)\n    context: 512\n    device: cpu\n" }.joined()
        let text = "version: 1\nmodels:\n\(entries)roles:\n  primary: [\(models.map(\.name).joined(separator: ", "))]\n"
            + "keywords_dir: \(Fixtures.path("config"))\n"
        let file = path("tandem.yaml")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Removes the directory.
    func remove() { try? FileManager.default.removeItem(at: directory) }
}
