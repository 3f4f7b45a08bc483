import Foundation
import TandemCore

/// The results of `tandem run`: JSONL, one whole line per record, appended in input order.
///
/// Each line goes out in one write(2), so a killed run leaves whole lines (the kernel finishes a
/// write it started); a torn last line (power loss, a full disk) is found and rewritten by
/// `resume`. Next to a regular file lies its `RunManifest` (`<out>.run.json`), which `resume`
/// checks so it never appends one run's records to another's.
public final class ResultsFile {
    /// How an existing file is treated.
    public enum Mode: Sendable {
        /// Refuse a non-empty file (the default: an earlier run's results are never lost by accident).
        case fresh
        /// Start over, truncating the file.
        case overwrite
        /// Continue the run that wrote the file (`--resume`).
        case resume
    }

    /// The file's path, nil for standard output.
    public let path: String?
    private let handle: FileHandle

    /// Standard output (no manifest, no resume).
    public init() {
        path = nil
        handle = .standardOutput
    }

    /// Opens `path` for a run described by `manifest` (nil when the input cannot be hashed, as
    /// with standard input: such a run cannot be resumed). Checks up front that the directory is
    /// writable and has room (it writes the manifest and syncs it), so a bad `--out` fails before
    /// any record is processed, leaving nothing behind.
    /// - Returns: the file, and for `.resume` the byte length of the earlier run's whole lines,
    ///   already validated by the caller through `ResumeScan`.
    public init(path: String, mode: Mode, manifest: RunManifest?) throws(PipelineError) {
        self.path = path
        let existing = ResultsFile.regularFileSize(path)
        switch mode {
        case .fresh:
            if let size = existing, size > 0 {
                throw .io(path, "it already holds results (\(size) bytes) from an earlier run: --resume continues that run, "
                    + "--force overwrites it")
            }
        case .resume:
            guard manifest != nil else { throw .cannotResume(path, "a run reading standard input cannot be resumed; give --input FILE") }
        case .overwrite: break
        }
        let created = existing == nil
        let flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (mode == .resume ? 0 : O_TRUNC)
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else {
            throw .io(path, "cannot open the results file (\(String(cString: strerror(errno)))); check the directory exists and is writable")
        }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        guard let manifest, ResultsFile.regularFileSize(path) != nil else { return }
        do { try ResultsFile.writeManifest(manifest, path: RunManifest.path(for: path)) } catch {
            try? handle.close()
            if created { unlink(path) }
            throw error
        }
    }

    /// Appends one result line.
    public func write(_ value: JSONValue) throws(PipelineError) {
        do { try handle.write(contentsOf: Data((JSONWriter.compact(value) + "\n").utf8)) } catch {
            throw .io(path ?? "stdout", "cannot write results: \(error.localizedDescription)")
        }
    }

    /// Flushes and closes the file (standard output stays open).
    public func close() throws(PipelineError) {
        guard path != nil else { return }
        do {
            try handle.synchronize()
            try handle.close()
        } catch { throw .io(path ?? "", "cannot close the results file: \(error.localizedDescription)") }
    }

    /// Cuts the file back to `length` bytes: the earlier run's whole lines, before a torn one.
    public static func truncate(_ path: String, to length: UInt64) throws(PipelineError) {
        guard Foundation.truncate(path, off_t(length)) == 0 else {
            throw .io(path, "cannot cut the torn last line (\(String(cString: strerror(errno))))")
        }
    }

    /// The size of a regular file at `path`; nil when there is none (or it is a device, FIFO…).
    static func regularFileSize(_ path: String) -> UInt64? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return UInt64(info.st_size)
    }

    private static func writeManifest(_ manifest: RunManifest, path: String) throws(PipelineError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path, "cannot write the run manifest (\(String(cString: strerror(errno))))") }
        let bytes = Array((JSONWriter.pretty(manifest.json) + "\n").utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        let failure = written != bytes.count ? errno : (fsync(fd) != 0 ? errno : 0)
        Foundation.close(fd)
        if failure != 0 || written != bytes.count {
            unlink(path)
            let why = failure != 0 ? String(cString: strerror(failure)) : "short write"
            throw .io(path, "cannot write the run manifest (\(why)); is the disk full?")
        }
    }
}
