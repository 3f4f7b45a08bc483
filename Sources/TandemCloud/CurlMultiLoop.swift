import CCurl
import Foundation
import Synchronization

/// One thread that drives every libcurl transfer of one `SocketScope` through a multi handle.
///
/// Why: a blocking `curl_easy_perform` per call cost a new OS thread and a new TCP connection per
/// request (about 225 µs of CPU per call in `tandem-bench scale`, against about 90 µs this way).
/// The multi handle keeps finished connections in its cache, so the next request to the same host
/// and port reuses one (HTTP keep-alive), and one thread waits on all sockets at once. Transfers
/// never block a caller's thread: `perform` hands the request over and suspends until the loop
/// resumes it. Nothing on the loop blocks: the callbacks only copy bytes, and Debian's libcurl
/// resolves names on a thread of its own (AsynchDNS).
///
/// One loop per scope, because a cached connection skips the open-socket check: a connection
/// opened under `.any` (online) must never serve a transfer that is only allowed loopback or
/// private addresses. Within one loop every connection was opened under that loop's check.
final class CurlMultiLoop: Sendable {
    private struct Submission: Sendable {
        let id: UInt64
        let request: HTTPRequest
        let cancellation: CancellationFlag
        let continuation: CheckedContinuation<Result<HTTPResponse, CurlFailure>, Never>
    }

    /// What other threads leave for the loop; taken whole at each turn.
    private struct Inbox: Sendable {
        var submitted: [Submission] = []
        var cancelled: [UInt64] = []
    }

    /// A transfer in the multi handle; lives on the loop's thread only.
    private struct Active {
        let transfer: CurlRequest
        let continuation: CheckedContinuation<Result<HTTPResponse, CurlFailure>, Never>
    }

    private static let anywhere = CurlMultiLoop(scope: .any)
    private static let privateNetwork = CurlMultiLoop(scope: .privateNetwork)
    private static let loopback = CurlMultiLoop(scope: .loopback)

    /// The loop for transfers whose new sockets `scope` governs (started on first use).
    static func serving(_ scope: SocketScope) -> CurlMultiLoop {
        switch scope {
        case .any: anywhere
        case .privateNetwork: privateNetwork
        case .loopback: loopback
        }
    }

    private let scope: SocketScope
    // Touched off the loop's thread only by curl_multi_wakeup, which libcurl documents as safe
    // to call from any thread; everything else on it runs on the loop's thread.
    nonisolated(unsafe) private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex(Inbox())
    private let lastID = Atomic<UInt64>(0)

    private init(scope: SocketScope) {
        CurlGlobal.ensureInitialized()
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        self.scope = scope
        self.multi = multi
        // A fixed cache size, not curl's default of 4 per transfer in flight: that default
        // shrinks to 4 idle connections between bursts, so a pool of endpoints called in turns
        // would keep reconnecting. 256 covers 64 calls in flight to each of 4 servers.
        _ = tandem_curl_multi_set_long(multi, CURLMOPT_MAXCONNECTS, 256)
        let thread = Thread { [self] in run() }
        thread.name = "tandem-curl-\(scope)"
        thread.start()
    }

    /// Runs `request` to its end on the loop's thread; cancelling the task aborts it at once.
    func perform(_ request: HTTPRequest) async -> Result<HTTPResponse, CurlFailure> {
        let id = lastID.add(1, ordering: .relaxed).newValue
        let flag = CancellationFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                inbox.withLock { $0.submitted.append(Submission(id: id, request: request, cancellation: flag, continuation: continuation)) }
                curl_multi_wakeup(multi)
            }
        } onCancel: {
            // The flag covers a cancel that comes before the loop has taken the submission up.
            flag.cancel()
            inbox.withLock { $0.cancelled.append(id) }
            curl_multi_wakeup(multi)
        }
    }

    private static let cancelled = CurlFailure(code: Int(CURLE_ABORTED_BY_CALLBACK.rawValue), message: "cancelled", kind: .cancelled)

    /// The loop: take new and cancelled transfers, let curl move every transfer on, hand back the
    /// finished ones, then sleep until a socket is ready, a curl timer (timeouts) is due or
    /// `perform` wakes us.
    private func run() {
        var active: [UInt64: Active] = [:]
        var ids: [UnsafeMutableRawPointer: UInt64] = [:]  // easy handle → id, for curl's messages
        while true {
            let work = inbox.withLock { inbox in
                defer { inbox = Inbox() }
                return inbox
            }
            for submission in work.submitted {
                if submission.cancellation.isCancelled {
                    submission.continuation.resume(returning: .failure(Self.cancelled))
                    continue
                }
                let transfer: CurlRequest
                do { transfer = try CurlRequest(submission.request, scope: scope) } catch {
                    submission.continuation.resume(returning: .failure(CurlFailure(code: Int(CURLE_URL_MALFORMAT.rawValue),
                                                                                   message: error.description, kind: .other)))
                    continue
                }
                let rc = transfer.setupFailure == CURLE_OK ? curl_multi_add_handle(multi, transfer.handle) : CURLM_OK
                guard transfer.setupFailure == CURLE_OK, rc == CURLM_OK else {
                    let code = transfer.setupFailure != CURLE_OK ? transfer.setupFailure : CURLE_FAILED_INIT
                    submission.continuation.resume(returning: transfer.outcome(code))
                    continue
                }
                active[submission.id] = Active(transfer: transfer, continuation: submission.continuation)
                ids[transfer.handle] = submission.id
            }
            for id in work.cancelled {
                // Gone already when it finished first: nothing to abort.
                guard let entry = active.removeValue(forKey: id) else { continue }
                ids[entry.transfer.handle] = nil
                curl_multi_remove_handle(multi, entry.transfer.handle)  // closes its connection: it is mid-request
                entry.continuation.resume(returning: .failure(Self.cancelled))
            }
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                // Read before the removal below, which frees the message.
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
                let rc = message.pointee.data.result
                guard let id = ids.removeValue(forKey: handle), let entry = active.removeValue(forKey: id) else { continue }
                curl_multi_remove_handle(multi, handle)
                entry.continuation.resume(returning: entry.transfer.outcome(rc))
            }
            // The timeout is only an upper bound: curl shortens it to its next timer, and
            // curl_multi_wakeup ends the wait early.
            _ = curl_multi_poll(multi, nil, 0, 60_000, nil)
        }
    }
}
