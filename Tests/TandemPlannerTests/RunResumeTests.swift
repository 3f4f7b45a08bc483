import Foundation
import Testing
import TandemCore
import TandemTestSupport

/// `tandem run --out FILE` on the built binary: a killed run resumed with `--resume` writes every
/// record exactly once with the statuses of an uninterrupted run; results of another plan or
/// input, an existing file without --resume/--force, and an unwritable directory are refused
/// before any record runs.
@Suite struct RunResumeTests {
    static let plan = "examples/receipts/plan.json"

    /// `count` receipts cycled from the bundled sample, ids r0…, one malformed line at `badLine`.
    static func writeInput(_ path: String, count: Int, badLine: Int? = nil) throws {
        let sample = try String(contentsOfFile: Fixtures.path("examples/receipts/sample.jsonl"), encoding: .utf8)
            .split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
        var lines: [String] = []
        for i in 0..<count {
            if i + 1 == badLine { lines.append("{\"id\": \"broken\", \"text\": "); continue }
            guard case .object(var pairs) = sample[i % sample.count] else { continue }
            pairs.removeAll { $0.0 == "id" }
            lines.append(JSONWriter.compact(.object([("id", .string("r\(i)"))] + pairs)))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// (id or line, status) of every result line, in file order.
    static func statuses(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            let value = try JSONParser.parse(String(line))
            let key = value["id"]?.stringValue ?? "line \(value["line"]?.intValue ?? -1)"
            return key + " " + (value["status"]?.stringValue ?? "?")
        }
    }

    static func lineCount(_ path: String) -> Int {
        (FileManager.default.contents(atPath: path) ?? Data()).reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
    }

    func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await runToCompletion(try tandemBinary(), ["run", Self.plan, "--no-local-model"] + arguments, timeout: .seconds(3600))
    }

    @Test(.timeLimit(.minutes(120))) func aKilledRunResumedWritesEveryRecordOnceWithTheSameStatuses() async throws {
        let dir = try TemporaryModelConfig()
        defer { dir.remove() }
        let input = dir.path("in.jsonl")
        try Self.writeInput(input, count: 3000, badLine: 1500)
        let reference = dir.path("reference.jsonl")
        let (status, output) = try await run(["--input", input, "--out", reference])
        #expect(status == 1, "one malformed line makes the run's status 1: \(output.suffix(1500))")
        #expect(output.contains("line 1500"), "the malformed line is reported by number: \(output.suffix(1500))")

        // Kill -9 as soon as the first results are on disk: far from the end at any speed.
        let out = dir.path("out.jsonl")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try tandemBinary())
        process.arguments = ["run", Self.plan, "--no-local-model", "--input", input, "--out", out]
        process.currentDirectoryURL = Fixtures.repositoryRoot
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        while process.isRunning && Self.lineCount(out) < 20 { try await Task.sleep(for: .milliseconds(5)) }
        kill(process.processIdentifier, SIGKILL)
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        let written = Self.lineCount(out)
        #expect(written < 3000, "the run was killed before its end (\(written) results written)")
        // A write cut short by a crash: half of one more line.
        let handle = try #require(FileHandle(forWritingAtPath: out))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"line\": 99999, \"id\": \"half".utf8))
        try handle.close()

        let (resumed, resumedOutput) = try await run(["--input", input, "--out", out, "--resume"])
        #expect(resumed == 1, "\(resumedOutput.suffix(1500))")
        #expect(resumedOutput.contains("resuming \(out): \(written) records already done are skipped; a last line cut short"),
                "\(resumedOutput.suffix(1500))")
        #expect(resumedOutput.contains("3000 records: \(written) done by the earlier run"), "\(resumedOutput.suffix(1500))")
        let got = try Self.statuses(out)
        let expected = try Self.statuses(reference)
        #expect(got.count == 3000 && Set(got).count == 3000, "every record exactly once (\(got.count) lines)")
        #expect(got == expected, "the same records succeed as in the uninterrupted run")
    }

    @Test(.timeLimit(.minutes(60))) func resumingAnotherPlansOrInputsResultsIsRefused() async throws {
        let dir = try TemporaryModelConfig()
        defer { dir.remove() }
        let input = dir.path("in.jsonl"), other = dir.path("other.jsonl"), out = dir.path("out.jsonl")
        try Self.writeInput(input, count: 5)
        try Self.writeInput(other, count: 6)
        let first = try await run(["--input", input, "--out", out])
        #expect(first.status == 0, "\(first.output.suffix(1500))")
        let before = try String(contentsOfFile: out, encoding: .utf8)

        let again = try await run(["--input", input, "--out", out])
        #expect(again.status == 1 && again.output.contains("--resume continues that run, --force overwrites it"), "\(again.output)")
        let otherInput = try await run(["--input", other, "--out", out, "--resume"])
        #expect(otherInput.status == 1 && otherInput.output.contains("it was written from another input"), "\(otherInput.output)")
        let otherPlan = try await runToCompletion(try tandemBinary(), ["run", "examples/plans/sentiment.json", "--no-local-model",
                                                                       "--input", input, "--out", out, "--resume"], timeout: .seconds(1800))
        #expect(otherPlan.status == 1 && otherPlan.output.contains("it was written by another plan"), "\(otherPlan.output)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == before, "a refused run leaves the results as they were")

        let forced = try await run(["--input", other, "--out", out, "--force"])
        #expect(forced.status == 0 && Self.lineCount(out) == 6, "\(forced.output.suffix(1500))")
    }

    /// A full and a read-only directory, each a tmpfs in a private mount namespace (as root).
    @Test(.timeLimit(.minutes(60)), arguments: ["full", "read-only"])
    func anUnwritableOutputDirectoryFailsAtStartLeavingNothing(_ kind: String) async throws {
        let dir = try TemporaryModelConfig()
        defer { dir.remove() }
        let input = dir.path("in.jsonl")
        try Self.writeInput(input, count: 5)
        let target = dir.path("target")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let mount = kind == "full"
            ? "mount -t tmpfs -o size=64k tmpfs \(target) && (dd if=/dev/zero of=\(target)/filler bs=4k 2>/dev/null; true)"
            : "mount -t tmpfs -o ro tmpfs \(target)"
        let script = "\(mount) && cd \(Fixtures.repositoryRoot.path) && \(try tandemBinary()) run \(Self.plan) --no-local-model "
            + "--input \(input) --out \(target)/out.jsonl; echo \"rc=$?\"; echo left:; ls -A \(target)"
        let (_, output) = try await runToCompletion("/usr/bin/unshare", ["-m", "sh", "-c", script], timeout: .seconds(1800))
        #expect(output.contains("rc=1"), "\(output)")
        #expect(output.contains(kind == "full" ? "No space left on device" : "Read-only file system"), "a clear reason: \(output)")
        let left = output.components(separatedBy: "left:").last ?? ""
        #expect(!left.contains("out.jsonl"), "nothing half-written is left: \(output)")
        #expect(!output.contains("records in"), "no record ran: \(output)")
    }
}
