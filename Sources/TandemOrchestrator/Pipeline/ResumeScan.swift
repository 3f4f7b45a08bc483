import TandemCore

/// Reads back what an interrupted `tandem run` wrote, so `--resume` continues it.
///
/// Results are written in input order, so the earlier run's lines are the results of the
/// input's first records: the scan walks both files in step, checking each result's `line` and
/// `id` against the record it stands for, and adds each to the summary (counts and accuracy
/// cover both runs). Memory stays flat: one line of each file at a time. A last line cut short
/// is dropped (its record runs again); a bad line anywhere else means the file is not this run's.
public struct ResumeScan {
    /// The summary so far: the earlier run's records.
    public var summary: PipelineSummary
    /// Bytes of whole, valid result lines; the file is cut back to this.
    public var validLength: UInt64
    /// Bytes of a torn last line that will be rewritten, 0 when there was none.
    public var tornBytes: UInt64

    /// Scans `resultsPath` against `input` (advanced past the records already done).
    /// - Parameters:
    ///   - manifest: this run's plan and input, compared with the file's sidecar.
    ///   - summary: an empty summary for the plan.
    public init(resultsPath: String, manifest: RunManifest, input: JSONLStream, labelsKey: String,
                summary: PipelineSummary) throws(PipelineError) {
        self.summary = summary
        validLength = 0
        tornBytes = 0
        guard let size = ResultsFile.regularFileSize(resultsPath), size > 0 else { return }
        guard let earlier = try RunManifest.read(path: RunManifest.path(for: resultsPath)) else {
            throw .cannotResume(resultsPath, "\(RunManifest.path(for: resultsPath)) is missing, so nothing says which plan and "
                + "input wrote it; --force starts over")
        }
        if let why = manifest.mismatch(with: earlier) { throw .cannotResume(resultsPath, why + "; --force starts over") }
        let reader: LineReader
        do { reader = try LineReader(path: resultsPath) } catch { throw .cannotResume(resultsPath, error.description) }
        var previousEnd: UInt64 = 0
        while true {
            let raw: LineReader.Line?
            do { raw = try reader.next() } catch { throw .cannotResume(resultsPath, error.description) }
            guard let raw else { break }
            let value = raw.isTerminated ? String(validating: raw.bytes, as: UTF8.self).flatMap { try? JSONParser.parse($0) } : nil
            guard let value, let line = value["line"]?.intValue else {
                // Only the last line may be cut short by a crash; anywhere else it is not our file.
                if let peek = try? reader.next(), peek != nil {
                    throw .cannotResume(resultsPath, "line \(raw.number) is not a result line; --force starts over")
                }
                tornBytes = raw.endOffset - previousEnd
                break
            }
            let record: JSONLLine?
            do { record = try input.nextLine() } catch { throw .cannotResume(resultsPath, "reading the input: \(error)") }
            guard let record else {
                throw .cannotResume(resultsPath, "it has more results than the input has records (result line \(raw.number))")
            }
            try Self.check(value, line: line, against: record, resultLine: raw.number, path: resultsPath)
            if case .record(_, let fields) = record {
                self.summary.addResumed(value, labels: fields[labelsKey])
            } else {
                self.summary.addResumed(value, labels: nil)
            }
            previousEnd = raw.endOffset
        }
        validLength = previousEnd
    }

    private static func check(_ result: JSONValue, line: Int, against record: JSONLLine, resultLine: Int, path: String) throws(PipelineError) {
        guard line == record.line else {
            throw .cannotResume(path, "result line \(resultLine) is for input line \(line), but the input's next record is on line "
                + "\(record.line); --force starts over")
        }
        guard case .record(_, let fields) = record, let id = fields["id"], !id.isNull else { return }
        let expected = id.stringValue ?? JSONWriter.compact(id)
        if let written = result["id"]?.stringValue, written != expected {
            throw .cannotResume(path, "result line \(resultLine) has id \(written), but input line \(line) has id \(expected); "
                + "--force starts over")
        }
    }
}
