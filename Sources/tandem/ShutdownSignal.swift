import Foundation

/// The pipe a SIGTERM/SIGINT handler writes the signal number to (a handler may do little more).
private let shutdownPipe: (read: Int32, write: Int32) = {
    var fds: [Int32] = [-1, -1]
    _ = pipe(&fds)
    return (fds[0], fds[1])
}()

/// Waits for SIGTERM or SIGINT, for commands that shut down gracefully (`tandem serve` drains).
///
/// A process may start with these signals blocked (a test runner's children inherit its mask),
/// and then no thread would ever take them; the waiting thread unblocks them for itself, so the
/// kernel always has a thread to deliver them to.
enum ShutdownSignal {
    /// Returns the signal that arrived.
    static func wait() async -> Int32 {
        _ = shutdownPipe
        for sig in [SIGTERM, SIGINT] {
            signal(sig) { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(shutdownPipe.write, &byte, 1)
            }
        }
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var set = sigset_t()
                sigemptyset(&set)
                sigaddset(&set, SIGTERM)
                sigaddset(&set, SIGINT)
                pthread_sigmask(SIG_UNBLOCK, &set, nil)
                var byte: UInt8 = 0
                while read(shutdownPipe.read, &byte, 1) < 0 && errno == EINTR {}
                continuation.resume(returning: Int32(byte))
            }
        }
    }
}
