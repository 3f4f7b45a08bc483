import TandemCore

/// One problem found in a plan, located by step id and JSON pointer.
///
/// Issues are meant to be read by people and by the planner's cloud model, which gets them back
/// as JSON (`PlanValidationError.json`) to repair the plan.
public struct PlanIssue: Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is (stable strings, for tests and tools).
    public enum Code: String, Sendable, Codable {
        case invalidJSON = "invalid_json"
        case schema
        case unsupportedVersion = "unsupported_version"
        case emptyPlan = "empty_plan"
        case duplicateID = "duplicate_id"
        case unknownKind = "unknown_kind"
        case noWorkerForKind = "no_worker_for_kind"
        case unknownTool = "unknown_tool"
        case malformedReference = "malformed_reference"
        case danglingReference = "dangling_reference"
        case selfReference = "self_reference"
        case unknownInput = "unknown_input"
        case itemOutsideMap = "item_outside_map"
        case unknownField = "unknown_field"
        case argumentType = "argument_type"
        case cycle
        case tooManySteps = "too_many_steps"
        case fanOutTooLarge = "fan_out_too_large"
    }

    /// The problem class.
    public var code: Code
    /// The step the problem belongs to, when it belongs to one.
    public var stepID: String?
    /// RFC 6901 pointer into the plan JSON (`/steps/2/args/text`); `""` is the whole plan.
    public var pointer: String
    /// What is wrong and what to do about it.
    public var message: String

    /// Creates an issue.
    public init(_ code: Code, step: String? = nil, pointer: String, _ message: String) {
        self.code = code
        self.stepID = step
        self.pointer = pointer
        self.message = message
    }

    /// `pointer (step id): message`.
    public var description: String {
        let at = pointer.isEmpty ? "plan" : pointer
        let step = stepID.map { " (step '\($0)')" } ?? ""
        return "\(at)\(step): \(message)"
    }

    /// `{"code", "step", "pointer", "message"}` (step omitted when nil).
    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [("code", .string(code.rawValue))]
        if let stepID { pairs.append(("step", .string(stepID))) }
        pairs.append(("pointer", .string(pointer)))
        pairs.append(("message", .string(message)))
        return .object(pairs)
    }
}

/// A plan that cannot run: every issue found, reported at once.
public struct PlanValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// All issues, in plan order.
    public var issues: [PlanIssue]

    /// Creates the error from its issues, ordered as the plan is written: top-level fields first,
    /// then each step's issues in step order, then the output's.
    public init(issues: [PlanIssue]) {
        self.issues = issues.enumerated().sorted { a, b in
            let (ka, kb) = (Self.position(a.element.pointer), Self.position(b.element.pointer))
            return ka != kb ? ka < kb : a.offset < b.offset
        }.map(\.element)
    }

    private static func position(_ pointer: String) -> (section: Int, step: Int) {
        let parts = pointer.split(separator: "/", omittingEmptySubsequences: true)
        switch parts.first {
        case "steps"?: return (1, parts.count > 1 ? Int(parts[1]) ?? -1 : -1)
        case "output"?: return (2, 0)
        default: return (0, 0)
        }
    }

    /// One line per issue, with a hint on how to see the plan's tools.
    public var description: String {
        let count = issues.count == 1 ? "1 problem; fix it" : "\(issues.count) problems; fix them"
        let lines = issues.map { "  - \($0.description)" }.joined(separator: "\n")
        return "the plan has \(count) and validate again (`tandem plan validate FILE`):\n\(lines)"
    }

    /// `{"valid": false, "errors": [...]}`, the shape fed back to the planner.
    public var json: JSONValue {
        ["valid": false, "errors": .array(issues.map(\.json))]
    }
}
