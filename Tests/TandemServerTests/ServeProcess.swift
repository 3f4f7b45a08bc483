import Foundation
import Synchronization
import TandemCore
import TandemTestSupport

/// The built `tandem serve` binary, run as a real process on a loopback port the kernel picks.
final class ServeProcess: Sendable {
    let port: Int
    let pid: Int32
    let model = "SmolLM2-135M-Instruct.Q4_1"
    private let logPath: String
    private let process: Mutex<Process?>

    var url: String { "http://127.0.0.1:\(port)" }
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Starts `tandem serve -m <test model> --port 0 <arguments>` and waits for its address line.
    static func start(_ arguments: [String] = [], environment: [String: String] = [:]) async throws -> ServeProcess {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-serve-test-\(UUID().uuidString).log").path
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try tandemBinary())
        p.arguments = ["serve", "-m", try TestModelFile.smolLM(), "--port", "0", "--threads", "2"] + arguments
        p.currentDirectoryURL = FileManager.default.temporaryDirectory  // no tandem.yaml picked up by accident
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        p.standardOutput = handle
        p.standardError = handle
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = ContinuousClock.now + .seconds(600)  // a model load of a second, on a machine under a CPU hog
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression),
               let port = Int(text[range].split(separator: ":").last ?? "") {
                return ServeProcess(port: port, pid: p.processIdentifier, logPath: log, process: p)
            }
            guard p.isRunning else { throw PeerError(description: "tandem serve exited (\(p.terminationStatus)): \(text)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        stopChild(p)
        throw PeerError(description: "tandem serve did not print its address within 600 s: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }

    private init(port: Int, pid: Int32, logPath: String, process: Process) {
        self.port = port
        self.pid = pid
        self.logPath = logPath
        self.process = Mutex(process)
    }

    var isRunning: Bool { process.withLock { $0?.isRunning ?? false } }

    /// Sends SIGTERM (the drain path).
    func terminate() { kill(pid, SIGTERM) }

    /// Waits for the process to exit; its status, or nil past `timeout`.
    func exitStatus(within timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = process.withLock({ p in p.map { $0.isRunning ? nil : $0.terminationStatus } ?? nil }) { return status }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// The server's `/health` slots and queue.
    func health() async throws -> (busy: Int, queued: Int) {
        let r = try await Curl.get(url + "/health")
        return (r.json?["slots"]?["busy"]?.intValue ?? -1, r.json?["queued"]?.intValue ?? -1)
    }

    /// One counter of `/metrics`.
    func metric(_ name: String) async throws -> Double {
        let text = try await Curl.get(url + "/metrics").body
        let line = text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? -1
    }

    deinit {
        process.withLock { p in if let p { stopChild(p) } }
        try? FileManager.default.removeItem(atPath: logPath)
    }
}

/// The built `tandem` binary of this configuration.
func tandemBinary() throws -> String {
    #if DEBUG
    let config = "debug"
    #else
    let config = "release"
    #endif
    let path = TestPaths.repositoryRoot.appendingPathComponent(".build/\(config)/tandem").path
    guard FileManager.default.isExecutableFile(atPath: path) else {
        throw PeerError(description: "\(path) is missing; build it first (`swift build -c \(config)` or `make test`)")
    }
    return path
}

/// Runs a program to the end without blocking the cooperative pool; stdout and stderr together.
func runProgram(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(1800),
                onStart: (@Sendable (Int32) -> Void)? = nil) async throws -> (status: Int32, output: String) {
    let log = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-serve-run-\(UUID().uuidString).log")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: log) }
    let handle = try FileHandle(forWritingTo: log)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    p.standardOutput = handle
    p.standardError = handle
    p.standardInput = FileHandle.nullDevice
    try p.run()
    onStart?(p.processIdentifier)
    let deadline = ContinuousClock.now + timeout
    while p.isRunning {
        if ContinuousClock.now > deadline { stopChild(p); throw PeerError(description: "\(executable) ran past \(timeout)") }
        try await Task.sleep(for: .milliseconds(20))
    }
    try handle.close()
    return (p.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
}
