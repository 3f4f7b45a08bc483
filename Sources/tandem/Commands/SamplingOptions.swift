import TandemRuntime

/// Sampling flags shared by `generate` and `chat`.
enum SamplingOptions {
    static let help = """
          --temp X              temperature; 0 = greedy (default: 0)
          --top-k N             keep the N most likely tokens (default: 40)
          --top-p X             nucleus threshold (default: 0.95)
          --min-p X             min-p threshold (default: 0.05)
          --repeat-penalty X    repetition penalty, 1 = off (default: 1)
          --seed N              seed for non-greedy sampling
          --stop TEXT           stop before TEXT (repeatable)
        """

    static func parse(_ a: inout Arguments) throws -> SamplingParameters {
        var p = SamplingParameters()
        if let v = try a.double("--temp", in: 0...100) { p.temperature = Float(v) }
        if let v = try a.int("--top-k", in: 0...1_000_000) { p.topK = v }
        if let v = try a.double("--top-p", in: 0.000001...1) { p.topP = Float(v) }
        if let v = try a.double("--min-p", in: 0...0.999999) { p.minP = Float(v) }
        if let v = try a.double("--repeat-penalty", in: 0.000001...100) { p.repeatPenalty = Float(v) }
        if let v = try a.int("--seed", in: 0...Int(UInt32.max)) { p.seed = UInt32(v) }
        return p
    }
}
