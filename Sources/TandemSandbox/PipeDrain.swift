import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Reads one pipe on a dedicated thread, keeping at most `cap` bytes.
///
/// Past the cap it calls `onOverflow` once (the runner kills the child there) and keeps reading
/// and discarding, so the writer never blocks on a full pipe while it is being killed.
final class PipeDrain: Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var truncated = false
        var finished = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let fd: Int32
    private let cap: Int
    private let state = Mutex(State())
    /// Set when the caller stops waiting for EOF (a process outside any PID namespace kept the pipe open).
    private let abandoned = Atomic<Bool>(false)

    /// Starts draining `fd` (which this object closes when done).
    init(fd: Int32, cap: Int, name: String, onOverflow: @escaping @Sendable () -> Void) {
        self.fd = fd
        self.cap = cap
        let thread = Thread { [self] in self.drain(onOverflow: onOverflow) }
        thread.name = name
        thread.start()
    }

    /// What was kept, and whether anything was dropped.
    var collected: (bytes: [UInt8], truncated: Bool) {
        state.withLock { ($0.bytes, $0.truncated) }
    }

    /// Returns at EOF, or after `grace` if EOF has not come by then (then reading stops).
    func finish(grace: Duration) async {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.waitForEOF(); return true }
            group.addTask { try? await Task.sleep(for: grace); return false }
            // On a timeout the group still awaits the EOF task: the thread sees `abandoned` within
            // one poll interval, closes the pipe and resumes it.
            if await group.next() == false { self.abandoned.store(true, ordering: .relaxed) }
            group.cancelAll()
        }
    }

    private func waitForEOF() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.finished { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    private func drain(onOverflow: @Sendable () -> Void) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var overflowed = false
        while !abandoned.load(ordering: .relaxed) {
            // poll with a timeout so an abandoned drain exits even if no EOF ever comes.
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 100)
            if ready == 0 || (ready < 0 && errno == EINTR) { continue }
            if ready < 0 { break }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            let overflowNow = state.withLock { state -> Bool in
                let room = max(0, cap - state.bytes.count)
                state.bytes.append(contentsOf: buffer[0..<min(room, count)])
                if count > room && !state.truncated { state.truncated = true; return true }
                return false
            }
            if overflowNow && !overflowed { overflowed = true; onOverflow() }
        }
        close(fd)
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.finished = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
