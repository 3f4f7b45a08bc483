/// Finds stop strings in streamed text and holds back any tail that could still become one,
/// so a stop string is never shown half-way.
struct StopStringMatcher {
    private let stops: [String]
    private var held = ""

    init(_ stops: [String]) { self.stops = stops.filter { !$0.isEmpty } }

    /// Adds text; returns what is safe to emit and whether a stop string completed.
    mutating func feed(_ text: String) -> (emit: String, stopped: Bool) {
        guard !stops.isEmpty else { return (text, false) }
        held += text
        if let hit = stops.compactMap({ held.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
            let emit = String(held[..<hit.lowerBound])
            held = ""
            return (emit, true)
        }
        // Keep the longest suffix that is a prefix of some stop string.
        var keep = 0
        for stop in stops {
            for n in stride(from: min(stop.count - 1, held.count), to: 0, by: -1) where held.hasSuffix(stop.prefix(n)) {
                keep = max(keep, n)
                break
            }
        }
        let cut = held.index(held.endIndex, offsetBy: -keep)
        let emit = String(held[..<cut])
        held = String(held[cut...])
        return (emit, false)
    }

    /// Releases held text when generation ends for another reason.
    mutating func flush() -> String { defer { held = "" }; return held }
}
