import Foundation
import Testing
import TandemCloud
import TandemCore
import TandemTestSupport

/// Offline mode refuses non-loopback hosts before any connection and still allows loopback.
@Suite(.timeLimit(.minutes(20)))  // a hang guard only: seconds when quiet
struct OfflineModeTests {
    @Test(arguments: CloudProvider.allCases)
    func nonLoopbackHostIsRefusedBeforeConnecting(provider: CloudProvider) async throws {
        let config = CloudModelConfig(provider: provider, model: "m", baseURL: "https://api.example.invalid", apiKeyVariable: .some(nil))
        let error = await cloudError { try await faultClient(config, egress: EgressPolicy(offline: true))
            .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer") }
        // A DNS lookup of a .invalid name would fail with a resolve error instead; this one never got
        // that far (the error is the proof, not the elapsed time, which a loaded machine stretches).
        #expect(error == .offlineBlocked(host: "api.example.invalid"))
        #expect(error?.description.contains("api.example.invalid") == true)
        #expect(error?.description.contains("TANDEM_OFFLINE") == true)
    }

    @Test func processWideSwitchAppliesToPermissivePolicies() throws {
        EgressPolicy.setProcessOffline(true)
        defer { EgressPolicy.setProcessOffline(false) }
        #expect(EgressPolicy().isOffline)
        #expect(throws: CloudError.offlineBlocked(host: "10.1.2.3")) { try EgressPolicy().check(url: "http://10.1.2.3:8080/v1") }
        #expect(try EgressPolicy().check(url: "http://127.0.0.1:8080/v1") == "127.0.0.1")
    }

    @Test func loopbackStillWorksOffline() async throws {
        let server = try await FaultServer()
        for host in ["127.0.0.1", "localhost"] {
            let base = server.baseURL("ok").replacingOccurrences(of: "127.0.0.1", with: host)
            let completion = try await faultClient(faultConfig(.openai, base), egress: EgressPolicy(offline: true))
                .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer")
            #expect(completion.value["answer"] == "ok")
        }
    }

    @Test func loopbackRecognition() {
        for host in ["127.0.0.1", "127.255.0.9", "localhost", "LOCALHOST", "::1", "[::1]", "0:0:0:0:0:0:0:1"] {
            #expect(EgressPolicy.isLoopback(host: host), "\(host)")
        }
        for host in ["api.openai.com", "10.0.0.1", "128.0.0.1", "127.0.0", "127.0.0.1.example.com", "2130706433",
                     "::ffff:127.0.0.1", "localhost.example.com", "evil.localhost", "", "127.0.0.256"] {
            #expect(!EgressPolicy.isLoopback(host: host), "\(host)")
        }
    }

    @Test func hostIsReadTheWayCurlReadsIt() throws {
        let offline = EgressPolicy(offline: true)
        // Userinfo tricks name the real host after the @.
        #expect(throws: CloudError.offlineBlocked(host: "api.example.invalid")) {
            try offline.check(url: "http://127.0.0.1:80@api.example.invalid/v1")
        }
        #expect(try offline.check(url: "http://user:pass@127.0.0.1:9/v1") == "127.0.0.1")
        #expect(try offline.check(url: "http://[::1]:8080/") == "::1")
        guard case .invalidURL = try #require(cloudErrorSync { try offline.check(url: "file:///etc/passwd") }) else {
            Issue.record("file: URLs must be refused"); return
        }
    }

    private func cloudErrorSync(_ body: () throws -> some Any) -> CloudError? {
        do { _ = try body(); return nil } catch let error as CloudError { return error } catch { return nil }
    }
}
