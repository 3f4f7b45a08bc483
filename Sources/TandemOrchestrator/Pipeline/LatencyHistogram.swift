import Foundation

/// Latencies for percentiles in bounded memory, whatever the number of records: the first
/// `exactLimit` values are kept as they are (exact percentiles for ordinary runs); past that,
/// every value goes into logarithmic buckets 1% wide, so a 10-million-record run holds a few
/// thousand counters and its percentiles are within 1% of the exact ones.
public struct LatencyHistogram: Sendable {
    /// Values kept exactly before switching to buckets.
    public static let exactLimit = 4096
    private static let growth = 1.01
    private static let floor = 0.001  // ms; anything below counts as this

    private var exact: [Double] = []
    private var buckets: [Int: Int] = [:]
    /// Values added.
    public private(set) var count = 0

    /// An empty histogram.
    public init() {}

    /// Adds one latency in milliseconds.
    public mutating func add(_ ms: Double) {
        count += 1
        if buckets.isEmpty && exact.count < Self.exactLimit {
            exact.append(ms)
            return
        }
        if !exact.isEmpty {
            for value in exact { buckets[Self.bucket(value), default: 0] += 1 }
            exact = []
        }
        buckets[Self.bucket(ms), default: 0] += 1
    }

    /// Nearest-rank percentile (`p` in 0...1); 0 when empty.
    public func percentile(_ p: Double) -> Double {
        guard count > 0 else { return 0 }
        let rank = min(max(Int((p * Double(count)).rounded(.up)), 1), count)
        if buckets.isEmpty { return exact.sorted()[rank - 1] }
        var seen = 0
        for key in buckets.keys.sorted() {
            seen += buckets[key] ?? 0
            if seen >= rank { return Self.value(of: key) }
        }
        return Self.value(of: buckets.keys.max() ?? 0)
    }

    private static func bucket(_ ms: Double) -> Int {
        Int((log(max(ms, floor) / floor) / log(growth)).rounded(.down))
    }

    // The bucket's geometric middle.
    private static func value(of bucket: Int) -> Double { floor * pow(growth, Double(bucket) + 0.5) }
}
