import Foundation
import Testing
import TandemCore
import TandemMCP

/// The client against a server that misbehaves on purpose: every fault gives a clear error, fast,
/// and tandem lives.
@Suite struct MCPFaultTests {
    @Test func malformedJSONBreaksTheConnectionWithAClearError() async throws {
        let client = try await MCPTestSupport.started(try MCPTestSupport.fixture("garbage"))
        await #expect(throws: MCPError.malformedMessage(server: "fixture", excerpt: "this is not json")) {
            try await client.callTool("echo", arguments: ["text": "hi"])
        }
        #expect(!(await client.isAlive))
        await #expect(throws: MCPError.self) { try await client.listTools() }  // stays broken until restarted
        await client.shutdown()
    }

    @Test func responseWithAnUnknownIDIsRejected() async throws {
        // The error itself is the proof: a response left to the timeout would throw .timeout instead.
        let client = try await MCPTestSupport.started(try MCPTestSupport.fixture("wrong-id"))
        do {
            _ = try await client.callTool("echo")
            Issue.record("a response with the wrong id was accepted")
        } catch {
            guard case .unexpectedResponseID(let server, let id) = error else { Issue.record("\(error)"); return }
            #expect(server == "fixture" && Int(id)! > 1000)
        }
        await client.shutdown()
    }

    @Test func serverExitMidCallReportsStatusAndStderr() async throws {
        let client = try await MCPTestSupport.started(try MCPTestSupport.fixture("crash"))
        do {
            _ = try await client.callTool("echo")
            Issue.record("a crash was not reported")
        } catch {
            guard case .serverExited(_, let status, let tail) = error else { Issue.record("\(error)"); return }
            #expect(status == 3)
            #expect(tail.contains("crashing on purpose"))
            #expect(error.description.contains("exited with status 3"))
        }
        await client.shutdown()
    }

    @Test func timeoutSendsCancelledNotification() async throws {
        let client = try await MCPTestSupport.started(try MCPTestSupport.fixture("silent"))
        // `silent` never answers, so only the 500 ms timeout can end the call (the config's own is 600 s).
        await #expect(throws: MCPError.timeout(server: "fixture", method: "tools/call", after: .milliseconds(500))) {
            try await client.callTool("echo", timeout: .milliseconds(500))
        }
        // The server saw the cancellation (it reports it on stderr, which the client captures).
        #expect(await MCPTestSupport.eventually { await client.recentStderr.contains { $0.contains("cancelled 2 (timed out)") } })
        #expect(await client.isAlive)  // a slow tool does not break the connection
        await client.shutdown()
    }

    @Test func taskCancellationSendsCancelledNotification() async throws {
        let client = try await MCPTestSupport.started(try MCPTestSupport.fixture("silent"))
        let call = Task { try await client.callTool("echo") }
        try await Task.sleep(for: .milliseconds(300))
        call.cancel()
        await #expect(throws: MCPError.cancelled(server: "fixture", method: "tools/call")) { try await call.value }
        #expect(await MCPTestSupport.eventually { await client.recentStderr.contains { $0.contains("(cancelled by the caller)") } })
        await client.shutdown()
    }

    @Test func oversizeMessageIsRefused() async throws {
        let config = try MCPTestSupport.fixture("huge", String(4 << 20), maxMessageBytes: 1 << 20)
        let client = try await MCPTestSupport.started(config)
        await #expect(throws: MCPError.messageTooLarge(server: "fixture", limit: 1 << 20)) {
            try await client.callTool("echo")
        }
        await client.shutdown()
    }

    @Test func largeMessageUnderTheCapIsRead() async throws {
        let client = try await MCPTestSupport.started(try MCPTestSupport.fixture("huge", String(2 << 20)))
        let result = try await client.callTool("echo")
        #expect(result.text.first?.utf8.count == 2 << 20)
        await client.shutdown()
    }

    @Test func unsupportedProtocolVersionIsRefusedAndOlderOneAccepted() async throws {
        await #expect(throws: MCPError.unsupportedProtocolVersion(server: "fixture", offered: "1999-01-01",
                                                                 supported: MCPProtocolVersion.supported)) {
            try await MCPTestSupport.started(try MCPTestSupport.fixture("version", "1999-01-01"))
        }
        let older = try await MCPTestSupport.started(try MCPTestSupport.fixture("version", "2025-06-18"))
        #expect(await older.protocolVersion == "2025-06-18")
        #expect(try await older.callTool("echo", arguments: ["text": "a"]).structuredContent == ["echo": ["text": "a"]])
        await older.shutdown()
    }

    @Test func stderrIsCapturedAndPingAnswered() async throws {
        let chatty = try await MCPTestSupport.started(try MCPTestSupport.fixture("chatty"))
        _ = try await chatty.callTool("echo")
        #expect(await MCPTestSupport.eventually {
            let lines = await chatty.recentStderr
            return lines.contains("fixture: starting up") && lines.contains("fixture: working on call 2")
        })
        await chatty.shutdown()
        let pinging = try await MCPTestSupport.started(try MCPTestSupport.fixture("ping"))
        let result = try await pinging.callTool("echo", arguments: ["text": "after ping"])
        #expect(result.structuredContent == ["echo": ["text": "after ping"]])
        await pinging.shutdown()
    }

    @Test func concurrentStartsShareOneServer() async throws {
        let startLog = MCPTestSupport.freshMarker()
        defer { try? FileManager.default.removeItem(atPath: startLog) }
        var config = try MCPTestSupport.fixture("ok")
        config.env = ["FIXTURE_START_LOG": startLog]
        let client = MCPClient(config: config)
        async let first: Void = client.start()
        async let second: Void = client.start()
        _ = try await (first, second)
        #expect(try await client.callTool("echo", arguments: ["text": "once"]).structuredContent == ["echo": ["text": "once"]])
        #expect((try String(contentsOfFile: startLog, encoding: .utf8)).split(separator: "\n").count == 1)
        await client.shutdown()
    }

    @Test func missingCommandIsASpawnError() async throws {
        let config = MCPServerConfig(name: "ghost", command: ["tandem-no-such-server-binary"])
        do {
            _ = try await MCPTestSupport.started(config)
            Issue.record("started a server that does not exist")
        } catch let error as MCPError {
            guard case .spawnFailed(let server, _, let detail) = error else { Issue.record("\(error)"); return }
            #expect(server == "ghost" && detail.contains("not an executable file or on PATH"))
        }
    }

    @Test func serverEnvironmentDoesNotLeakSecrets() throws {
        let config = MCPServerConfig(name: "env", command: ["true"], env: ["TZ": "UTC"])
        let environment = config.environment(from: ["PATH": "/usr/bin", "OPENAI_API_KEY": "sk-secret", "HOME": "/root"])
        #expect(environment == ["PATH": "/usr/bin", "HOME": "/root", "TZ": "UTC"])
    }
}
