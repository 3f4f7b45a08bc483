import Foundation

/// A tool of the vendor-build prefix (`llama-server`, `ggml-rpc-server`) run as a child process
/// with its output in a log file. A missing prefix or tool is an error telling the user what to
/// run, never a skip.
public final class PrefixToolProcess {
    private let process = Process()
    private let logPath: String
    /// The tool's name, for messages.
    public let name: String

    /// Starts `bin/NAME` of `$TANDEM_LLAMA_PREFIX` with `arguments`; `logTag` names its log file.
    public init(_ name: String, _ arguments: [String], logTag: String, workingDirectory: String? = nil) throws {
        let environment = ProcessInfo.processInfo.environment
        guard let prefix = environment["TANDEM_LLAMA_PREFIX"], !prefix.isEmpty else {
            throw PeerError(description: "TANDEM_LLAMA_PREFIX is not set; run `make test` (it builds llama.cpp and sets it)")
        }
        let binary = prefix + "/bin/" + name
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw PeerError(description: "\(binary) is missing; run `make test` (or `make llama`) to build llama.cpp")
        }
        self.name = name
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-\(name)-\(logTag).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var childEnvironment = environment
        // The installed tools carry no rpath.
        childEnvironment["LD_LIBRARY_PATH"] = prefix + "/lib" + (environment["LD_LIBRARY_PATH"].map { ":" + $0 } ?? "")
        process.environment = childEnvironment
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Whether it still runs.
    public var isRunning: Bool { process.isRunning }

    /// The last lines of its log, for failure messages.
    public func logTail() -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }

    /// Kills it and removes its log.
    public func stop() {
        stopChild(process)
        try? FileManager.default.removeItem(atPath: logPath)
    }

    deinit { stop() }
}
