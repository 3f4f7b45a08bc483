import Foundation
import Testing
import TandemCloud
import TandemConfig
import TandemCore

private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Test func exampleConfigValidatesWithRolesInOrder() throws {
    let config = try TandemConfiguration.load(path: repositoryRoot.appendingPathComponent("examples/tandem.yaml").path, environment: [:])
    #expect(config.roles["planner"] == ["gpt", "claude", "local-server"])
    #expect(config.models(for: "primary").map(\.name) == ["smollm"])
    #expect(config.model(named: "local-server")?.backendName == "openai-compatible")
    #expect(config.classifier.threshold == 0.5)
    #expect(config.planner.maxReasks == 2)
    guard case .remote(let gpt)? = config.model(named: "gpt")?.backend else { Issue.record("gpt is not remote"); return }
    #expect(gpt.apiKeyVariable == "OPENAI_API_KEY")
}

@Test func environmentExpansionUsesValuesDefaultsAndNamesMissingVariables() throws {
    let text = """
        models:
          m: {backend: local, path: "${DIR}/model.gguf"}
        keywords_dir: ${KW:-config}
        """
    let config = try TandemConfiguration.parse(text: text, environment: ["DIR": "/opt/models"])
    guard case .local(let local)? = config.model(named: "m")?.backend else { Issue.record("m is not local"); return }
    #expect(local.path == "/opt/models/model.gguf")
    #expect(config.keywordsDirectory == "config")
    #expect {
        _ = try TandemConfiguration.parse(text: text, environment: [:])
    } throws: { error in
        (error as? ConfigError)?.issues.contains { $0.path == "models.m.path" && $0.message.contains("DIR") } ?? false
    }
}

@Test func everyProblemIsReportedWithItsKeyPath() {
    let text = """
        models:
          planner-a: {backend: openai, model: gpt-4o-mini}
        roles:
          planner:
            - planner-a
            - {backend: openai-compatible, model: x, base_url: "not a url"}
            - missing
        classifier: {threshold: 1.5}
        planner: {max_reasks: 7}
        colour: blue
        """
    do {
        _ = try TandemConfiguration.parse(text: text, environment: [:])
        Issue.record("an invalid config was accepted")
    } catch {
        let paths = Set(error.issues.map(\.path))
        #expect(paths.isSuperset(of: ["roles.planner[1].base_url", "roles.planner[2]", "classifier.threshold",
                                      "planner.max_reasks", "colour"]))
        #expect(error.description.contains("roles.planner[1].base_url: expected a URL"))
    }
}

@Test func singleModelConfigStillWorks() throws {
    let config = try TandemConfiguration.parse(text: """
        model: models/SmolLM2-135M-Instruct.Q4_1.gguf
        cloud: {provider: openai, model: gpt-4o-mini, base_url: "http://127.0.0.1:9", api_key_env: null}
        """, environment: [:])
    #expect(config.roles["primary"] == ["local"])
    #expect(config.roles["classifier"] == ["local"])
    #expect(config.roles["planner"] == ["cloud"])
}

