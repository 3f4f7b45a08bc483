import Foundation

/// Where one request's generation time went, from its first token to its last: summed over the
/// decode steps it took part in. A step decodes every active sequence at once, so with several
/// sequences each one counts the whole step's decode and sampling (the time it waited for them).
public struct DecodeBreakdown: Sendable, Codable, Equatable {
    /// Inside `llama_decode`.
    public var decodeSeconds = 0.0
    /// Reading the logits and picking the token (argmax, or the sampler chain and grammar).
    public var samplingSeconds = 0.0
    /// Token to text: the piece's bytes, UTF-8 assembly and stop-string matching.
    public var detokenizeSeconds = 0.0
    /// Handing text to the request's stream (the yield that may wake its consumer).
    public var deliverySeconds = 0.0
    /// Decode steps counted (one per sampled token after the first; grammar-forced tokens ride
    /// in the same steps, see `GenerationRequest.fastForward`).
    public var steps = 0

    public init() {}

    /// The measured parts together.
    public var measuredSeconds: Double { decodeSeconds + samplingSeconds + detokenizeSeconds + deliverySeconds }

    /// The rest of `generationSeconds`: building batches, the scheduler loop between steps (its
    /// actor hops, other requests' admission and prefill).
    public func schedulerSeconds(generationSeconds: Double) -> Double { max(0, generationSeconds - measuredSeconds) }
}

/// The monotonic clock in seconds, for intervals (one vDSO call; `Date` can step with NTP).
enum MonotonicClock {
    static var now: Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
