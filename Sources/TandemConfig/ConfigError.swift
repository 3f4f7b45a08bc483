/// One problem in a config file, located by its key path (`models.gpt.base_url`, `roles.planner[1]`).
public struct ConfigIssue: Sendable, Equatable, CustomStringConvertible {
    /// Dotted key path with `[i]` for list elements; empty for the whole file.
    public var path: String
    /// What is wrong and what to write instead.
    public var message: String

    /// Creates an issue.
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`.
    public var description: String { (path.isEmpty ? "(top level)" : path) + ": " + message }
}

/// Why a config file cannot be used: every problem found, at once.
public enum ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The text is not YAML/JSON.
    case syntax(path: String, reason: String)
    /// The file parsed but some keys are wrong.
    case invalid(path: String, issues: [ConfigIssue])

    /// The issues (empty for read and syntax errors).
    public var issues: [ConfigIssue] {
        if case .invalid(_, let issues) = self { return issues }
        return []
    }

    /// What happened and what to do next.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "cannot read config \(path): \(reason); check the path (default: tandem.yaml) or pass --config FILE"
        case .syntax(let path, let reason):
            "config \(path) is not valid YAML/JSON: \(reason)"
        case .invalid(let path, let issues):
            "config \(path) has \(issues.count) problem\(issues.count == 1 ? "" : "s"); fix and run `tandem config check \(path)`:\n"
                + issues.map { "  - \($0)" }.joined(separator: "\n")
        }
    }
}
