import Foundation
import TandemCore

/// How a pipeline run decides that a produced field means the same as its label. The
/// orchestrator knows no field semantics; the domain module supplies them (TandemWorkers'
/// `FieldMatcher.standard` compares totals as numbers and dates by day).
public struct FieldMatcher: Sendable {
    /// True when `predicted` matches `expected` for the field named first.
    public let matches: @Sendable (_ field: String, _ predicted: JSONValue?, _ expected: JSONValue) -> Bool

    /// A matcher from a comparison function.
    public init(_ matches: @escaping @Sendable (_ field: String, _ predicted: JSONValue?, _ expected: JSONValue) -> Bool) {
        self.matches = matches
    }

    /// Equal JSON values; strings equal ignoring case and surrounding spaces.
    public static let exact = FieldMatcher { _, predicted, expected in
        guard let predicted else { return false }
        if let a = predicted.stringValue, let b = expected.stringValue {
            return a.trimmingCharacters(in: .whitespaces).lowercased() == b.trimmingCharacters(in: .whitespaces).lowercased()
        }
        return predicted == expected
    }
}
