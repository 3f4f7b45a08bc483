import Foundation
import TandemCore
import TandemOrchestrator

/// `tandem run --trace FILE`: every record's step traces as one JSON document, written as records
/// finish (`{"plan", "input", "records": [...]}`), so a long run holds no traces in memory.
final class TraceWriter {
    private let handle: FileHandle
    private let path: String
    private var count = 0

    init(path: String, plan: String, input: String) throws {
        self.path = path
        do { handle = try OutputFile.open(path) } catch { throw PipelineError.io(path, "cannot write the trace (\(error.reason))") }
        try put("{\n  \"plan\": \(JSONWriter.quote(plan)),\n  \"input\": \(JSONWriter.quote(input)),\n  \"records\": [")
    }

    func write(_ trace: JSONValue) throws {
        try put((count == 0 ? "\n    " : ",\n    ") + JSONWriter.compact(trace))
        count += 1
    }

    func close() throws {
        try put(count == 0 ? "]\n}\n" : "\n  ]\n}\n")
        try? handle.close()
    }

    private func put(_ text: String) throws {
        do { try handle.write(contentsOf: Data(text.utf8)) } catch {
            throw PipelineError.io(path, "cannot write the trace: \(error.localizedDescription)")
        }
    }
}

/// A one-line progress bar on stderr, redrawn in place; silent when stderr is not a terminal.
struct ProgressBar {
    let enabled: Bool

    func update(_ p: PipelineProgress) {
        guard enabled else { return }
        let rate = p.elapsedSeconds > 0 ? Double(p.done) / p.elapsedSeconds : 0
        let failed = p.failed > 0 ? ", \(p.failed) failed" : ""
        guard p.total > 0 else {
            FileHandle.standardError.write(Data(String(format: "\r%d records  %.1f/s%@ ", p.done, rate, failed).utf8))
            return
        }
        let width = 30
        let filled = min(p.done, p.total) * width / p.total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(Data(String(format: "\r[%@] %d/%d records  %.1f/s%@ ", bar, p.done, p.total, rate, failed).utf8))
    }

    func finish() { if enabled { FileHandle.standardError.write(Data("\n".utf8)) } }
}

/// One pass over an input file: its sha256 (for the run manifest) and its non-blank lines (for
/// the progress bar), in constant memory.
struct InputFingerprint {
    let sha256: String
    let lines: Int

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw PipelineError.unreadableInput(path, "cannot open it") }
        defer { try? handle.close() }
        var hash = SHA256()
        var lines = 0
        var lineHasText = false
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
            hash.update(chunk)
            for byte in chunk {
                if byte == 10 {
                    if lineHasText { lines += 1 }
                    lineHasText = false
                } else if byte != 32 && byte != 9 && byte != 13 {
                    lineHasText = true
                }
            }
        }
        if lineHasText { lines += 1 }
        sha256 = hash.hexDigest()
        self.lines = lines
    }
}
