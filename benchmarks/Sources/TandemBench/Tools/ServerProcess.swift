import Foundation
import Synchronization

/// An HTTP server the bench starts on a loopback port and stops when done (llama-server,
/// `tandem serve`): its process, its log, its health and its memory.
final class ServerProcess: Sendable {
    let port: Int
    /// The name in errors and the log file's name.
    let name: String
    let pid: Int32
    private let logPath: String
    private let exited = ExitFlag()
    private let process: Mutex<Process?>

    /// Starts `binary arguments…`; `waitUntilHealthy` then waits for `/health`. `input` is its
    /// stdin (default: none, so a server that quits at end of input needs a pipe held open).
    init(name: String, binary: String, arguments: [String], port: Int, environment: [String: String] = [:],
         input: FileHandle = .nullDevice) throws {
        self.name = name
        self.port = port
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-bench-\(name)-\(port)-\(UUID().uuidString).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        p.standardInput = input
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        p.standardOutput = log
        p.standardError = log
        let flag = exited
        p.terminationHandler = { _ in flag.value.store(true, ordering: .releasing) }
        try p.run()
        pid = p.processIdentifier
        process = Mutex(p)
    }

    var isRunning: Bool { !exited.value.load(ordering: .acquiring) }

    /// Resident memory in bytes (`VmRSS` of /proc), nil when it cannot be read.
    var residentBytes: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes * 1024
    }

    /// The last lines of the server's log.
    func logTail(_ lines: Int = 12) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// Waits until `GET /health` answers 200.
    func waitUntilHealthy(timeout: Double) async throws {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            guard isRunning else {
                let log = logTail()
                // A taken port shows as a bind failure before the server exits.
                if log.contains("bind") || log.contains("in use") || log.contains("cannot listen") { throw BenchError.portInUse(port) }
                throw BenchError.serverNotReady(port: port, seconds: Date().timeIntervalSince(start), log: log)
            }
            if let r = try? await LoopbackHTTP.get(port: port, path: "/health", timeoutSeconds: 2), r.status == 200 { return }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        throw BenchError.serverNotReady(port: port, seconds: timeout, log: logTail())
    }

    /// Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its log.
    func stop() async {
        if isRunning { kill(pid, SIGTERM) }
        for _ in 0..<50 where isRunning { try? await Task.sleep(nanoseconds: 100_000_000) }
        if isRunning { kill(pid, SIGKILL) }
        for _ in 0..<20 where isRunning { try? await Task.sleep(nanoseconds: 100_000_000) }
        process.withLock { $0 = nil }
        try? FileManager.default.removeItem(atPath: logPath)
    }

    deinit {
        if isRunning { kill(pid, SIGKILL) }
    }

    /// A port: `wanted` when free (else `portInUse`), or any free one.
    static func port(_ wanted: Int?) throws -> Int {
        if let wanted {
            try LoopbackSocket.checkAvailable(wanted)
            return wanted
        }
        return try LoopbackSocket.freePort()
    }
}
