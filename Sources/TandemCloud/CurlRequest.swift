import CCurl
import Foundation
import Synchronization

/// One libcurl transfer: owns the `CURL*` easy handle, its header list and buffers.
///
/// Created, driven and freed on the thread of the `CurlMultiLoop` that performs it (never
/// shared); `CurlRequest.send` below is the way in from async code.
final class CurlRequest {
    /// The easy handle, for the multi handle that drives it.
    let handle: UnsafeMutableRawPointer
    private let url: CurlURL  // curl reads it during the transfer: kept alive with us
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private let socketRefused = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private let maxResponseBytes: Int
    private var body: [UInt8] = []
    private var headers: [HTTPHeader] = []
    private var isTooLarge = false
    /// The first option curl refused while configuring; such a transfer is never started.
    private(set) var setupFailure: CURLcode = CURLE_OK

    /// Prepares a transfer for `request`; `scope` says which addresses its new sockets may reach
    /// (loopback hosts already narrowed to `.loopback` by the caller).
    init(_ request: HTTPRequest, scope: SocketScope) throws(CloudError) {
        CurlGlobal.ensureInitialized()
        let url = try CurlURL(request.url)
        guard let handle = curl_easy_init() else { throw .invalidURL(url: request.url, reason: "curl_easy_init failed") }
        self.handle = handle
        self.url = url
        self.maxResponseBytes = request.maxResponseBytes
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        socketRefused.initialize(to: 0)
        configure(request, scope: scope)
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
        socketRefused.deallocate()
    }

