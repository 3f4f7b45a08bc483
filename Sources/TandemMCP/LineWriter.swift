import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Writes queued lines to a pipe on its own thread, so a server that stops reading blocks that
/// thread, never a caller. The thread blocks SIGPIPE for itself: a dead server gives EPIPE, not
/// a dead tandem.
final class LineWriter: Sendable {
    private struct State {
        var queue: [[UInt8]] = []
        var closing = false
    }

    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)

    /// Starts the writer thread on `fd`, which it closes when `close()` is called or a write fails.
    init(fd: Int32, name: String) {
        let thread = Thread { [self] in self.run(fd: fd) }
        thread.name = name
        thread.start()
    }

    /// Queues bytes; dropped silently after `close()` or a failed write (the reader reports the broken server).
    func enqueue(_ bytes: [UInt8]) {
        state.withLock { $0.queue.append(bytes) }
        wakeUp.signal()
    }

    /// Writes what is queued, then closes the pipe (the server sees EOF on stdin).
    func close() {
        state.withLock { $0.closing = true }
        wakeUp.signal()
    }

    private func run(fd: Int32) {
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
        var broken = false
        while true {
            wakeUp.wait()
            let (batch, closing) = state.withLock { state -> ([[UInt8]], Bool) in
                defer { state.queue = [] }
                return (state.queue, state.closing)
            }
            for bytes in batch where !broken { broken = !writeAll(fd: fd, bytes) }
            if closing || broken { break }
        }
        Glibc.close(fd)
        var timeout = timespec(tv_sec: 0, tv_nsec: 0)
        _ = sigtimedwait(&pipeSignal, nil, &timeout)  // consume a pending SIGPIPE so it is never delivered
    }

    private func writeAll(fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }
}
