import Dispatch
import Foundation
import Synchronization

/// A serial executor backed by one dedicated thread.
///
/// `BatchScheduler` runs on it so `llama_decode`, which blocks for milliseconds to seconds,
/// never occupies a thread of Swift's cooperative pool, while the scheduler keeps actor
/// isolation (no locks around the context, no data races).
final class DecodeThreadExecutor: SerialExecutor {
    private let jobs = Mutex<(queue: [UnownedJob], stopping: Bool)>(([], false))
    private let wakeup = DispatchSemaphore(value: 0)

    init(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        jobs.withLock { $0.queue.append(unowned) }
        wakeup.signal()
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }

    /// Lets the thread exit once its queue is empty.
    func stop() {
        jobs.withLock { $0.stopping = true }
        wakeup.signal()
    }

    private func run() {
        while true {
            wakeup.wait()
            let next: UnownedJob? = jobs.withLock { state in
                state.queue.isEmpty ? nil : state.queue.removeFirst()
            }
            if let next {
                next.runSynchronously(on: asUnownedSerialExecutor())
            } else if jobs.withLock({ $0.stopping && $0.queue.isEmpty }) {
                return
            }
        }
    }
}
