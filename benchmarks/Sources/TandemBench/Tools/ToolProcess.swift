import Foundation
import Synchronization
import TandemRuntime

/// What a finished tool run printed.
struct ToolOutput: Sendable {
    let status: Int32
    let stdout: String
    let stderr: String

    /// The last `lines` lines of stderr and stdout, for error messages.
    func tail(_ lines: Int = 15) -> String {
        let all = (stderr + "\n" + stdout).split(separator: "\n", omittingEmptySubsequences: true)
        return all.suffix(lines).joined(separator: "\n")
    }
}

/// Runs one of llama.cpp's tools to completion without blocking a concurrency thread: output goes
/// to temporary files (a pipe nobody drains would stall a chatty tool) and the exit arrives
/// through the termination handler.
enum ToolProcess {
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                    timeoutSeconds: Double = 600) async throws -> ToolOutput {
        let name = URL(fileURLWithPath: executable).lastPathComponent
        let dir = FileManager.default.temporaryDirectory
        let outURL = dir.appendingPathComponent("tandem-bench-\(UUID().uuidString).out")
        let errURL = dir.appendingPathComponent("tandem-bench-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = OpenMPSpinTuning.environmentForChildren.merging(environment) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        let exited = ExitFlag()
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                exited.value.store(true, ordering: .releasing)
                continuation.resume(returning: finished.terminationStatus)
            }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: BenchError.toolFailed(name: name, status: -1, output: "\(error)"))
                return
            }
            // A hung tool must not hang the bench: kill it after the limit.
            let pid = process.processIdentifier
            Thread.detachNewThread {
                let deadline = Date().addingTimeInterval(timeoutSeconds)
                while !exited.value.load(ordering: .acquiring) {
                    if Date() > deadline { kill(pid, SIGKILL); return }
                    Thread.sleep(forTimeInterval: 0.2)
                }
            }
        }
        let output = ToolOutput(status: status,
                                stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                                stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
        guard status == 0 else { throw BenchError.toolFailed(name: name, status: status, output: output.tail()) }
        return output
    }
}

/// Set once a child process has exited, so a watchdog stops watching its (reusable) pid.
final class ExitFlag: Sendable {
    let value = Atomic<Bool>(false)
}
