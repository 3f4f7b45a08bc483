import Foundation
import Testing
import TandemCore
import TandemSandbox

/// The runner's ordinary path: JSON in, JSON out, both languages, failures kept.
@Suite struct CodeRunnerTests {
    @Test func pythonTransformsJSONInput() async throws {
        let code = """
        import json, sys
        data = json.load(sys.stdin)
        print(json.dumps({"total": sum(item["price"] for item in data["items"]), "n": len(data["items"])}))
        """
        let input: JSONValue = ["items": [["price": 2.5], ["price": 4]]]
        let result = try await SandboxTestSupport.run(code, input: input)
        #expect(try result.jsonOutput() == ["total": 6.5, "n": 2])
        #expect(result.succeeded)
    }

    @Test func shReadsStdinAndPrintsJSON() async throws {
        let result = try await SandboxTestSupport.run(#"read line; printf '{"echo": %s, "shell": "%s"}' "$line" "$0""#,
                                                      language: .sh, input: ["a": 1])
        #expect(try result.jsonOutput() == ["echo": ["a": 1], "shell": "/bin/sh"])
    }

    @Test func nonJSONOutputIsAClearErrorAndKept() async throws {
        let result = try await SandboxTestSupport.run("print('hello, not json')")
        #expect(result.succeeded)
        #expect(result.stdout == "hello, not json\n")
        #expect(throws: SandboxError.self) { try result.jsonOutput() }
        do { _ = try result.jsonOutput() } catch {
            #expect("\(error)".contains("print exactly one JSON value"))
        }
    }

    @Test func failingSnippetKeepsPartialOutput() async throws {
        let result = try await SandboxTestSupport.run("import sys\nprint('partial')\nsys.stderr.write('boom\\n')\nsys.exit(3)")
        #expect(result.exitStatus == 3)
        #expect(result.stdout == "partial\n")
        #expect(result.stopReason == nil)
        #expect(throws: SandboxError.snippetFailed(exitStatus: 3, stderrTail: "boom")) { try result.jsonOutput() }
    }

    @Test func snippetThatIgnoresStdinStillRuns() async throws {
        // 1 MiB of input that is never read: the feeder gets EPIPE, and the host must not die of SIGPIPE.
        let big: JSONValue = .string(String(repeating: "x", count: 1 << 20))
        let result = try await SandboxTestSupport.run("print('{}')", input: big)
        #expect(try result.jsonOutput() == [:])
    }

    @Test func rejectsBadCodeBeforeSpawning() async throws {
        let runner = CodeRunner(limits: SandboxTestSupport.quick)
        await #expect(throws: SandboxError.codeTooLarge(bytes: 100_001, limit: 100_000)) {
            try await runner.run(String(repeating: "#", count: 100_001), language: .python)
        }
        await #expect(throws: SandboxError.codeContainsNUL) { try await runner.run("print(1)\0", language: .python) }
        var zero = SandboxTestSupport.quick
        zero.maxProcesses = 0
        await #expect(throws: SandboxError.invalidLimit(name: "maxProcesses")) {
            try await CodeRunner(limits: zero).run("pass", language: .python)
        }
    }

    @Test func cancellingTheTaskKillsTheSandbox() async throws {
        let token = SandboxTestSupport.token()
        // The snippet never ends by itself, so only the cancel (or the 600 s wall limit, which would
        // say .timeout) can stop it: the stop reason is the proof, no elapsed-time bound needed.
        let task = Task { try await SandboxTestSupport.run("import time  # \(token)\nwhile True: time.sleep(3600)") }
        var running = false
        let deadline = ContinuousClock.now + .seconds(300)  // a start-up on a saturated machine, checked every 0.1 s
        while !running && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            running = !SandboxTestSupport.hostProcesses(mentioning: token).isEmpty
        }
        #expect(running, "the snippet never started")
        task.cancel()
        let result = try await task.value
        #expect(result.stopReason == .cancelled)
        #expect(await SandboxTestSupport.leftoverProcesses(mentioning: token).isEmpty)
    }

    @Test func unsafeModeRunsWithoutIsolation() async throws {
        // The explicit opt-out: the host's filesystem is visible, limits still apply.
        let runner = CodeRunner(limits: SandboxTestSupport.quick, isolation: .unsafeNoSandbox)
        let result = try await runner.run("import json, os\nprint(json.dumps(os.path.exists('/work') or os.path.exists('/root')))",
                                          language: .python)
        #expect(try result.jsonOutput() == true)
        let slow = try await CodeRunner(limits: SandboxLimits(wallTimeout: .seconds(1)), isolation: .unsafeNoSandbox)
            .run("sleep infinity", language: .sh)  // never ends: only the timeout can stop it
        #expect(slow.stopReason == .timeout)
    }
}
