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

    @Test func allowedHostsPassTheHostCheckButTheirSocketsReachOnlyPrivateAddresses() async throws {
        // TEST-NET-3, a public documentation address: listed by hand (the config reader would refuse
        // it), it passes the host check, and the socket check after DNS still refuses it, so no
        // packet leaves. Nothing here touches a network beyond the refused socket() call.
        let policy = EgressPolicy(offline: true, allowedHosts: ["203.0.113.9"])
        #expect(try policy.check(url: "http://203.0.113.9:9/v1") == "203.0.113.9")
        #expect(policy.socketScope(host: "203.0.113.9") == .privateNetwork)
        let client = CloudHTTPClient(retry: RetryPolicy(maxRetries: 0), egress: policy)
        do {
            _ = try await client.send(HTTPRequest(method: "GET", url: "http://203.0.113.9:9/v1/models", timeout: .seconds(60)))
            Issue.record("a public address was reached offline")
        } catch {
            guard case .offlineBlocked(let host) = error else { Issue.record("expected offlineBlocked, got \(error)"); return }
            #expect(host.contains("203.0.113.9") && host.contains("does not allow"), "\(host)")
        }
        // Loopback stays allowed with a list, and raw TCP endpoints follow the same rules.
        let server = try await FaultServer()
        let completion = try await faultClient(faultConfig(.openai, server.baseURL("ok")), egress: policy)
            .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer")
        #expect(completion.value["answer"] == "ok")
        try policy.checkTCP(endpoints: ["127.0.0.1:50052", "localhost:50052"])
        #expect(throws: CloudError.offlineBlocked(host: "10.9.9.9")) { try policy.checkTCP(endpoints: ["10.9.9.9:50052"]) }
        #expect(throws: CloudError.self) { try policy.checkTCP(endpoints: ["203.0.113.10:50052"]) }
    }

    @Test func privateAddressLiterals() {
        for host in ["10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.0.5", "127.0.0.1", "::1", "fd00::1",
                     "[fc00::2]", "fe80::1"] {
            #expect(EgressPolicy.isPrivateAddress(literal: host) == true, "\(host)")
        }
        for host in ["8.8.8.8", "172.32.0.1", "172.15.0.1", "192.169.0.1", "11.0.0.1", "2001:4860::8888", "::ffff:8.8.8.8"] {
            #expect(EgressPolicy.isPrivateAddress(literal: host) == false, "\(host)")
        }
        #expect(EgressPolicy.isPrivateAddress(literal: "gpu-box.lan") == nil)
    }

    private func cloudErrorSync(_ body: () throws -> some Any) -> CloudError? {
        do { _ = try body(); return nil } catch let error as CloudError { return error } catch { return nil }
    }
}
