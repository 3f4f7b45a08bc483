import CYaml
import TandemCore

/// Why a YAML document could not be read; line and column are 1-based.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What libyaml or the converter reported.
    public var message: String
    /// Line of the problem (1-based), 0 when unknown.
    public var line: Int
    /// Column of the problem (1-based), 0 when unknown.
    public var column: Int

    /// `line L, column C: message; fix the YAML there`.
    public var description: String { "line \(line), column \(column): \(message); fix the YAML there" }
}

/// YAML text → ordered `JSONValue`, through libyaml's event parser.
///
/// Plain scalars become null/bool/number when they spell one (YAML 1.2 core schema); quoted
/// scalars stay strings. Anchors and aliases are refused rather than expanded: configs are small
/// and an alias bomb should not cost memory. Only the first document is read.
public enum YAMLReader {
    /// Parses `text`; an empty document is `null`.
    public static func parse(_ text: String) throws(YAMLError) -> JSONValue {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw YAMLError(message: "cannot initialise libyaml", line: 0, column: 0) }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> JSONValue in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = Builder()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
                    throw YAMLError(message: problem, line: Int(parser.problem_mark.line) + 1,
                                    column: Int(parser.problem_mark.column) + 1)
                }
                defer { yaml_event_delete(&event) }
                let mark = (Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1)
                switch event.type {
                case YAML_STREAM_END_EVENT, YAML_DOCUMENT_END_EVENT:
                    return builder.result ?? .null
                case YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT:
                    if event.data.mapping_start.anchor != nil || event.data.sequence_start.anchor != nil {
                        throw YAMLError(message: "anchors are not supported; write the value out", line: mark.0, column: mark.1)
                    }
                    builder.open(isMapping: event.type == YAML_MAPPING_START_EVENT)
                case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
                    try builder.close(at: mark)
                case YAML_SCALAR_EVENT:
                    let scalar = event.data.scalar
                    let value = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
                    let plain = scalar.style == YAML_PLAIN_SCALAR_STYLE || scalar.style == YAML_ANY_SCALAR_STYLE
                    try builder.add(plain ? Self.plainScalar(value) : .string(value), at: mark)
                case YAML_ALIAS_EVENT:
                    throw YAMLError(message: "aliases (*name) are not supported; write the value out", line: mark.0, column: mark.1)
                default:
                    continue
                }
            }
        }
    }

    /// The core-schema reading of an unquoted scalar.
    static func plainScalar(_ s: String) -> JSONValue {
        switch s {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        let numeric = s.allSatisfy { "0123456789+-.eE".contains($0) } && s.contains(where: \.isNumber)
        if numeric, let n = Double(s) { return .number(n) }
        return .string(s)
    }
}

/// A stack of open collections; a mapping alternates key then value.
private struct Builder {
    private enum Frame {
        case mapping([(String, JSONValue)], pendingKey: String?)
        case sequence([JSONValue])
    }
    private var stack: [Frame] = []
    private(set) var result: JSONValue?

    mutating func open(isMapping: Bool) {
        stack.append(isMapping ? .mapping([], pendingKey: nil) : .sequence([]))
    }

    mutating func close(at mark: (Int, Int)) throws(YAMLError) {
        guard let top = stack.popLast() else { return }
        switch top {
        case .mapping(let pairs, _): try add(.object(pairs), at: mark)
        case .sequence(let items): try add(.array(items), at: mark)
        }
    }

    mutating func add(_ value: JSONValue, at mark: (Int, Int)) throws(YAMLError) {
        guard let top = stack.popLast() else { result = value; return }
        switch top {
        case .sequence(var items):
            items.append(value)
            stack.append(.sequence(items))
        case .mapping(var pairs, let key?):
            if pairs.contains(where: { $0.0 == key }) {
                throw YAMLError(message: "duplicate key '\(key)'", line: mark.0, column: mark.1)
            }
            pairs.append((key, value))
            stack.append(.mapping(pairs, pendingKey: nil))
        case .mapping(let pairs, nil):
            let key: String
            switch value {
            case .string(let s): key = s
            case .number, .bool, .null: key = JSONWriter.compact(value)
            default: throw YAMLError(message: "mapping keys must be scalars", line: mark.0, column: mark.1)
            }
            stack.append(.mapping(pairs, pendingKey: key))
        }
    }
}
