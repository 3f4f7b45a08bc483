import TandemCore

/// How a plan came about.
public enum PlanningOutcome: Sendable, Equatable, CustomStringConvertible {
    /// The model's first plan validated.
    case firstTry
    /// A plan validated after this many repair requests.
    case afterReask(Int)
    /// A predefined template was used (named), because the model failed, planning is off, or offline.
    case template(String)

    /// `first_try`, `after_reask(2)`, `template(receipt_pipeline)`.
    public var description: String {
        switch self {
        case .firstTry: "first_try"
        case .afterReask(let n): "after_reask(\(n))"
        case .template(let name): "template(\(name))"
        }
    }
}

/// One request to the planning model and what became of its answer.
public struct PlanningAttempt: Sendable {
    /// 1 for the first request, 2... for repairs.
    public var number: Int
    /// The plan JSON the model answered, nil when the request itself failed.
    public var plan: JSONValue?
    /// Validator or transport errors; empty when the plan validated.
    public var errors: [String]
    /// Dollars for this request, when priced.
    public var costUSD: Double?
}

/// What the planner did for one request: attempts, outcome, and every error along the way.
public struct PlanningTrace: Sendable {
    /// The model requests, in order (empty when planning was skipped).
    public var attempts: [PlanningAttempt] = []
    /// Which path produced the plan.
    public var outcome: PlanningOutcome = .firstTry
    /// Why the model was not asked or its plans were not used (offline, no model, validation...).
    public var errors: [String] = []

    /// The trace as JSON for `--trace` files.
    public var json: JSONValue {
        .object([
            ("outcome", .string(outcome.description)),
            ("attempts", .array(attempts.map { a in
                .object([("number", .number(Double(a.number))), ("plan", a.plan ?? .null),
                         ("errors", .array(a.errors.map { .string($0) })),
                         ("cost_usd", a.costUSD.map { .number($0) } ?? .null)])
            })),
            ("errors", .array(errors.map { .string($0) })),
        ])
    }
}
