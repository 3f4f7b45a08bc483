import Foundation
import Testing
import TandemSandbox

/// Missing or broken bubblewrap gives an error that says how to fix it, never an unsandboxed run.
@Suite struct SandboxSetupErrorTests {
    @Test func missingBubblewrapSaysHowToInstall() async throws {
        let runner = CodeRunner(bubblewrapPath: "/nonexistent/bwrap")
        do {
            _ = try await runner.run("print(1)", language: .python)
            Issue.record("ran without bubblewrap")
        } catch {
            #expect(error == .bubblewrapMissing(searched: ["/nonexistent/bwrap"]))
            #expect(error.description.contains("apt-get install bubblewrap"))
            #expect(error.description.contains("--unsafe-no-sandbox"))
        }
    }

    /// Fault injection: a stand-in `bwrap` that fails the way a kernel without unprivileged user
    /// namespaces makes the real one fail.
    @Test func namespaceFailureIsExplained() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-fake-bwrap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fake = directory.appendingPathComponent("bwrap").path
        let script = """
        #!/bin/sh
        if [ "$1" = --version ]; then echo "bubblewrap 0.8.0"; exit 0; fi
        echo "bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces." >&2
        exit 1
        """
        try script.write(toFile: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
        // As root the runner drops to uid 65534 before bwrap, which must be able to reach the script.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        do {
            _ = try await CodeRunner(bubblewrapPath: fake).run("print(1)", language: .python)
            Issue.record("a failed sandbox set-up was reported as a run")
        } catch {
            guard case .namespacesUnavailable = error else { Issue.record("wrong error: \(error)"); return }
            #expect(error.description.contains("unprivileged_userns_clone"))
        }
    }
}
