/// Why a step attempt did not produce a result.
public enum StepError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The attempt ran past its time limit.
    case timedOut(milliseconds: Int)
    /// No worker serves the step's kind (validation normally catches this first).
    case noWorker(kind: StepKind)
    /// A `map` reference did not resolve to an array.
    case mapNeedsArray(got: String)
    /// A `map` array is larger than the executor allows.
    case tooManyMapItems(count: Int, limit: Int)
    /// One element of a `map` step failed.
    case mapItemFailed(index: Int, message: String)
    /// A reference in the arguments had no value at run time.
    case unresolvedArgument(String)
    /// The run was cancelled before the step finished.
    case cancelled

    /// What happened and what to change.
    public var description: String {
        switch self {
        case .timedOut(let ms): "timed out after \(ms) ms; raise the step's \"timeout_ms\" or check why the tool hangs"
        case .noWorker(let kind): "no worker for kind '\(kind)' is registered"
        case .mapNeedsArray(let got): "\"map\" needs an array, got \(got)"
        case .tooManyMapItems(let count, let limit): "\"map\" over \(count) items exceeds the limit of \(limit); split the input"
        case .mapItemFailed(let index, let message): "item \(index) failed: \(message)"
        case .unresolvedArgument(let text): "an argument could not be resolved: \(text)"
        case .cancelled: "cancelled before it finished"
        }
    }
}
