/// GBNF expressions for decimal integers within bounds, digit by digit.
///
/// A range such as 0...150 becomes `[0-9] | [1-9] [0-9] | "1" ([0-4] [0-9] | "5" [0])`: the ranges
/// split by length and then by leading digit, so every number has exactly one parse (no leading
/// zeros, no "-0"), which keeps llama.cpp's grammar stacks few.
enum GBNFIntegerRange {
    /// An alternation matching every integer in `minimum...maximum` and nothing else.
    /// Both bounds must lie within ±`SchemaKeywords.maxMagnitude` and `minimum <= maximum`.
    static func expression(minimum: Int, maximum: Int) -> String {
        var alternatives: [String] = []
        if minimum < 0 {
            // Magnitudes of the negative part; zero is written only as "0", never "-0".
            let magnitudes = nonNegative(from: maximum < 0 ? -maximum : 1, through: -minimum)
            alternatives.append("\"-\" (" + magnitudes.joined(separator: " | ") + ")")
        }
        if maximum >= 0 {
            alternatives += nonNegative(from: max(minimum, 0), through: maximum)
        }
        return alternatives.joined(separator: " | ")
    }

    /// Alternatives matching every integer in `low...high` (`0 <= low <= high`) written without a sign.
    static func nonNegative(from low: Int, through high: Int) -> [String] {
        var alternatives: [String] = []
        // Consecutive lengths covered entirely (1...9 counting as length 1) merge into one item,
        // e.g. `[1-9] [0-9]{0,15}` for every positive integer.
        var fullLengths: ClosedRange<Int>?
        func flushFullLengths() {
            guard let lengths = fullLengths else { return }
            let rest = digits(lengths.lowerBound - 1, lengths.upperBound - 1)
            alternatives.append(rest.isEmpty ? "[1-9]" : "[1-9] " + rest)
            fullLengths = nil
        }
        for length in digitCount(low)...digitCount(high) {
            let smallest = length == 1 ? 1 : power(10, length - 1)
            let largest = power(10, length) - 1
            var from = max(low, length == 1 ? 0 : smallest)
            let through = min(high, largest)
            if from == 0, through == 9 {
                alternatives.append("[0]")
                from = 1
            }
            if from == smallest, through == largest {
                fullLengths = (fullLengths?.lowerBound ?? length)...length
                continue
            }
            flushFullLengths()
            alternatives += sameLength(Array(String(from)), Array(String(through)))
        }
        flushFullLengths()
        return alternatives
    }

    /// Alternatives for the numbers between two digit strings of the same length.
    private static func sameLength(_ from: [Character], _ through: [Character]) -> [String] {
        if from.count == 1 { return [digitClass(from[0], through[0])] }
        let head = from[0], tail = Array(from.dropFirst()), throughTail = Array(through.dropFirst())
        if head == through[0] {
            return [sequence("\"\(head)\"", sameLength(tail, throughTail))]
        }
        let zeros = [Character](repeating: "0", count: tail.count)
        let nines = [Character](repeating: "9", count: tail.count)
        var alternatives: [String] = []
        var middleLow = digitValue(head), middleHigh = digitValue(through[0])
        if tail != zeros {
            alternatives.append(sequence("\"\(head)\"", sameLength(tail, nines)))
            middleLow += 1
        }
        if throughTail != nines { middleHigh -= 1 }
        if middleLow <= middleHigh {
            alternatives.append(digitClass(digitCharacter(middleLow), digitCharacter(middleHigh)) + " "
                + digits(tail.count, tail.count))
        }
        if throughTail != nines {
            alternatives.append(sequence("\"\(through[0])\"", sameLength(zeros, throughTail)))
        }
        return alternatives
    }

    private static func sequence(_ prefix: String, _ rest: [String]) -> String {
        rest.count == 1 ? prefix + " " + rest[0] : prefix + " (" + rest.joined(separator: " | ") + ")"
    }

    /// `[0-9]` repeated `min...max` times ("" for none).
    static func digits(_ min: Int, _ max: Int) -> String {
        GBNFRepetition.of("[0-9]", min: min, max: max)
    }

    private static func digitClass(_ low: Character, _ high: Character) -> String {
        low == high ? "[\(low)]" : "[\(low)-\(high)]"
    }

    static func digitCount(_ n: Int) -> Int { String(n).count }

    private static func power(_ base: Int, _ exponent: Int) -> Int {
        (0..<exponent).reduce(1) { acc, _ in acc * base }
    }

    private static func digitValue(_ c: Character) -> Int { Int(String(c))! }
    private static func digitCharacter(_ n: Int) -> Character { Character(String(n)) }
}
