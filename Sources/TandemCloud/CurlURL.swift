import CCurl

/// A URL parsed by libcurl's own parser (`CURLU`), which is also what the transfer uses.
///
/// Parsing with curl rather than Foundation matters for offline mode: the host we check is the
/// host curl will connect to, so parser differences (`http://127.0.0.1\@example.com`) cannot
/// sneak a public host past the check. The handle is handed to the transfer with `CURLOPT_CURLU`.
final class CurlURL {
    let raw: OpaquePointer

    /// Parses `text`; only http and https are accepted.
    init(_ text: String) throws(CloudError) {
        CurlGlobal.ensureInitialized()
        guard let raw = curl_url() else { throw .invalidURL(url: text, reason: "out of memory") }
        self.raw = raw
        let rc = curl_url_set(raw, CURLUPART_URL, text, 0)
        guard rc == CURLUE_OK else {
            throw .invalidURL(url: text, reason: String(cString: curl_url_strerror(rc)))
        }
        let scheme = (part(CURLUPART_SCHEME) ?? "").lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw .invalidURL(url: text, reason: "scheme '\(scheme)' is not http or https")
        }
        guard host != nil else { throw .invalidURL(url: text, reason: "no host") }
    }

    deinit { curl_url_cleanup(raw) }

    /// The host name or address, IPv6 brackets and zone id removed, lowercased.
    var host: String? {
        guard var host = part(CURLUPART_HOST)?.lowercased(), !host.isEmpty else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if let percent = host.firstIndex(of: "%") { host = String(host[..<percent]) }
        return host
    }

    /// The URL for messages: user and password (if any) left out.
    var displayText: String {
        guard part(CURLUPART_USER) != nil || part(CURLUPART_PASSWORD) != nil,
              let copy = curl_url_dup(raw) else { return part(CURLUPART_URL) ?? "" }
        defer { curl_url_cleanup(copy) }
        curl_url_set(copy, CURLUPART_USER, nil, 0)
        curl_url_set(copy, CURLUPART_PASSWORD, nil, 0)
        var out: UnsafeMutablePointer<CChar>?
        guard curl_url_get(copy, CURLUPART_URL, &out, 0) == CURLUE_OK, let out else { return "" }
        defer { curl_free(out) }
        return String(cString: out)
    }

    private func part(_ which: CURLUPart) -> String? {
        var out: UnsafeMutablePointer<CChar>?
        guard curl_url_get(raw, which, &out, 0) == CURLUE_OK, let out else { return nil }
        defer { curl_free(out) }
        return String(cString: out)
    }
}

/// `curl_global_init` exactly once per process, before the first handle.
enum CurlGlobal {
    // A static let is initialized once, thread-safely, on first use: the lazy init curl asks for.
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

    /// Runs `curl_global_init` if it has not run yet.
    static func ensureInitialized() { _ = initialized }
}
