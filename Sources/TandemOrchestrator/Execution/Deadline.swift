import TandemCore
import Synchronization

/// Runs an operation with a time limit that holds even when the operation ignores cancellation.
///
/// A task group would wait for a child that never checks for cancellation, so one hung worker
/// would hang the whole run. Here the operation runs in its own task and the caller resumes at
/// whichever comes first: its result, the deadline, or the caller's cancellation. A worker
/// that ignores cancellation keeps running in the background until it returns, but nothing waits
/// for it.
enum Deadline {
    static func run<T: Sendable>(milliseconds: Int, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let gate = ResumeGate<T>()
        let work = Task {
            do { gate.finish(.success(try await operation())) } catch { gate.finish(.failure(error)) }
        }
        let timer = Task {
            if await TimeLimit.wait(.milliseconds(milliseconds)) { gate.finish(.failure(StepError.timedOut(milliseconds: milliseconds))) }
        }
        defer {
            work.cancel()
            timer.cancel()
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { gate.install($0) }
        } onCancel: {
            gate.finish(.failure(CancellationError()))
        }
    }
}

/// Resumes a continuation exactly once, whether the result or the continuation arrives first.
private final class ResumeGate<T: Sendable>: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<T, any Error>)
        case finished(Result<T, any Error>)
        case done
    }
    private let state = Mutex<State>(.empty)

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLock { s in
            switch s {
            case .empty: s = .waiting(continuation); return nil
            case .finished(let r): s = .done; return r
            default: return nil
            }
        }
        if let early { continuation.resume(with: early) }
    }

    func finish(_ result: Result<T, any Error>) {
        let waiting: CheckedContinuation<T, any Error>? = state.withLock { s in
            switch s {
            case .empty: s = .finished(result); return nil
            case .waiting(let c): s = .done; return c
            default: return nil
            }
        }
        waiting?.resume(with: result)
    }
}
