import TandemCore

/// RFC 6901 JSON pointers: the paths in `SchemaGrammarError` and the targets of local `$ref`s.
enum SchemaPointer {
    /// `path` extended by one reference token (escaping `~` and `/`).
    static func appending(_ path: String, _ token: String) -> String {
        path + "/" + token.replacing("~", with: "~0").replacing("/", with: "~1")
    }

    /// The canonical pointer and the schema a local `$ref` ("#", "#/$defs/Name", ...) points at,
    /// or nil when the reference is not local or leads nowhere.
    static func resolve(_ reference: String, in root: JSONValue) -> (pointer: String, schema: JSONValue)? {
        guard reference.hasPrefix("#"), let fragment = percentDecoded(String(reference.dropFirst())) else { return nil }
        if fragment.isEmpty { return ("", root) }
        guard fragment.hasPrefix("/") else { return nil }  // "#name" anchors are not supported
        var pointer = "", current = root
        for raw in fragment.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = String(raw).replacing("~1", with: "/").replacing("~0", with: "~")
            switch current {
            case .object:
                guard let next = current[token] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
            pointer = appending(pointer, token)
        }
        return (pointer, current)
    }

    /// URI fragments may percent-encode characters (`%24defs`); nil for a broken escape.
    private static func percentDecoded(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next(), let low = iterator.next(),
                  let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