@Test func jsonConfigIsAccepted() throws {
    let config = try TandemConfiguration.parse(
        text: #"{"models": {"m": {"backend": "local", "path": "a.gguf"}}, "offline": true}"#, source: "t.json", environment: [:])
    #expect(config.offline)
    #expect(config.roles["general"] == ["m"])
}

@Test func unreadableAndMalformedFilesSayWhat() {
    #expect(throws: ConfigError.self) { _ = try TandemConfiguration.load(path: "/nonexistent/tandem.yaml") }
    #expect(throws: ConfigError.self) { _ = try TandemConfiguration.parse(text: "a: [1,", environment: [:]) }
}

@Test func taughtClassifiersAreReadByLabelSetWithOverrides() throws {
    let text = """
        classifiers:
          line_items: classifiers/items.tandem
          intents: {path: classifiers/intents.tandem, threshold: 0.6, method: knn}
        """
    let config = try TandemConfiguration.parse(text: text, environment: [:])
    #expect(config.classifiers["line_items"] == TaughtClassifierSetting(path: "classifiers/items.tandem"))
    #expect(config.classifiers["intents"] == TaughtClassifierSetting(path: "classifiers/intents.tandem", threshold: 0.6, method: "knn"))
    #expect(try TandemConfiguration.parse(text: "version: 1", environment: [:]).classifiers.isEmpty)
}

@Test func badTaughtClassifierEntriesNameTheirKeyPath() {
    let text = """
        classifiers:
          a: 3
          b: {threshold: 2, method: svm, colour: red}
          c: ""
          d: {path: x.tandem, threshold: -1}
        """
    do {
        _ = try TandemConfiguration.parse(text: text, environment: [:])
        Issue.record("bad classifiers were accepted")
    } catch {
        let paths = Set(error.issues.map(\.path))
        for expected in ["classifiers.a", "classifiers.b.path", "classifiers.b.threshold", "classifiers.b.method", "classifiers.b.colour",
                         "classifiers.c", "classifiers.d.threshold"] {
            #expect(paths.contains(expected), "no issue at \(expected): \(error.issues)")
        }
    }
    #expect(throws: ConfigError.self) { try TandemConfiguration.parse(text: "classifiers: [a, b]", environment: [:]) }
}

@Test func receiptExamplesAreReadAndAWrongTypeNamesTheKey() throws {
    let config = try TandemConfiguration.parse(text: "receipt_examples: ${DIR}/receipts.jsonl\n", environment: ["DIR": "/data"])
    #expect(config.receiptExamplesPath == "/data/receipts.jsonl")
    #expect(try TandemConfiguration.parse(text: "offline: false\n", environment: [:]).receiptExamplesPath == nil)
    #expect {
        _ = try TandemConfiguration.parse(text: "receipt_examples: [a, b]\n", environment: [:])
    } throws: { error in
        (error as? ConfigError)?.issues.contains { $0.path == "receipt_examples" } ?? false
    }
}

@Test func allowHostsAndRPCEndpointsAreReadAndCheckedWithTheirKeyPaths() throws {
    let text = """
        offline: true
        allow_hosts: [gpu-box.lan, 10.0.0.7, "fd00::2"]
        models:
          big: {path: models/big.gguf, rpc: ["10.0.0.7:50052", "gpu-box.lan:50052"]}
        """
    let config = try TandemConfiguration.parse(text: text, environment: [:])
    #expect(config.allowHosts == ["gpu-box.lan", "10.0.0.7", "fd00::2"])
    guard case .local(let big) = try #require(config.model(named: "big")).backend else { Issue.record("expected a local model"); return }
    #expect(big.rpc == ["10.0.0.7:50052", "gpu-box.lan:50052"])
    let policy = config.egressPolicy()
    #expect(policy.isOffline)
    #expect(try policy.check(url: "http://10.0.0.7:8080/v1") == "10.0.0.7")
    #expect(try policy.check(url: "http://GPU-BOX.lan:8080/v1") == "gpu-box.lan")
    #expect(throws: CloudError.offlineBlocked(host: "10.0.0.8")) { try policy.check(url: "http://10.0.0.8:8080/v1") }
    #expect(policy.socketScope(host: "gpu-box.lan") == .privateNetwork)
    #expect(policy.socketScope(host: "127.0.0.1") == .loopback)
    #expect(policy.socketScope(host: "elsewhere.lan") == .loopback)
    #expect(TandemConfiguration().egressPolicy().socketScope(host: "api.example.com") == (EgressPolicy.current.isOffline ? .loopback : .any))

    let bad = """
        allow_hosts: [8.8.8.8, "10.0.0.7:8080", "http://gpu-box.lan", "2001:4860::8888", ""]
        models:
          big: {path: models/big.gguf, rpc: ["10.0.0.7", "host:0", 5]}
        """
    do {
        _ = try TandemConfiguration.parse(text: bad, environment: [:])
        Issue.record("public hosts and malformed endpoints were accepted")
    } catch {
        let paths = Set(error.issues.map(\.path))
        #expect(paths == ["allow_hosts[0]", "allow_hosts[1]", "allow_hosts[2]", "allow_hosts[3]", "allow_hosts[4]",
                          "models.big.rpc[0]", "models.big.rpc[1]", "models.big.rpc[2]"], "\(error)")
        #expect(error.description.contains("8.8.8.8 is a public address"))
    }
}