    private func configure(_ request: HTTPRequest, scope: SocketScope) {
        func check(_ rc: CURLcode) { if rc != CURLE_OK, setupFailure == CURLE_OK { setupFailure = rc } }
        let me = Unmanaged.passUnretained(self).toOpaque()
        check(tandem_curl_set_url_handle(handle, url.raw))
        // Pinned to the checked host: no redirects, no other protocols.
        check(tandem_curl_set_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        check(tandem_curl_set_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        check(tandem_curl_set_long(handle, CURLOPT_NOSIGNAL, 1))  // signals and threads do not mix
        check(tandem_curl_set_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout)))
        check(tandem_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout)))
        check(tandem_curl_set_string(handle, CURLOPT_USERAGENT, "tandem"))
        check(tandem_curl_set_string(handle, CURLOPT_ACCEPT_ENCODING, ""))
        check(tandem_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        if scope != .any {
            // A proxy from the environment would be a hop off the allowed addresses; go direct.
            check(tandem_curl_set_string(handle, CURLOPT_PROXY, ""))
            check(scope == .loopback ? tandem_curl_restrict_to_loopback(handle, socketRefused)
                                     : tandem_curl_restrict_to_private(handle, socketRefused))
        }
        switch request.method.uppercased() {
        case "GET": check(tandem_curl_set_long(handle, CURLOPT_HTTPGET, 1))
        case "POST": check(tandem_curl_set_long(handle, CURLOPT_POST, 1))
        default: check(tandem_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, request.method))
        }
        if !request.body.isEmpty {
            // COPYPOSTFIELDS copies now, so the Swift array need not outlive this call.
            check(tandem_curl_set_long(handle, CURLOPT_POSTFIELDSIZE, request.body.count))
            request.body.withUnsafeBytes { bytes in
                check(tandem_curl_set_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress)))
            }
        } else if request.method.uppercased() == "POST" {
            check(tandem_curl_set_string(handle, CURLOPT_COPYPOSTFIELDS, ""))
        }
        // "Expect:" stops curl waiting for a 100 Continue that small servers never send.
        for line in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            headerList = curl_slist_append(headerList, line)
        }
        check(tandem_curl_set_slist(handle, CURLOPT_HTTPHEADER, headerList))
        check(tandem_curl_set_write_function(handle, CURLOPT_WRITEFUNCTION, { data, size, count, context in
            Unmanaged<CurlRequest>.fromOpaque(context!).takeUnretainedValue().receiveBody(data, size * count)
        }))
        check(tandem_curl_set_pointer(handle, CURLOPT_WRITEDATA, me))
        check(tandem_curl_set_write_function(handle, CURLOPT_HEADERFUNCTION, { data, size, count, context in
            Unmanaged<CurlRequest>.fromOpaque(context!).takeUnretainedValue().receiveHeader(data, size * count)
        }))
        check(tandem_curl_set_pointer(handle, CURLOPT_HEADERDATA, me))
    }

    private func receiveBody(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard let data, count > 0 else { return 0 }
        guard body.count + count <= maxResponseBytes else { isTooLarge = true; return 0 }  // 0 aborts
        data.withMemoryRebound(to: UInt8.self, capacity: count) { body.append(contentsOf: UnsafeBufferPointer(start: $0, count: count)) }
        return count
    }

    private func receiveHeader(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard let data else { return 0 }
        let line = data.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }.trimmingTrailingNewline()
        if line.hasPrefix("HTTP/") { headers = [] }  // a new response block (after 100 Continue)
        else if let colon = line.firstIndex(of: ":") {
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            headers.append(HTTPHeader(String(line[..<colon]), String(value)))
        }
        return count
    }

    /// The outcome of the finished transfer, from the code its multi handle reported.
    func outcome(_ rc: CURLcode) -> Result<HTTPResponse, CurlFailure> {
        guard rc == CURLE_OK else { return .failure(failure(for: rc)) }
        var status = 0
        _ = tandem_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: headers, body: body))
    }

    private func failure(for rc: CURLcode) -> CurlFailure {
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(rc))
        let kind: CurlFailure.Kind
        switch rc {
        case CURLE_WRITE_ERROR where isTooLarge: kind = .tooLarge
        case CURLE_OPERATION_TIMEDOUT: kind = .timedOut
        case CURLE_COULDNT_CONNECT where socketRefused.pointee != 0: kind = .loopbackRefused
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_PARTIAL_FILE,
             CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM,
             CURLE_SSL_CONNECT_ERROR:
            kind = .connection
        default: kind = .other
        }
        return CurlFailure(code: Int(rc.rawValue), message: detail, kind: kind)
    }

    private static func milliseconds(_ d: Duration) -> Int {
        let (seconds, attoseconds) = d.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

extension CurlRequest {
    /// Performs `request` on the `CurlMultiLoop` of its socket scope: no thread of the caller's
    /// is blocked, and connections are kept alive between calls to the same server. Task
    /// cancellation aborts the transfer at once.
    static func send(_ request: HTTPRequest, scope: SocketScope) async -> Result<HTTPResponse, CurlFailure> {
        let host: String
        do { host = try CurlURL(request.url).host ?? "" } catch {
            return .failure(CurlFailure(code: Int(CURLE_URL_MALFORMAT.rawValue), message: error.description, kind: .other))
        }
        // A loopback name never leaves the machine, whatever the policy.
        let effective = EgressPolicy.isLoopback(host: host) ? .loopback : scope
        return await CurlMultiLoop.serving(effective).perform(request)
    }
}

/// Why a transfer produced no HTTP response.
struct CurlFailure: Error, Sendable {
    /// How the failure is handled.
    enum Kind: Sendable { case timedOut, cancelled, loopbackRefused, tooLarge, connection, other }
    let code: Int
    let message: String
    let kind: Kind

    /// Worth another attempt: the network or the server may recover.
    var isRetryable: Bool { kind == .timedOut || kind == .connection }
}

/// Set from a task's cancellation handler, read on a `CurlMultiLoop`'s thread: a task cancelled
/// before its transfer was taken up never starts it.
final class CancellationFlag: Sendable {
    private let raw = Atomic<Bool>(false)
    func cancel() { raw.store(true, ordering: .relaxed) }
    var isCancelled: Bool { raw.load(ordering: .relaxed) }
}

private extension String {
    func trimmingTrailingNewline() -> String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == "\r" || last == "\r\n" { s = s.dropLast() }
        return String(s)
    }
}
