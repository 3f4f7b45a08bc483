import Foundation
import TandemCore

/// What a results file was written from, kept beside it as `<out>.run.json` so that
/// `tandem run --resume` continues only the run that wrote it: the same plan and the same input
/// (both by sha256).
public struct RunManifest: Sendable, Equatable {
    /// The plan file as given.
    public var planPath: String
    /// sha256 of the plan file's text.
    public var planSHA256: String
    /// The input file as given.
    public var inputPath: String
    /// sha256 of the input file's bytes.
    public var inputSHA256: String

    /// Creates a manifest.
    public init(planPath: String, planSHA256: String, inputPath: String, inputSHA256: String) {
        self.planPath = planPath
        self.planSHA256 = planSHA256
        self.inputPath = inputPath
        self.inputSHA256 = inputSHA256
    }

    /// The sidecar's path for a results file.
    public static func path(for results: String) -> String { results + ".run.json" }

    /// The sidecar's JSON.
    public var json: JSONValue {
        ["tandem_run": 1, "plan": .string(planPath), "plan_sha256": .string(planSHA256),
         "input": .string(inputPath), "input_sha256": .string(inputSHA256)]
    }

    /// Reads a sidecar; nil when it is missing, throws when it is not one.
    public static func read(path: String) throws(PipelineError) -> RunManifest? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8),
              let value = try? JSONParser.parse(text), value["tandem_run"] != nil,
              let plan = value["plan"]?.stringValue, let planSHA = value["plan_sha256"]?.stringValue,
              let input = value["input"]?.stringValue, let inputSHA = value["input_sha256"]?.stringValue
        else { throw .cannotResume(path, "it is not a run manifest written by tandem run") }
        return RunManifest(planPath: plan, planSHA256: planSHA, inputPath: input, inputSHA256: inputSHA)
    }

    /// Why `earlier` (the sidecar's manifest) is another run than this one; nil when they match.
    public func mismatch(with earlier: RunManifest) -> String? {
        if earlier.planSHA256 != planSHA256 {
            return "it was written by another plan (\(earlier.planPath), sha256 \(earlier.planSHA256.prefix(12))…; this plan is \(planPath), \(planSHA256.prefix(12))…)"
        }
        if earlier.inputSHA256 != inputSHA256 {
            return "it was written from another input (\(earlier.inputPath), sha256 \(earlier.inputSHA256.prefix(12))…; this input is \(inputPath), \(inputSHA256.prefix(12))…)"
        }
        return nil
    }
}
