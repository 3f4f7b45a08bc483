import TandemCore

/// A JSON request body, read field by field: every wrong type or value is a 400 naming the
/// field (`param`), so a client learns exactly what to fix. `null` counts as absent; fields the
/// server does not know are ignored, as OpenAI-compatible servers do.
struct RequestBody: Sendable {
    let json: JSONValue

    /// Parses the body: valid UTF-8, one JSON document, an object.
    static func parse(_ bytes: [UInt8]) throws(APIError) -> RequestBody {
        guard !bytes.isEmpty else { throw .invalid(nil, "the request body is empty; send a JSON object") }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw .invalid(nil, "the request body is not valid UTF-8; send JSON text encoded as UTF-8", code: "invalid_utf8")
        }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes: bytes, maxDepth: 128) } catch {
            throw .invalid(nil, "the request body is not valid JSON (\(error)); send one JSON object", code: "invalid_json")
        }
        guard value.objectValue != nil else {
            throw .invalid(nil, "the request body must be a JSON object, not \(value.typeName)", code: "invalid_json")
        }
        return RequestBody(json: value)
    }

    /// The field's value, nil when absent or null.
    func value(_ key: String) -> JSONValue? {
        guard let v = json[key], !v.isNull else { return nil }
        return v
    }

    func string(_ key: String) throws(APIError) -> String? {
        guard let v = value(key) else { return nil }
        guard let s = v.stringValue else { throw .invalid(key, "'\(key)' must be a string, not \(v.typeName)") }
        return s
    }

    func requiredString(_ key: String) throws(APIError) -> String {
        guard let s = try string(key) else { throw .invalid(key, "'\(key)' is required") }
        return s
    }

    func bool(_ key: String) throws(APIError) -> Bool? {
        guard let v = value(key) else { return nil }
        guard let b = v.boolValue else { throw .invalid(key, "'\(key)' must be true or false, not \(v.typeName)") }
        return b
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let v = value(key) else { return nil }
        guard let d = v.doubleValue, d.rounded() == d, d >= Double(range.lowerBound), d <= Double(range.upperBound) else {
            throw .invalid(key, "'\(key)' must be an integer in \(range.lowerBound)...\(range.upperBound), not \(JSONWriter.compact(v))")
        }
        return Int(d)
    }

    func number(_ key: String, in range: ClosedRange<Double>) throws(APIError) -> Double? {
        guard let v = value(key) else { return nil }
        guard let d = v.doubleValue, range.contains(d) else {
            throw .invalid(key, "'\(key)' must be a number in \(JSONWriter.number(range.lowerBound))...\(JSONWriter.number(range.upperBound)), "
                           + "not \(JSONWriter.compact(v))")
        }
        return d
    }

    /// A string or an array of strings (`stop`, `input`); `limit` bounds the count.
    func strings(_ key: String, limit: Int, allowEmpty: Bool = true) throws(APIError) -> [String]? {
        guard let v = value(key) else { return nil }
        let items: [String]
        if let s = v.stringValue {
            items = [s]
        } else if let array = v.arrayValue {
            var out: [String] = []
            for (i, item) in array.enumerated() {
                guard let s = item.stringValue else {
                    throw .invalid(key, "'\(key)[\(i)]' must be a string, not \(item.typeName)")
                }
                out.append(s)
            }
            items = out
        } else {
            throw .invalid(key, "'\(key)' must be a string or an array of strings, not \(v.typeName)")
        }
        guard items.count <= limit else { throw .invalid(key, "'\(key)' has \(items.count) entries; at most \(limit) are allowed") }
        if !allowEmpty, let i = items.firstIndex(where: \.isEmpty) {
            throw .invalid(key, "'\(key)\(items.count > 1 ? "[\(i)]" : "")' is an empty string; give some text")
        }
        return items
    }

    /// Fails with a 400 when `key` is set to something other than what the server supports.
    func rejectUnless(_ key: String, _ supported: (JSONValue) -> Bool, _ message: String) throws(APIError) {
        if let v = value(key), !supported(v) { throw .invalid(key, message) }
    }
}
