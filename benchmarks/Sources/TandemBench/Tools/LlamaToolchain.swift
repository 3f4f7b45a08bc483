import Foundation
import TandemCore
import TandemRuntime

/// The llama.cpp build the bench compares against: the vendor-build prefix whose `bin/` holds
/// `llama-bench`, `llama-server` and `llama-batched-bench`, and whose `lib/` Tandem itself links.
struct LlamaToolchain: Sendable {
    /// The install prefix.
    let prefix: String

    /// The prefix from `explicit`, else `TANDEM_LLAMA_PREFIX`, else the one the runtime loaded its
    /// backend modules from (`<prefix>/bin`), so both sides run the same build.
    static func locate(explicit: String?) throws(BenchError) -> LlamaToolchain {
        if let explicit { return LlamaToolchain(prefix: explicit) }
        if let env = ProcessInfo.processInfo.environment["TANDEM_LLAMA_PREFIX"], !env.isEmpty {
            return LlamaToolchain(prefix: env)
        }
        BackendRegistry.ensureLoaded()
        if let bin = BackendRegistry.moduleDirectory, bin != "." {
            return LlamaToolchain(prefix: URL(fileURLWithPath: bin).deletingLastPathComponent().path)
        }
        throw .prefixUnknown
    }

    /// The path of tool `name`, checked to exist.
    func tool(_ name: String) throws(BenchError) -> String {
        let path = prefix + "/bin/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else { throw .toolMissing(name: name, path: path) }
        return path
    }

    /// Environment for the tools: the installed binaries carry no rpath on every build.
    var environment: [String: String] {
        let existing = ProcessInfo.processInfo.environment["LD_LIBRARY_PATH"].map { ":" + $0 } ?? ""
        return ["LD_LIBRARY_PATH": prefix + "/lib" + existing]
    }

    /// `share/tandem/build-info`: the source revision and the CMake options of this build.
    func buildInfo() -> JSONValue {
        let path = prefix + "/share/tandem/build-info"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return ["prefix": .string(prefix), "build_info": .null]
        }
        let lines = text.split(separator: "\n").map(String.init)
        var fields: [(String, JSONValue)] = [("prefix", .string(prefix))]
        for pair in (lines.first ?? "").split(separator: " ") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if kv.count == 2 { fields.append((kv[0], .string(kv[1]))) }
        }
        fields.append(("build_options", .array(lines.dropFirst().map { .string($0) })))
        return .object(fields)
    }
}
