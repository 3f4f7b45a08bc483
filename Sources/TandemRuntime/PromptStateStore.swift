import Foundation
import TandemCore

/// Saves a prompt prefix's KV state to disk and restores it in a later process, so a long
/// system prompt is decoded once per machine instead of once per run.
///
/// A state is keyed by the model file's sha256, the KV layout and the exact prefix tokens. Each
/// state file has a JSON sidecar with a checksum of the state; anything stale, mismatched or
/// corrupt is ignored with a warning and the prefix is decoded again.
public struct PromptStateStore: Sendable {
    public let directory: URL

    /// A store in `directory` (default: `<cache>/prompt-state`).
    public init(directory: URL = RuntimePaths.cacheDirectory.appendingPathComponent("prompt-state")) {
        self.directory = directory
    }

    struct Entry {
        let statePath: String
        let metaPath: String
    }

    func entry(modelSHA: String, layout: String, tokens: [Token]) -> Entry {
        var h = SHA256()
        h.update("\(modelSHA)|\(layout)|")
        tokens.withUnsafeBytes { h.update($0) }
        let key = h.hexDigest()
        return Entry(statePath: directory.appendingPathComponent("\(key).state").path,
                     metaPath: directory.appendingPathComponent("\(key).json").path)
    }

    /// Writes the sidecar after llama.cpp wrote the state file.
    func commit(_ entry: Entry, modelSHA: String, layout: String, tokens: [Token]) throws {
        let size = (try FileManager.default.attributesOfItem(atPath: entry.statePath)[.size] as? NSNumber)?.intValue ?? 0
        let meta: JSONValue = [
            "version": 1, "model_sha256": .string(modelSHA), "layout": .string(layout),
            "tokens": .number(Double(tokens.count)), "tokens_sha256": .string(Self.digest(tokens)),
            "state_bytes": .number(Double(size)), "state_checksum": .string(try StateChecksum.of(fileAt: entry.statePath)),
        ]
        let tmp = entry.metaPath + ".tmp"
        try JSONWriter.pretty(meta).write(toFile: tmp, atomically: false, encoding: .utf8)
        // rename(2) replaces atomically: a reader sees the old sidecar or the new one, never half.
        guard rename(tmp, entry.metaPath) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// Why the saved state for `entry` cannot be used, or nil when it checks out.
    func problem(with entry: Entry, modelSHA: String, layout: String, tokens: [Token]) -> String? {
        guard FileManager.default.fileExists(atPath: entry.metaPath) else { return "no saved state" }
        guard let text = try? String(contentsOfFile: entry.metaPath, encoding: .utf8),
              let meta = try? JSONParser.parse(text) else { return "unreadable metadata" }
        guard meta["version"]?.intValue == 1 else { return "unknown metadata version" }
        guard meta["model_sha256"]?.stringValue == modelSHA else { return "saved for another model" }
        guard meta["layout"]?.stringValue == layout else { return "saved with another KV layout" }
        guard meta["tokens_sha256"]?.stringValue == Self.digest(tokens) else { return "saved for other tokens" }
        let size = (try? FileManager.default.attributesOfItem(atPath: entry.statePath)[.size] as? NSNumber)?.intValue
        guard let size, size == meta["state_bytes"]?.intValue else { return "state file missing or truncated" }
        guard (try? StateChecksum.of(fileAt: entry.statePath)) == meta["state_checksum"]?.stringValue else {
            return "state file checksum mismatch (corrupt)"
        }
        return nil
    }

    /// Deletes an entry (after llama.cpp refused it).
    func discard(_ entry: Entry) {
        try? FileManager.default.removeItem(atPath: entry.metaPath)
        try? FileManager.default.removeItem(atPath: entry.statePath)
    }

    private static func digest(_ tokens: [Token]) -> String {
        var h = SHA256()
        tokens.withUnsafeBytes { h.update($0) }
        return h.hexDigest()
    }
}

/// Where a warmed prefix came from and what it cost.
public struct PrefixWarmup: Sendable, Equatable {
    public enum Source: String, Sendable, Codable { case memory, disk, computed }
    public let source: Source
    public let tokens: Int
    public let seconds: Double
}

extension Engine {
    /// Makes `input`'s tokens warm in the prompt cache: already there (memory), restored from
    /// `store` (disk), or decoded and then saved to `store` (computed). Later prompts that start
    /// with these tokens skip them.
    public func warmPrefix(_ input: GenerationRequest.Input, store: PromptStateStore?) async throws -> PrefixWarmup {
        let start = Date()
        let tokens = try promptTokens(for: input)
        if await scheduler.call { $0.longestCachedPrefix(tokens) } >= tokens.count {
            return PrefixWarmup(source: .memory, tokens: tokens.count, seconds: Date().timeIntervalSince(start))
        }
        let layout = "kv:f16/f16;unified:\(parameters.unifiedKV)"
        var entry: PromptStateStore.Entry?
        var modelSHA = ""
        if let store {
            modelSHA = try model.sha256()
            let e = store.entry(modelSHA: modelSHA, layout: layout, tokens: tokens)
            entry = e
            if let problem = store.problem(with: e, modelSHA: modelSHA, layout: layout, tokens: tokens) {
                if problem != "no saved state" { Log.warning(RuntimeError.stateFileRejected(path: e.statePath, reason: problem).description) }
            } else if await scheduler.call { $0.restoreState(path: e.statePath, tokens: tokens) } {
                return PrefixWarmup(source: .disk, tokens: tokens.count, seconds: Date().timeIntervalSince(start))
            } else {
                Log.warning(RuntimeError.stateFileRejected(path: e.statePath, reason: "llama.cpp could not load it").description)
                store.discard(e)
            }
        }
        _ = try await prefill(.tokens(tokens))
        if let store, let entry {
            try FileManager.default.createDirectory(at: store.directory, withIntermediateDirectories: true)
            if await scheduler.call { $0.saveState(path: entry.statePath, tokens: tokens) } {
                try store.commit(entry, modelSHA: modelSHA, layout: layout, tokens: tokens)
            }
        }
        return PrefixWarmup(source: .computed, tokens: tokens.count, seconds: Date().timeIntervalSince(start))
    }
}
