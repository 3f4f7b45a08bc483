import Foundation

/// Reads a file (or standard input) one line at a time in constant memory: a 1 MiB read buffer,
/// never the whole file. Lines are split on `\n`; a line longer than `maxLineBytes` is reported
/// as too long instead of growing the buffer without bound.
public final class LineReader {
    /// One line of the file.
    public struct Line {
        /// 1-based line number.
        public var number: Int
        /// The line's bytes without the `\n`; empty when the line was too long.
        public var bytes: ArraySlice<UInt8>
        /// Byte offset just past this line (past its `\n` when it has one).
        public var endOffset: UInt64
        /// False for a last line that does not end in `\n` (a write that was cut short).
        public var isTerminated: Bool
        /// The line's length when it exceeded `maxLineBytes` (its bytes are then dropped).
        public var oversizedLength: Int?
    }

    /// Longest line kept, in bytes.
    public let maxLineBytes: Int
    private let handle: FileHandle
    private let closesHandle: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private var offset: UInt64 = 0
    private var number = 0
    private var atEnd = false
    private var skipping: Int?  // bytes of an oversized line seen so far

    /// Opens `path` ("-" for standard input).
    public init(path: String, maxLineBytes: Int = 64 << 20) throws(LineReaderError) {
        self.maxLineBytes = maxLineBytes
        if path == "-" {
            handle = .standardInput
            closesHandle = false
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw LineReaderError(path: path, reason: "no such file")
            }
            guard !isDirectory.boolValue else { throw LineReaderError(path: path, reason: "it is a directory") }
            guard let opened = FileHandle(forReadingAtPath: path) else { throw LineReaderError(path: path, reason: "permission denied") }
            handle = opened
            closesHandle = true
        }
    }

    deinit { if closesHandle { try? handle.close() } }

    /// The next line, or nil at the end of the file.
    public func next() throws(LineReaderError) -> Line? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 10) {
                let bytes = buffer[start..<newline]
                start = newline + 1
                number += 1
                offset += UInt64(bytes.count + 1)
                if skipping != nil || bytes.count > maxLineBytes {
                    let length = (skipping ?? 0) + bytes.count
                    skipping = nil
                    return Line(number: number, bytes: [], endOffset: offset, isTerminated: true, oversizedLength: length)
                }
                return Line(number: number, bytes: bytes, endOffset: offset, isTerminated: true, oversizedLength: nil)
            }
            let pending = buffer.count - start
            if pending > maxLineBytes {
                // Drop the oversized line's bytes as they come; report it when its end is found.
                skipping = (skipping ?? 0) + pending
                offset += UInt64(pending)
                buffer.removeAll(keepingCapacity: true)
                start = 0
            }
            if atEnd {
                guard buffer.count > start || skipping != nil else { return nil }
                let bytes = buffer[start...]
                start = buffer.count
                number += 1
                offset += UInt64(bytes.count)
                let length = (skipping ?? 0) + bytes.count
                let oversized = skipping != nil || bytes.count > maxLineBytes
                skipping = nil
                return Line(number: number, bytes: oversized ? [] : bytes, endOffset: offset, isTerminated: false,
                            oversizedLength: oversized ? length : nil)
            }
            try fill()
        }
    }

    private func fill() throws(LineReaderError) {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        let chunk: Data?
        do { chunk = try handle.read(upToCount: 1 << 20) } catch {
            throw LineReaderError(path: "", reason: error.localizedDescription)
        }
        guard let chunk, !chunk.isEmpty else { atEnd = true; return }
        buffer.append(contentsOf: chunk)
    }
}

/// A line-oriented file could not be read.
public struct LineReaderError: Error, Sendable, CustomStringConvertible {
    /// The file.
    public let path: String
    /// Why.
    public let reason: String
    /// `cannot read PATH: REASON`.
    public var description: String { path.isEmpty ? "read failed: \(reason)" : "cannot read \(path): \(reason)" }
}
