import Foundation
import TandemCore
import TandemOrchestrator

/// The files one `tandem run` reads and writes, opened and checked before any model loads: the
/// results file (fresh, overwritten or resumed), its run manifest, and the trace.
struct RunFiles {
    /// Where results go.
    let results: ResultsFile
    /// The trace writer, when `--trace` was given.
    let trace: TraceWriter?
    /// Non-blank input lines, for the progress bar (nil for standard input).
    let expectedRecords: Int?
    /// The earlier run's records, when resuming one.
    let resumed: PipelineSummary?
    /// What resuming found, for stderr.
    let resumeNote: String?
    private let createdPath: String?

    /// Opens everything for a run of `planText` over `records`; when resuming, reads the earlier
    /// results back (advancing `records` past them) and cuts a torn last line.
    static func open(planText: String, planPath: String, input: String, records: JSONLStream, outPath: String?, tracePath: String?,
                     mode: ResultsFile.Mode) throws -> RunFiles {
        let plan: Plan
        do { plan = try Plan.parse(planText) } catch { throw PipelineError.io(planPath, "\(error)") }
        let fingerprint = input == "-" || (outPath == nil && isatty(2) == 0) ? nil : try InputFingerprint(path: input)
        let manifest = fingerprint.map {
            RunManifest(planPath: planPath, planSHA256: SHA256.hex(planText), inputPath: input, inputSHA256: $0.sha256)
        }
        guard let outPath else {
            return RunFiles(results: ResultsFile(), trace: try tracePath.map { try TraceWriter(path: $0, plan: planPath, input: input) },
                            expectedRecords: fingerprint?.lines, resumed: nil, resumeNote: nil, createdPath: nil)
        }
        var resumed: PipelineSummary?
        var note: String?
        if mode == .resume, let manifest {
            let scan = try ResumeScan(resultsPath: outPath, manifest: manifest, input: records, labelsKey: "fields",
                                      summary: PipelineSummary(plan: plan, fieldMatcher: .standard))
            if scan.tornBytes > 0 { try ResultsFile.truncate(outPath, to: scan.validLength) }
            resumed = scan.summary
            let done = scan.summary.records
            note = done == 0 ? "nothing to resume in \(outPath); running every record"
                : "resuming \(outPath): \(done) records already done are skipped"
                    + (scan.tornBytes > 0 ? "; a last line cut short (\(scan.tornBytes) bytes) is written again" : "")
        }
        let created = !FileManager.default.fileExists(atPath: outPath)
        let results = try ResultsFile(path: outPath, mode: mode, manifest: manifest)
        let trace: TraceWriter?
        do { trace = try tracePath.map { try TraceWriter(path: $0, plan: planPath, input: input) } } catch {
            if created { unlink(outPath); unlink(RunManifest.path(for: outPath)) }
            throw error
        }
        return RunFiles(results: results, trace: trace, expectedRecords: fingerprint?.lines, resumed: resumed, resumeNote: note,
                        createdPath: created ? outPath : nil)
    }

    /// Removes a results file this run created when the run ends before writing a record (a plan
    /// that does not validate), so a failed start leaves nothing behind.
    func discardIfUnused() {
        guard let path = createdPath, (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) == 0 else { return }
        unlink(path)
        unlink(RunManifest.path(for: path))
    }
}
