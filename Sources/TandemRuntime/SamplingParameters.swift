/// How the next token is picked. The default is greedy: deterministic, what extraction wants.
public struct SamplingParameters: Sendable, Codable, Equatable {
    /// 0 means greedy; otherwise the softmax temperature.
    public var temperature: Float = 0
    /// Keep the k most likely tokens (0 = off).
    public var topK: Int = 40
    /// Nucleus sampling threshold (1 = off).
    public var topP: Float = 0.95
    /// Drop tokens below this fraction of the top probability (0 = off).
    public var minP: Float = 0.05
    /// Repetition penalty (1 = off) over the last `repeatLastN` tokens.
    public var repeatPenalty: Float = 1.0
    public var repeatLastN: Int = 64
    /// Random seed for non-greedy sampling.
    public var seed: UInt32 = 0x7A4D_3E11

    public init(temperature: Float = 0, topK: Int = 40, topP: Float = 0.95, minP: Float = 0.05,
                repeatPenalty: Float = 1.0, repeatLastN: Int = 64, seed: UInt32 = 0x7A4D_3E11) {
        self.temperature = temperature; self.topK = topK; self.topP = topP; self.minP = minP
        self.repeatPenalty = repeatPenalty; self.repeatLastN = repeatLastN; self.seed = seed
    }

    /// Greedy decoding.
    public static let greedy = SamplingParameters()

    /// Throws on values llama.cpp would misbehave with.
    public func validate() throws(RuntimeError) {
        guard temperature.isFinite, temperature >= 0 else { throw .invalidParameter(name: "temperature", reason: "must be ≥ 0") }
        guard topK >= 0 else { throw .invalidParameter(name: "top-k", reason: "must be ≥ 0") }
        guard topP > 0, topP <= 1 else { throw .invalidParameter(name: "top-p", reason: "must be in (0, 1]") }
        guard minP >= 0, minP < 1 else { throw .invalidParameter(name: "min-p", reason: "must be in [0, 1)") }
        guard repeatPenalty.isFinite, repeatPenalty > 0 else { throw .invalidParameter(name: "repeat-penalty", reason: "must be > 0") }
        guard repeatLastN >= 0 else { throw .invalidParameter(name: "repeat-last-n", reason: "must be ≥ 0") }
    }
}
