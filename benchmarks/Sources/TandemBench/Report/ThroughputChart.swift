import Foundation

/// The batched-throughput chart as a standalone SVG (no plotting dependency): aggregate decode
/// tokens/s against the number of sequences, x on a log2 axis, one line per engine.
enum ThroughputChart {
    /// One x position: Tandem's and llama-batched-bench's aggregate decode tokens/s.
    struct Point: Sendable, Equatable {
        let sequences: Int
        let tandem: Double?
        let llama: Double?
    }

    static func svg(_ points: [Point], threads: Int) -> String {
        let width = 640.0, height = 400.0
        let left = 64.0, right = 24.0, top = 48.0, bottom = 56.0
        let plotW = width - left - right, plotH = height - top - bottom
        let xs = points.map { log2(Double(max($0.sequences, 1))) }
        let maxX = max(xs.max() ?? 1, 1)
        let maxY = niceCeiling(points.flatMap { [$0.tandem, $0.llama] }.compactMap { $0 }.max() ?? 1)
        func px(_ n: Int) -> Double { left + plotW * log2(Double(max(n, 1))) / maxX }
        func py(_ v: Double) -> Double { top + plotH * (1 - v / maxY) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }

        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(f(width / 2))" y="24" text-anchor="middle" font-size="15">Aggregate decode throughput vs sequences (\(threads) threads)</text>

            """
        for i in 0...5 {
            let v = maxY * Double(i) / 5
            s += "<line x1=\"\(f(left))\" y1=\"\(f(py(v)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(v)))\" stroke=\"#ddd\"/>\n"
            s += "<text x=\"\(f(left - 8))\" y=\"\(f(py(v) + 4))\" text-anchor=\"end\">\(Int(v))</text>\n"
        }
        for p in points {
            s += "<text x=\"\(f(px(p.sequences)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(p.sequences)</text>\n"
        }
        s += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotH))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top + plotH))\" stroke=\"#333\"/>\n"
        s += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotH))\" stroke=\"#333\"/>\n"
        s += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">sequences decoded together</text>\n"
        s += "<text transform=\"translate(16 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">tokens/s (all sequences)</text>\n"
        let series: [(String, String, KeyPath<Point, Double?>)] = [("Tandem", "#d62728", \.tandem), ("llama-batched-bench", "#1f77b4", \.llama)]
        for (k, (name, color, key)) in series.enumerated() {
            let coords = points.compactMap { p in p[keyPath: key].map { (px(p.sequences), py($0)) } }
            if coords.count > 1 {
                s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(coords.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " "))\"/>\n"
            }
            for c in coords { s += "<circle cx=\"\(f(c.0))\" cy=\"\(f(c.1))\" r=\"3.5\" fill=\"\(color)\"/>\n" }
            let ly = top + 8 + Double(k) * 18
            s += "<rect x=\"\(f(left + 12))\" y=\"\(f(ly - 8))\" width=\"14\" height=\"4\" fill=\"\(color)\"/>"
            s += "<text x=\"\(f(left + 32))\" y=\"\(f(ly - 2))\">\(name)</text>\n"
        }
        return s + "</svg>\n"
    }

    /// A round axis maximum a little above `v` (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × a power of ten).
    static func niceCeiling(_ v: Double) -> Double {
        guard v > 0 else { return 1 }
        let magnitude = pow(10, floor(log10(v)))
        for step in [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] where step * magnitude >= v * 1.05 { return step * magnitude }
        return 10 * magnitude
    }
}
