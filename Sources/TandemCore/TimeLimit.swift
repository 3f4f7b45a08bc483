/// Waits out a time limit that is usually cancelled long before it ends (a step's timeout, a
/// code run's wall clock).
///
/// A cancelled `Task.sleep` returns at once, but the runtime keeps its timer entry until the
/// original deadline: with a 120 s step timeout, every step finished in the last two minutes
/// held one, and a 100,000-record `tandem run` grew by about 0.75 KB per record. Sleeping in
/// short slices bounds what a cancelled wait leaves behind to one slice.
public enum TimeLimit {
    /// The longest single sleep.
    public static let slice: Duration = .milliseconds(250)

    /// Sleeps for `duration` unless cancelled first; true when the whole time passed.
    public static func wait(_ duration: Duration) async -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + duration
        while !Task.isCancelled {
            let left = end - clock.now
            if left <= .zero { return true }
            try? await Task.sleep(for: min(left, slice))
        }
        return false
    }
}
