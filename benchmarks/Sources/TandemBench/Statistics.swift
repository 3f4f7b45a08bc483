import Foundation

/// Summary statistics of repeated measurements.
struct Statistics: Sendable, Equatable {
    /// The samples, in the order taken.
    let samples: [Double]

    /// Wraps samples.
    init(_ samples: [Double]) { self.samples = samples }

    /// Arithmetic mean (0 when empty).
    var mean: Double { samples.isEmpty ? 0 : samples.reduce(0, +) / Double(samples.count) }

    /// Sample standard deviation (n − 1), as llama-bench reports it; 0 for fewer than two samples.
    var standardDeviation: Double {
        guard samples.count > 1 else { return 0 }
        let m = mean
        return (samples.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(samples.count - 1)).squareRoot()
    }

    /// The `p`-th percentile (0...100), linear between closest ranks; 0 when empty.
    func percentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let rank = max(0, min(1, p / 100)) * Double(sorted.count - 1)
        let low = Int(rank.rounded(.down)), high = Int(rank.rounded(.up))
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low))
    }

    /// Median.
    var median: Double { percentile(50) }

    /// `mean ± sd` with `digits` decimals.
    func formatted(digits: Int = 2) -> String {
        String(format: "%.\(digits)f ± %.\(digits)f", mean, standardDeviation)
    }
}

/// `a / b`, or nil when either is missing or `b` is not positive.
func ratio(_ a: Double?, _ b: Double?) -> Double? {
    guard let a, let b, b > 0, a.isFinite else { return nil }
    return a / b
}

/// A fixed-decimal rendering for tables.
func fixed(_ value: Double?, _ digits: Int = 2) -> String {
    guard let value, value.isFinite else { return "–" }
    return String(format: "%.\(digits)f", value)
}

/// Seconds as milliseconds for tables.
func millis(_ seconds: Double?) -> String {
    guard let seconds, seconds.isFinite else { return "–" }
    return String(format: seconds < 0.1 ? "%.1f ms" : "%.0f ms", seconds * 1000)
}
