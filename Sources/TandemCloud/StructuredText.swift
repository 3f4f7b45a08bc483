import Foundation
import TandemCore

/// Turns a model's text answer into JSON.
enum StructuredText {
    /// Parses `text` as JSON. Fallback for servers that ignore the response format and wrap the
    /// JSON in a Markdown fence: the fence is stripped and the inside parsed. A parse failure on
    /// an answer cut off by the token limit (`stopReason == truncatedReason`) reads as "no
    /// structured output", which tells the user to raise max_tokens.
    static func json(from text: String, stopReason: String, truncatedReason: String, provider: String,
                     redactor: SecretRedactor) -> Result<JSONValue, CloudError> {
        let parseError: JSONParseError
        do { return .success(try JSONParser.parse(text)) } catch { parseError = error }
        if let inside = fenced(text), let value = try? JSONParser.parse(inside) { return .success(value) }
        if stopReason == truncatedReason {
            return .failure(.noStructuredOutput(provider: provider, stopReason: stopReason, excerpt: redactor.excerpt(text)))
        }
        return .failure(.invalidOutput(reason: parseError.description, excerpt: redactor.excerpt(text)))
    }

    /// The body of a ```` ```json ... ``` ```` block, or nil.
    private static func fenced(_ text: String) -> String? {
        guard let open = text.range(of: "```"), let close = text.range(of: "```", options: .backwards),
              open.upperBound <= close.lowerBound else { return nil }
        let inner = text[open.upperBound..<close.lowerBound]
        guard let newline = inner.firstIndex(of: "\n") else { return nil }  // skip the language tag line
        return String(inner[inner.index(after: newline)...])
    }
}

/// Checks names that go on the wire as a JSON-schema or tool name.
enum WireName {
    /// Both APIs accept `^[a-zA-Z0-9_-]{1,64}$`.
    static func check(_ name: String) throws(CloudError) {
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
        guard (1...64).contains(name.count), allowed else {
            throw .invalidConfig("schema name '\(name)' must be 1-64 letters, digits, '_' or '-'")
        }
    }
}
