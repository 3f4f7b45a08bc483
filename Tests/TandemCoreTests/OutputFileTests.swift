import Foundation
import Testing
import TandemCore

/// `--out` paths are written in place: a special file (here a FIFO, standing in for /dev/null)
/// must keep being that file, not be replaced by a regular one.
@Suite struct OutputFileTests {
    private func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("outputfile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func writingToAFIFOLeavesItAFIFO() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/out"
        #expect(mkfifo(fifo, 0o600) == 0)
        // The reader runs on its own thread: opening a FIFO blocks until both ends are open.
        let received = ReceivedText()
        let reader = Thread {
            if let h = FileHandle(forReadingAtPath: fifo) { received.set(String(decoding: h.readDataToEndOfFile(), as: UTF8.self)) }
        }
        reader.start()
        try OutputFile.write("{\"ok\":true}\n", to: fifo)
        let deadline = Date().addingTimeInterval(600)  // a bound for a hang only: the loop ends when the text arrives
        while received.get() == nil && Date() < deadline { usleep(10_000) }
        #expect(received.get() == "{\"ok\":true}\n")
        var info = stat()
        #expect(stat(fifo, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFIFO)
    }

    @Test func regularFileIsCreatedAndTruncated() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/results.jsonl"
        try OutputFile.write("a much longer first version\n", to: path)
        try OutputFile.write("short\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "short\n")
    }

    @Test func missingDirectoryIsAClearError() {
        #expect(throws: OutputFileError.self) { try OutputFile.write("x", to: "/nonexistent-dir-\(UUID().uuidString)/out") }
    }
}

private final class ReceivedText: @unchecked Sendable {
    private let lock = NSLock()
    private var text: String?
    func set(_ t: String) { lock.lock(); text = t; lock.unlock() }
    func get() -> String? { lock.lock(); defer { lock.unlock() }; return text }
}
