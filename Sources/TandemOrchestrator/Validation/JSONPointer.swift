import Foundation

/// RFC 6901 JSON pointers, built as the validator walks a plan.
enum JSONPointer {
    /// `base` extended by one object key (escaping `~` and `/`).
    static func appending(_ base: String, _ key: String) -> String {
        base + "/" + key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// `base` extended by one array index.
    static func appending(_ base: String, _ index: Int) -> String { base + "/" + String(index) }
}
