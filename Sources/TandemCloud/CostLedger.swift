import Foundation
import TandemCore

/// The append-only cost ledger: one JSON line per request that used tokens.
///
/// An actor so concurrent requests in one process append whole lines; each line is one
/// `write(2)` on an `O_APPEND` descriptor, so several processes sharing the file do not
/// interleave either. Default path: `$TANDEM_COST_LEDGER`, else
/// `${XDG_CACHE_HOME:-~/.cache}/tandem/cost-ledger.jsonl`.
public actor CostLedger {
    /// The ledger file.
    public nonisolated let path: String
    /// Prices used to turn tokens into dollars when recording.
    public nonisolated let prices: PriceTable

    /// A ledger at `path` (created on the first record).
    public init(path: String = CostLedger.defaultPath(), prices: PriceTable = .defaults) {
        self.path = path
        self.prices = prices
    }

    /// `$TANDEM_COST_LEDGER`, else `${XDG_CACHE_HOME:-$HOME/.cache}/tandem/cost-ledger.jsonl`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["TANDEM_COST_LEDGER"], !explicit.isEmpty { return explicit }
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        return cache + "/tandem/cost-ledger.jsonl"
    }

    /// Prices `usage` and appends an entry; returns it.
    @discardableResult
    public func record(provider: String, model: String, usage: TokenUsage, outcome: String = "ok") throws(CloudError) -> CostLedgerEntry {
        let entry = CostLedgerEntry(time: Date().ISO8601Format(), provider: provider, model: model, usage: usage,
                                    costUSD: prices.price(for: model)?.cost(of: usage), outcome: outcome)
        try append(JSONWriter.compact(entry.json) + "\n")
        return entry
    }

    /// Appends a call of a local model (`provider` "local", cost 0: it ran on this machine), so
    /// `tandem status` and `tandem cost` count local requests and failures beside remote ones.
    /// `model` is the GGUF file name; `outcome` is `ok` or `failed`; `endpoint` the pool server
    /// that answered, if any.
    @discardableResult
    public func recordLocal(model: String, usage: TokenUsage, outcome: String, endpoint: String? = nil) throws(CloudError) -> CostLedgerEntry {
        var entry = CostLedgerEntry(time: Date().ISO8601Format(), provider: CostLedgerEntry.localProvider, model: model,
                                    usage: usage, costUSD: 0, outcome: outcome)
        entry.endpoint = endpoint
        try append(JSONWriter.compact(entry.json) + "\n")
        return entry
    }

    private func append(_ line: String) throws(CloudError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
            catch { throw .ledgerUnavailable(path: path, reason: "cannot create \(directory): \(error.localizedDescription)") }
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .ledgerUnavailable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let bytes = Array(line.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw .ledgerUnavailable(path: path, reason: written < 0 ? String(cString: strerror(errno)) : "short write")
        }
    }

    /// Reads the ledger at `path` and totals it per model. A missing file is an empty ledger;
    /// unreadable lines are skipped and counted, so one bad line never hides the rest.
    public static func summarize(path: String) throws(CloudError) -> CostSummary {
        guard FileManager.default.fileExists(atPath: path) else { return CostSummary(entries: []) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .ledgerUnavailable(path: path, reason: "cannot read the file")
        }
        var entries: [CostLedgerEntry] = []
        var skipped = 0
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.allSatisfy({ $0 == 32 || $0 == 13 }) {
            if let value = try? JSONParser.parse(bytes: Array(line)), let entry = CostLedgerEntry(json: value) {
                entries.append(entry)
            } else {
                skipped += 1
            }
        }
        return CostSummary(entries: entries, skippedLines: skipped)
    }
}
