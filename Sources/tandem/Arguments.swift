/// A command-line mistake: printed with the command's usage, exit status 2.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// The arguments of one subcommand, consumed as they are read.
///
/// Options take `-m VALUE`, `--model VALUE` or `--model=VALUE`; `--` ends options. Whatever is
/// left when `finish()` runs is an error, so a misspelt flag never passes silently.
struct Arguments {
    private var items: [String]
    private var positionals: [String] = []

    init(_ items: [String]) { self.items = items }

    /// True when `--help` or `-h` is present (and removes it).
    mutating func wantsHelp() -> Bool { flag("--help", "-h") }

    /// True when any of `names` is present; removes every occurrence.
    mutating func flag(_ names: String...) -> Bool {
        let before = items.count
        items.removeAll { names.contains($0) }
        return items.count != before
    }

    /// The value of the last occurrence of an option, or nil when absent.
    mutating func option(_ names: String...) throws(UsageError) -> String? {
        var value: String?
        var i = 0
        while i < items.count {
            let item = items[i]
            if item == "--" { break }
            if names.contains(item) {
                guard i + 1 < items.count else { throw UsageError("\(item) needs a value") }
                value = items[i + 1]
                items.removeSubrange(i...(i + 1))
                continue
            }
            if let name = names.first(where: { $0.hasPrefix("--") && item.hasPrefix($0 + "=") }) {
                value = String(item.dropFirst(name.count + 1))
                items.remove(at: i)
                continue
            }
            i += 1
        }
        return value
    }

    /// Every value of a repeatable option, in order.
    mutating func options(_ names: String...) throws(UsageError) -> [String] {
        var values: [String] = []
        var i = 0
        while i < items.count {
            if items[i] == "--" { break }
            if names.contains(items[i]) {
                guard i + 1 < items.count else { throw UsageError("\(items[i]) needs a value") }
                values.append(items[i + 1])
                items.removeSubrange(i...(i + 1))
            } else { i += 1 }
        }
        return values
    }

    /// An integer option, checked against `range`.
    mutating func int(_ names: String..., in range: ClosedRange<Int> = Int.min...Int.max) throws(UsageError) -> Int? {
        guard let text = try option(names) else { return nil }
        guard let v = Int(text), range.contains(v) else {
            throw UsageError("\(names[0]) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return v
    }

    /// A number option, checked against `range`.
    mutating func double(_ names: String..., in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude) throws(UsageError) -> Double? {
        guard let text = try option(names) else { return nil }
        guard let v = Double(text), range.contains(v) else {
            throw UsageError("\(names[0]) must be a number in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return v
    }

    /// The next positional argument (not starting with `-`), or nil.
    mutating func positional() -> String? {
        if let i = items.firstIndex(where: { !$0.hasPrefix("-") || $0 == "-" }) , !items[..<i].contains("--") {
            return items.remove(at: i)
        }
        if let dash = items.firstIndex(of: "--"), dash + 1 < items.count { return items.remove(at: dash + 1) }
        return nil
    }

    /// Throws on anything not consumed.
    func finish() throws(UsageError) {
        let left = items.filter { $0 != "--" }
        if let first = left.first {
            throw UsageError(first.hasPrefix("-") ? "unknown option \(first)" : "unexpected argument '\(first)'")
        }
    }

    private mutating func option(_ names: [String]) throws(UsageError) -> String? {
        var value: String?
        for name in names { if let v = try option(name) { value = v } }
        return value
    }
}

/// One `tandem` subcommand.
protocol Command {
    /// The word after `tandem`.
    static var name: String { get }
    /// One line for `tandem --help`.
    static var summary: String { get }
    /// The full `tandem NAME --help` text: usage, options, examples.
    static var help: String { get }
    /// Runs the command; returns the process exit status.
    static func run(_ arguments: inout Arguments) async throws -> Int32
}
