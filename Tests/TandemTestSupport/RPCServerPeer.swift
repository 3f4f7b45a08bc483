import Foundation
import TandemRuntime

/// llama.cpp's `rpc-server` from the vendor-build prefix on a free 127.0.0.1 port, with one CPU
/// thread: a real RPC backend that holds part of a model's layers.
public final class RPCServerPeer {
    /// `127.0.0.1:PORT`.
    public let endpoint: String
    private let tool: PrefixToolProcess

    /// Starts the server; `waitUntilListening` before use.
    public init() throws {
        let port = try freeLoopbackPort()
        endpoint = "127.0.0.1:\(port)"
        // llama.cpp's rpc-server tool, as its build installs it.
        tool = try PrefixToolProcess("ggml-rpc-server", ["--host", "127.0.0.1", "--port", String(port), "--threads", "1"],
                                     logTag: String(port))
    }

    /// Probes the endpoint (the RPC hello) until it answers; a slow start on a loaded machine is
    /// waited for, a server that exits is an error with its log.
    public func waitUntilListening(timeout: Duration = .seconds(300)) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            guard tool.isRunning else { throw PeerError(description: "rpc-server exited: \(logTail())") }
            do { try RPCServers.probe(endpoint, timeout: .seconds(5)); return } catch { last = "\(error)" }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw PeerError(description: "rpc-server did not answer within \(timeout) (\(last)): \(logTail())")
    }

    /// The last lines of the server's log, for failure messages.
    public func logTail() -> String { tool.logTail() }

    /// Kills the server and removes its log.
    public func stop() { tool.stop() }
}
