import Foundation
import TandemRuntime

/// llama.cpp's `rpc-server` from the vendor-build prefix on a free 127.0.0.1 port, with one CPU
/// thread: a real RPC backend that holds part of a model's layers.
public final class RPCServerPeer {
    /// `127.0.0.1:PORT`.
    public let endpoint: String
    private let process = Process()
    private let logPath: String

    /// Starts the server; `waitUntilListening` before use.
    public init() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let prefix = environment["TANDEM_LLAMA_PREFIX"], !prefix.isEmpty else {
            throw PeerError(description: "TANDEM_LLAMA_PREFIX is not set; run `make test` (it builds llama.cpp and sets it)")
        }
        let binary = prefix + "/bin/ggml-rpc-server"  // llama.cpp's rpc-server tool, as its build installs it
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw PeerError(description: "\(binary) is missing; rebuild llama.cpp with `make llama` (vendor-build turns GGML_RPC on)")
        }
        let port = try freeLoopbackPort()
        endpoint = "127.0.0.1:\(port)"
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-rpc-server-\(port).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--host", "127.0.0.1", "--port", String(port), "--threads", "1"]
        var childEnvironment = environment
        childEnvironment["LD_LIBRARY_PATH"] = prefix + "/lib" + (environment["LD_LIBRARY_PATH"].map { ":" + $0 } ?? "")
        process.environment = childEnvironment
        process.currentDirectoryURL = URL(fileURLWithPath: prefix + "/bin")  // it loads its backend modules from there
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Probes the endpoint (the RPC hello) until it answers; a slow start on a loaded machine is
    /// waited for, a server that exits is an error with its log.
    public func waitUntilListening(timeout: Duration = .seconds(300)) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw PeerError(description: "rpc-server exited: \(logTail())") }
            do { try RPCServers.probe(endpoint, timeout: .seconds(5)); return } catch { last = "\(error)" }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw PeerError(description: "rpc-server did not answer within \(timeout) (\(last)): \(logTail())")
    }

    /// The last lines of the server's log, for failure messages.
    public func logTail() -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }

    /// Kills the server and removes its log.
    public func stop() {
        stopChild(process)
        try? FileManager.default.removeItem(atPath: logPath)
    }

    deinit { stop() }
}
