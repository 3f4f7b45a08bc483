import TandemOrchestrator

/// Levenshtein distance (insertions, deletions and substitutions, each costing one), the measure
/// of how far OCR text is from a value a user taught.
enum EditDistance {
    /// Edits turning `a` into `b`; nil as soon as it is known to exceed `limit` (the length
    /// difference alone, or a whole row of the table over it), which prunes most candidate spans.
    static func between<T: Equatable>(_ a: [T], _ b: [T], limit: Int = .max) -> Int? {
        if abs(a.count - b.count) > limit { return nil }
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMin = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
                rowMin = min(rowMin, current[j])
            }
            if rowMin > limit { return nil }
            swap(&previous, &current)
        }
        return previous[b.count] <= limit ? previous[b.count] : nil
    }

    /// Edits between two strings, compared by Unicode scalar.
    static func between(_ a: String, _ b: String, limit: Int = .max) -> Int? {
        between(Array(a.unicodeScalars), Array(b.unicodeScalars), limit: limit)
    }
}
