import Foundation
import TandemCore

/// Caches model-file sha256 digests on disk, keyed by path, size and modification time, so the
/// prompt-state store and classifier files can name a model without rehashing gigabytes per run.
enum ModelDigestCache {
    static func sha256(ofFileAt path: String) throws -> String {
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        let size = (attrs[.size] as? NSNumber)?.int64Value ?? -1
        let mtime = (attrs[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let dir = RuntimePaths.cacheDirectory.appendingPathComponent("sha256")
        let entry = dir.appendingPathComponent(SHA256.hex("\(path)|\(size)|\(mtime)"))
        if let cached = try? String(contentsOf: entry, encoding: .utf8), cached.count == 64 { return cached }
        let digest = try SHA256.hex(fileAt: path)
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try? digest.write(to: entry, atomically: true, encoding: .utf8)
        return digest
    }
}

/// Where the runtime keeps its per-user files.
public enum RuntimePaths {
    /// `$TANDEM_CACHE`, else `$XDG_CACHE_HOME/tandem`, else `~/.cache/tandem`.
    public static var cacheDirectory: URL {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["TANDEM_CACHE"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        let base = env["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent("tandem")
    }
}
