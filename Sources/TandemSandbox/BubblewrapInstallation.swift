import Foundation
import Synchronization

/// A located `bwrap` binary and the options its version understands.
struct BubblewrapInstallation: Sendable, Equatable {
    /// Absolute path of the binary.
    let path: String
    /// Version as (major, minor, patch), from `bwrap --version`.
    let version: (Int, Int, Int)

    /// `--size` for tmpfs arrived in 0.7.0; older versions leave the work dir unbounded (RLIMIT_FSIZE still caps each file).
    var supportsTmpfsSize: Bool { version >= (0, 7, 0) }
    /// `--disable-userns` arrived in 0.8.0; it stops the snippet from nesting user namespaces.
    var supportsDisableUserns: Bool { version >= (0, 8, 0) }

    static func == (a: Self, b: Self) -> Bool { a.path == b.path && a.version == b.version }

    /// Where `bwrap` is looked for when no path is given: the usual places, then `$PATH`.
    static func candidates() -> [String] {
        let fromPath = (ProcessInfo.processInfo.environment["PATH"] ?? "")
            .split(separator: ":").map { "\($0)/bwrap" }
        var seen = Set<String>()
        return (["/usr/bin/bwrap", "/usr/local/bin/bwrap"] + fromPath).filter { seen.insert($0).inserted }
    }

    private static let cache = Mutex<[String: BubblewrapInstallation]>([:])

    /// Finds bwrap (at `explicitPath`, or among `candidates()`) and reads its version once per path.
    static func locate(explicitPath: String?) async throws(SandboxError) -> BubblewrapInstallation {
        let searched = explicitPath.map { [$0] } ?? candidates()
        guard let path = searched.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw .bubblewrapMissing(searched: searched)
        }
        if let known = cache.withLock({ $0[path] }) { return known }
        let installation = BubblewrapInstallation(path: path, version: try await probeVersion(path))
        cache.withLock { $0[path] = installation }
        return installation
    }

    /// Runs `bwrap --version` ("bubblewrap 0.8.0").
    private static func probeVersion(_ path: String) async throws(SandboxError) -> (Int, Int, Int) {
        let child = try SpawnedProcess.spawn([path, "--version"], environment: ["PATH=/usr/bin:/bin"], directory: "/")
        InputFeeder.start(fd: child.stdinFD, bytes: [])
        let out = PipeDrain(fd: child.stdoutFD, cap: 4096, name: "tandem-bwrap-version", onOverflow: {})
        let err = PipeDrain(fd: child.stderrFD, cap: 4096, name: "tandem-bwrap-version-err", onOverflow: {})
        let status = await child.waitForExit()
        await out.finish(grace: .seconds(1))
        await err.finish(grace: .seconds(1))
        let text = String(decoding: out.collected.bytes, as: UTF8.self)
        guard status == .exited(0), let word = text.split(separator: " ").last else {
            let detail = String(decoding: err.collected.bytes, as: UTF8.self)
            throw .sandboxSetupFailed(message: "`\(path) --version` failed: \(detail.isEmpty ? text : detail)")
        }
        let parts = word.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").map { Int($0) ?? 0 }
        return (parts.count > 0 ? parts[0] : 0, parts.count > 1 ? parts[1] : 0, parts.count > 2 ? parts[2] : 0)
    }
}
