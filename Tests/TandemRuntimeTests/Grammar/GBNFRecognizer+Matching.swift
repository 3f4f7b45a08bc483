/// Matching: does the whole input derive from `root`?
///
/// Instead of backtracking one path at a time, every step carries the set of input positions
/// reachable so far and rule results are memoized per start position, so ambiguous grammars cost
/// polynomial time and recursion depth follows the grammar's nesting, not the input's length.
extension GBNFRecognizer {
    /// True when all of `input` matches the `root` rule.
    func matches(_ input: String) -> Bool {
        mismatchOffset(input) == nil
    }

    /// nil when `input` matches; otherwise the furthest code-point offset any path reached, which
    /// points near the mistake in a failing test.
    func mismatchOffset(_ input: String) -> Int? {
        var run = GBNFMatchRun(recognizer: self, input: input.unicodeScalars.map(\.value))
        let ends = run.ends(ofRule: rootIndex, from: 0)
        return ends.contains(run.input.count) ? nil : run.furthest
    }
}

/// The state of one match: memoized rule results and the furthest position reached.
private struct GBNFMatchRun {
    let recognizer: GBNFRecognizer
    let input: [UInt32]
    var furthest = 0
    private var memo: [Int: Set<Int>] = [:]
    private var inProgress: Set<Int> = []

    init(recognizer: GBNFRecognizer, input: [UInt32]) {
        self.recognizer = recognizer
        self.input = input
    }

    /// End positions of `rule` matched from `start`. A rule re-entered at the same position (left
    /// recursion, which llama.cpp refuses anyway) contributes nothing.
    mutating func ends(ofRule rule: Int, from start: Int) -> Set<Int> {
        let key = rule * (input.count + 1) + start
        if let known = memo[key] { return known }
        guard inProgress.insert(key).inserted else { return [] }
        let result = ends(of: recognizer.rules[rule]!, from: [start])
        inProgress.remove(key)
        memo[key] = result
        return result
    }

    private mutating func ends(of alternatives: [GBNFRecognizer.Sequence], from starts: Set<Int>) -> Set<Int> {
        var result: Set<Int> = []
        for sequence in alternatives {
            var positions = starts
            for term in sequence {
                positions = ends(of: term, from: positions)
                if positions.isEmpty { break }
            }
            result.formUnion(positions)
        }
        return result
    }

    private mutating func ends(of term: GBNFRecognizer.Term, from starts: Set<Int>) -> Set<Int> {
        var result: Set<Int> = term.min == 0 ? starts : []
        var seen = result  // positions already reached with the minimum satisfied
        var current = starts
        var count = 0
        while !current.isEmpty {
            if let max = term.max, count >= max { break }
            var next: Set<Int> = []
            for position in current { next.formUnion(ends(of: term.atom, from: position)) }
            count += 1
            if count >= term.min {
                // With no upper bound, a position seen before leads nowhere new: stop there.
                if term.max == nil { next.subtract(seen) }
                result.formUnion(next)
                seen.formUnion(next)
            }
            current = next
        }
        return result
    }

    private mutating func ends(of atom: GBNFRecognizer.Atom, from start: Int) -> Set<Int> {
        switch atom {
        case .literal(let scalars):
            guard start + scalars.count <= input.count, Array(input[start..<start + scalars.count]) == scalars else {
                return []
            }
            return reached(start + scalars.count)
        case .characterClass(let negated, let ranges):
            guard start < input.count else { return [] }
            let inClass = ranges.contains { $0.contains(input[start]) }
            return inClass != negated ? reached(start + 1) : []
        case .anyCharacter:
            return start < input.count ? reached(start + 1) : []
        case .rule(let index):
            return ends(ofRule: index, from: start)
        case .group(let alternatives):
            return ends(of: alternatives, from: [start])
        }
    }

    private mutating func reached(_ position: Int) -> Set<Int> {
        furthest = max(furthest, position)
        return [position]
    }
}
