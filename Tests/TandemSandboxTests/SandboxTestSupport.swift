import Foundation
import TandemCore
import TandemSandbox

/// Shared set-up for the sandbox tests: a missing bwrap fails every test with the fix.
enum SandboxTestSupport {
    /// Small memory and output caps so the attack tests finish in seconds. The wall-clock and CPU
    /// limits are never what these tests check (the tests of a timeout set their own, around code
    /// that never ends): a python start-up on a saturated 2-core machine took more than the 5 s
    /// wall limit this once had, so both are far past any load.
    static let quick = SandboxLimits(cpuSeconds: 60, memoryBytes: 256 << 20, maxProcesses: 32,
                                     wallTimeout: .seconds(600), maxStdoutBytes: 1 << 20, maxStderrBytes: 64 << 10)

    /// Runs `code` in the real bubblewrap sandbox.
    static func run(_ code: String, language: CodeLanguage = .python, input: JSONValue = .null,
                    limits: SandboxLimits = quick) async throws -> CodeRunResult {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/bwrap") else {
            throw SetupError("bwrap is missing: run `make test` (Tests/Fixtures/setup-tools.sh installs bubblewrap)")
        }
        return try await CodeRunner(limits: limits).run(code, language: language, input: input)
    }

    /// Host processes whose command line contains `token` (a sandbox that leaked would show up here).
    static func hostProcesses(mentioning token: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) }.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains(token) ? "\(pid): \(line.prefix(120))" : nil
        }
    }

    /// Waits up to `limit` for processes mentioning `token` to vanish (an exiting process keeps its
    /// command line for a moment after it closed its pipes); returns any that remain. The limit is
    /// generous because a loaded machine reaps slowly; a clean run returns at the first look.
    static func leftoverProcesses(mentioning token: String, within limit: Duration = .seconds(120)) async -> [String] {
        let deadline = ContinuousClock.now + limit
        while true {
            let found = hostProcesses(mentioning: token)
            if found.isEmpty || ContinuousClock.now >= deadline { return found }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// A unique marker to put in a snippet's code so its processes can be found on the host.
    static func token() -> String { "tandem-token-\(UUID().uuidString.prefix(8))" }
}

/// A missing prerequisite: the test fails with this message.
struct SetupError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
