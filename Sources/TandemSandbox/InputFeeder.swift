import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes the snippet's input to its stdin on a dedicated thread, then closes it.
///
/// The thread blocks SIGPIPE for itself, so a child that exits without reading gives EPIPE here
/// instead of killing the host process.
enum InputFeeder {
    static func start(fd: Int32, bytes: [UInt8]) {
        let thread = Thread {
            var pipeSignal = sigset_t()
            sigemptyset(&pipeSignal)
            sigaddset(&pipeSignal, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { break }
                offset += written
            }
            close(fd)
            // Consume a pending thread-directed SIGPIPE so it can never be delivered later.
            var timeout = timespec(tv_sec: 0, tv_nsec: 0)
            _ = sigtimedwait(&pipeSignal, nil, &timeout)
        }
        thread.name = "tandem-sandbox-stdin"
        thread.start()
    }
}
