import Foundation
import Synchronization
import TandemCore
#if canImport(Glibc)
import Glibc
#endif

/// A running server process: newline-delimited JSON-RPC out on its stdin, in from its stdout,
/// its stderr copied to the log. Each pipe has its own thread, so blocking I/O never touches the
/// cooperative pool.
final class StdioConnection: Sendable {
    /// What the reader thread saw, in order. `.closed` is always last.
    enum Event: Sendable {
        case message(JSONValue)
        case malformed(excerpt: String)
        case tooLong
        case closed(status: Int32?)
    }

    /// Events from the server, finished after `.closed`.
    let events: AsyncStream<Event>
    /// The server's pid (also its process group: Foundation starts each child in its own group).
    let pid: Int32
    private let process: Process
    private let writer: LineWriter
    private let stderrTail = Mutex<[String]>([])
    private let exit = ProcessExit()
    /// stderr lines kept for error messages.
    static let stderrLinesKept = 20

    /// Spawns the server.
    init(config: MCPServerConfig) throws(MCPError) {
        let environment = config.environment()
        guard let executable = config.resolvedExecutable(environment: environment) else {
            throw .spawnFailed(server: config.name, command: config.command,
                               detail: "'\(config.command.first ?? "")' is not an executable file or on PATH")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(config.command.dropFirst())
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let exit = self.exit
        process.terminationHandler = { finished in
            exit.record(finished.terminationReason == .uncaughtSignal
                ? 128 + finished.terminationStatus : finished.terminationStatus)
        }
        do { try process.run() } catch {
            throw .spawnFailed(server: config.name, command: config.command, detail: "\(error)")
        }
        self.process = process
        self.pid = process.processIdentifier
        writer = LineWriter(fd: stdin.fileHandleForWriting.fileDescriptor, name: "tandem-mcp-\(config.name)-stdin")
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        self.events = events

        let name = config.name, limit = config.maxMessageBytes
        let stdoutFD = stdout.fileHandleForReading.fileDescriptor
        let stderrFD = stderr.fileHandleForReading.fileDescriptor
        // The pipes' FileHandles must outlive the reader threads, which use their raw fds.
        let readerThread = Thread { [self] in
            withExtendedLifetime(stdout) { readMessages(fd: stdoutFD, limit: limit, into: continuation) }
        }
        readerThread.name = "tandem-mcp-\(name)-stdout"
        readerThread.start()
        let stderrThread = Thread { [self] in
            withExtendedLifetime(stderr) { copyStderr(fd: stderrFD, server: name) }
        }
        stderrThread.name = "tandem-mcp-\(name)-stderr"
        stderrThread.start()
    }

    /// Queues one message (a line without its newline) for the server's stdin.
    func send(_ line: String) { writer.enqueue(Array((line + "\n").utf8)) }

    /// The last lines the server wrote to stderr.
    var recentStderr: [String] { stderrTail.withLock { $0 } }

    /// True until the process has exited.
    var isRunning: Bool { exit.status == nil }

    /// The spec's stdio shutdown: close stdin, wait; SIGTERM, wait; SIGKILL. Blocks up to 2 × `grace`,
    /// so call it off the cooperative pool (`shutdown(grace:) async` does).
    func shutdown(grace: Duration) async {
        writer.close()
        let pid = self.pid, exit = self.exit
        let seconds = Double(grace.components.seconds) + Double(grace.components.attoseconds) / 1e18
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                if !exit.wait(seconds: seconds) {
                    Glibc.kill(-pid, SIGTERM)
                    if !exit.wait(seconds: seconds) {
                        Glibc.kill(-pid, SIGKILL)
                        _ = exit.wait(seconds: 5)
                    }
                }
                continuation.resume()
            }
            thread.name = "tandem-mcp-shutdown"
            thread.start()
        }
    }

    /// Kills the server's process group at once (a broken connection is not worth a grace period).
    func terminateNow() {
        writer.close()
        // Once Foundation has reaped the server its pid may be reused; only signal a live one.
        if isRunning { Glibc.kill(-pid, SIGKILL) }
    }

    private func readMessages(fd: Int32, limit: Int, into continuation: AsyncStream<Event>.Continuation) {
        var framer = LineFramer(limit: limit)
        var buffer = [UInt8](repeating: 0, count: 65536)
        reading: while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            for output in framer.feed(buffer[0..<count]) {
                switch output {
                case .tooLong:
                    continuation.yield(.tooLong)
                    break reading
                case .line(let bytes):
                    if let value = try? JSONParser.parse(bytes: bytes) {
                        continuation.yield(.message(value))
                    } else {
                        continuation.yield(.malformed(excerpt: String(String(decoding: bytes.prefix(200), as: UTF8.self))))
                    }
                }
            }
        }
        // stdout is closed or unusable; give the process a moment to exit so the status can be reported.
        _ = exit.wait(seconds: 1)
        continuation.yield(.closed(status: exit.status))
        continuation.finish()
    }

    private func copyStderr(fd: Int32, server: String) {
        var buffer = [UInt8](repeating: 0, count: 16384)
        var framer = LineFramer(limit: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            for case .line(let bytes) in framer.feed(buffer[0..<count]) {
                let line = String(decoding: bytes, as: UTF8.self)
                Log.debug("mcp[\(server)]: \(line)")
                stderrTail.withLock {
                    $0.append(line)
                    if $0.count > Self.stderrLinesKept { $0.removeFirst($0.count - Self.stderrLinesKept) }
                }
            }
        }
    }
}

/// The server's exit status, set once by Foundation's termination handler; threads may wait for it.
private final class ProcessExit: Sendable {
    private let value = Mutex<Int32?>(nil)
    private let semaphore = DispatchSemaphore(value: 0)

    /// Exit code, or 128 + signal; nil while running.
    var status: Int32? { value.withLock { $0 } }

    func record(_ status: Int32) {
        value.withLock { $0 = status }
        semaphore.signal()
    }

    /// Waits up to `seconds` for the exit; true when it has happened.
    func wait(seconds: Double) -> Bool {
        if status != nil { return true }
        guard semaphore.wait(timeout: .now() + seconds) == .success else { return status != nil }
        semaphore.signal()  // stay signalled for the next waiter
        return true
    }
}
