import Foundation
import Synchronization

/// Warnings about single items (a text cut to fit, a line skipped) counted and reported once per
/// run instead of one line per item, which buried the real output on large inputs: "412 of 1,858
/// texts were longer than 256 tokens and were cut". With `--verbose` (log level debug) each item's
/// own line is still logged as it happens.
public enum RepeatedWarnings {
    private struct Entry {
        var count = 0
        var total = 0
        var order: Int
        var summary: @Sendable (_ count: Int, _ total: Int) -> String
    }

    private static let entries = Mutex<[String: Entry]>([:])

    /// Counts one occurrence of the warning `key`; `summary` words the once-per-run line from
    /// the count and from the items considered (see `considered`; 0 when never given).
    public static func note(_ key: String, item: @autoclosure () -> String,
                            summary: @escaping @Sendable (_ count: Int, _ total: Int) -> String) {
        if Log.level <= .debug { Log.warning(item()) }
        entries.withLock { table in
            var entry = table[key] ?? Entry(order: table.count, summary: summary)
            entry.count += 1
            entry.summary = summary
            table[key] = entry
        }
    }

    /// Counts `n` items that could have drawn warning `key` (the "of 1,858" of its summary).
    public static func considered(_ key: String, _ n: Int) {
        entries.withLock { table in
            var entry = table[key] ?? Entry(order: table.count, summary: { c, t in "\(key): \(c) of \(t)" })
            entry.total += n
            table[key] = entry
        }
    }

    /// The summary lines of the warnings counted so far (keys starting with `prefix`), oldest first.
    public static func summaries(prefix: String = "") -> [String] {
        entries.withLock { lines(of: $0, prefix: prefix) }
    }

    /// The summary lines of every warning counted since the last call (keys starting with
    /// `prefix`), oldest first; those warnings start over.
    public static func drain(prefix: String = "") -> [String] {
        entries.withLock { table in
            let out = lines(of: table, prefix: prefix)
            table = table.filter { !$0.key.hasPrefix(prefix) }
            return out
        }
    }

    private static func lines(of table: [String: Entry], prefix: String) -> [String] {
        table.filter { $0.key.hasPrefix(prefix) && $0.value.count > 0 }.values.sorted { $0.order < $1.order }
            .map { $0.summary($0.count, $0.total) }
    }

    /// Logs each counted warning's summary once (as a warning), then starts over.
    public static func report() {
        for line in drain() { Log.warning(line) }
    }

    /// `1858` as "1,858".
    public static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}
