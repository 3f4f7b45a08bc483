import TandemCore

/// `${NAME}` and `${NAME:-default}` in config strings, replaced from the environment.
///
/// A variable that is unset (or empty) with no default is an issue naming it and the key path.
/// API keys are not expanded this way: the config names their variable (`api_key_env`) and the
/// client reads it only when it sends a request, so a key never lands in a parsed config.
public struct EnvironmentExpansion: Sendable {
    /// The variables to read.
    public let environment: [String: String]

    /// An expander over `environment`.
    public init(environment: [String: String]) { self.environment = environment }

    /// `value` with every string expanded; problems are appended to `issues`.
    public func expand(_ value: JSONValue, path: String = "", issues: inout [ConfigIssue]) -> JSONValue {
        switch value {
        case .string(let s): return .string(expand(string: s, path: path, issues: &issues))
        case .array(let items):
            return .array(items.enumerated().map { expand($0.element, path: "\(path)[\($0.offset)]", issues: &issues) })
        case .object(let pairs):
            return .object(pairs.map { ($0.0, expand($0.1, path: path.isEmpty ? $0.0 : path + "." + $0.0, issues: &issues)) })
        default: return value
        }
    }

    /// One string expanded; an unterminated `${` is kept as written and reported.
    public func expand(string s: String, path: String, issues: inout [ConfigIssue]) -> String {
        guard s.contains("${") else { return s }
        var out = ""
        var rest = Substring(s)
        while let open = rest.range(of: "${") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                issues.append(ConfigIssue(path: path, "unterminated ${ in \"\(s)\"; close it with }"))
                return out + rest[open.lowerBound...]
            }
            let body = rest[open.upperBound..<close]
            let name: Substring, fallback: Substring?
            if let sep = body.range(of: ":-") {
                name = body[..<sep.lowerBound]
                fallback = body[sep.upperBound...]
            } else {
                name = body
                fallback = nil
            }
            if name.isEmpty || !name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) {
                issues.append(ConfigIssue(path: path, "'${\(body)}' is not a variable reference; use ${NAME} or ${NAME:-default}"))
            } else if let v = environment[String(name)], !v.isEmpty {
                out += v
            } else if let fallback {
                out += fallback
            } else {
                issues.append(ConfigIssue(path: path, "environment variable \(name) is not set; export it or write ${\(name):-default}"))
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}
