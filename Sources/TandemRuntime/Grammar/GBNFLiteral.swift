import TandemCore

/// Writes text as a GBNF string literal (`"..."`) that llama.cpp's grammar parser reads back verbatim.
///
/// Everything outside printable ASCII is escaped (`\n`, `\xXX`, `\uXXXX`, `\UXXXXXXXX`) so grammars
/// stay plain ASCII: no encoding surprises when the text crosses into C, and a NUL cannot cut it short.
enum GBNFLiteral {
    /// `text` as a quoted GBNF literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case " "..."~": out.unicodeScalars.append(scalar)
            default: out += escaped(scalar.value)
            }
        }
        return out + "\""
    }

    /// The GBNF literal matching `value` written as compact JSON (how `enum` and `const` values appear).
    static func json(_ value: JSONValue) -> String { quoted(JSONWriter.compact(value)) }

    private static func escaped(_ value: UInt32) -> String {
        let (prefix, width) = value <= 0xFF ? ("\\x", 2) : value <= 0xFFFF ? ("\\u", 4) : ("\\U", 8)
        let hex = String(value, radix: 16, uppercase: true)
        return prefix + String(repeating: "0", count: width - hex.count) + hex
    }
}
