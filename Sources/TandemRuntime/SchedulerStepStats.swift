import Foundation
import TandemCore

/// Where a busy period of the scheduler spent its time: inside `llama_decode`, in the rest of
/// each step (batch building, sampling, stop checks, handing tokens to requests), and between
/// steps (other work on the decode thread). Logged at debug level (`--verbose`) when the
/// scheduler goes idle, so a slow run can be told apart from a slow model.
struct SchedulerStepStats {
    private var steps = 0
    private var tokens = 0
    private var decodeSeconds = 0.0
    private var stepSeconds = 0.0
    private var gapSeconds = 0.0
    private var lastStepEnd: Double?

    static var now: Double { MonotonicClock.now }

    mutating func record(stepStart: Double, decodeSeconds decode: Double, tokens batchTokens: Int) {
        let end = Self.now
        if let last = lastStepEnd { gapSeconds += stepStart - last }
        lastStepEnd = end
        steps += 1
        tokens += batchTokens
        decodeSeconds += decode
        stepSeconds += end - stepStart
    }

    /// Logs the summary and starts over.
    mutating func flush() {
        defer { self = SchedulerStepStats() }
        guard steps > 0, Log.level <= .debug else { return }
        let n = Double(steps)
        let perStep = { (s: Double) in String(format: "%.3f ms", s * 1000 / n) }
        Log.debug("scheduler: \(steps) steps, \(tokens) batch tokens; per step: decode \(perStep(decodeSeconds)), "
                  + "rest of step \(perStep(stepSeconds - decodeSeconds)), between steps \(perStep(gapSeconds))")
    }
}
