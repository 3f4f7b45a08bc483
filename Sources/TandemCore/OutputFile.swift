import Foundation

/// Opens and writes output files named by users, in place.
///
/// Foundation's `createFile(atPath:)` and atomic writes put a temporary file in place of the
/// target with rename(2): given `--out /dev/null` (or a FIFO) and root rights, that replaces the
/// device node with a regular file for every other program on the machine. Files are therefore
/// opened with open(2) and truncated; only an existing regular file or a new one is ever created.
public enum OutputFile {
    /// A handle that writes `path` from the start, creating it (mode 0644) when missing.
    public static func open(_ path: String) throws(OutputFileError) -> FileHandle {
        let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputFileError(path: path, reason: String(cString: strerror(errno))) }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    /// Writes `text` to `path` in place (see the type's note on why not atomically).
    public static func write(_ text: String, to path: String) throws(OutputFileError) {
        let handle = try open(path)
        do {
            try handle.write(contentsOf: Data(text.utf8))
            try handle.close()
        } catch {
            throw OutputFileError(path: path, reason: error.localizedDescription)
        }
    }
}

/// An output file could not be opened or written.
public struct OutputFileError: Error, CustomStringConvertible {
    /// The file.
    public let path: String
    /// Why it failed.
    public let reason: String
    /// An error for `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    /// What failed and what to check.
    public var description: String { "cannot write \(path): \(reason); check the directory exists and is writable" }
}
