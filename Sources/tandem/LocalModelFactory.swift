import Foundation
import TandemCloud
import TandemConfig
import TandemCore
import TandemOrchestrator
import TandemPlanner
import TandemRuntime

/// The local model could not be loaded; the text says what was tried and what to do.
struct LocalModelLoadError: Error, CustomStringConvertible {
    let description: String
}

/// The local model `tandem run` (and `tandem ask` through it) uses, every call recorded in the
/// cost ledger: `-m PATH` when given; else the first model of the config's `primary` role that
/// loads, going down the list past missing files and load errors (each logged); else the
/// default model file.
func makeRunModelClient(explicitPath: String?, config: TandemConfiguration, configSource: String?,
                        slots: Int, sharedKVPool: Bool = false) async throws(LocalModelLoadError) -> any LocalModelClient {
    let client = try await loadRunModel(explicitPath: explicitPath, config: config, configSource: configSource, slots: slots,
                                        sharedKVPool: sharedKVPool)
    return LedgerRecordingModelClient(base: client, ledger: CostLedger())
}

/// The model file behind a client from `makeRunModelClient` (taught classifiers embed with it),
/// nil for a client that does not run a local GGUF file in this process.
func loadedModel(of client: any LocalModelClient) -> LlamaModel? {
    if let recording = client as? LedgerRecordingModelClient { return loadedModel(of: recording.base) }
    return (client as? EngineModelClient)?.engine.model
}

/// The pool behind a client from `makeRunModelClient`, nil when the model runs in this process.
func endpointPool(of client: any LocalModelClient) -> EndpointPool? {
    if let recording = client as? LedgerRecordingModelClient { return endpointPool(of: recording.base) }
    return client as? EndpointPool
}

private func loadRunModel(explicitPath: String?, config: TandemConfiguration, configSource: String?,
                          slots: Int, sharedKVPool: Bool) async throws(LocalModelLoadError) -> any LocalModelClient {
    let hint = "fetch it with `make models`, pass -m PATH, or run on the rule fallbacks with --no-local-model"
    let role = "primary"
    if explicitPath == nil, let first = config.models(for: role).first, case .remote(let remote) = first.backend {
        var member: InProcessMember?
        if let local = first.inProcess, case .local(let spec)? = config.model(named: local)?.backend {
            // A mixed pool: this process serves the model too, with the run's concurrency as its slots.
            do {
                let client = try await ModelRouter.engineLoader(slots: slots, sharedKVPool: sharedKVPool,
                                                                egress: config.egressPolicy(offline: true))(spec)
                member = InProcessMember(client, model: remote.model, slots: slots)
            } catch {
                throw LocalModelLoadError(description: "model '\(first.name)': its in_process model '\(local)' (\(spec.path)) could not be loaded: \(error)\n  \(hint)")
            }
        }
        return try await remotePool(name: first.name, remote, inProcess: member, egress: config.egressPolicy(offline: true),
                                    source: configSource ?? "the config")
    }
    if explicitPath == nil, !config.models(for: role).isEmpty {
        let source = configSource ?? "the config"
        var skipped: [SkippedModel] = []
        let loaded = await ModelRouter(configuration: config).loadLocalModel(for: role, skipped: &skipped,
                                                                            load: ModelRouter.engineLoader(slots: slots, sharedKVPool: sharedKVPool,
                                                                                                           egress: config.egressPolicy(offline: true)))
        for model in skipped { Log.warning("\(role) model '\(model.name)' skipped: \(model.reason)") }
        guard let loaded else {
            throw LocalModelLoadError(description: "no model of role \(role) in \(source) could be loaded ("
                + skipped.map(\.description).joined(separator: "; ") + ")\n  fix the paths in \(source), \(hint)")
        }
        FileHandle.standardError.write(Data(("tandem run: local model '\(loaded.name)' (\(loaded.spec.path)): role \(role), "
            + "choice \(loaded.position + 1) of \(loaded.candidates) in \(source)\n").utf8))
        return loaded.client
    }
    let path = explicitPath ?? RunCommand.defaultModel
    if !FileManager.default.fileExists(atPath: path) {
        throw LocalModelLoadError(description: "cannot load the local model: " + ModelManifest.missingHint(path)
            + "\n  or run on the rule fallbacks with --no-local-model")
    }
    do { return try EngineModelClient(modelPath: path, slots: slots, sharedKVPool: sharedKVPool) } catch {
        throw LocalModelLoadError(description: "cannot load the local model \(path): \(error)\n  \(hint)")
    }
}

/// The pool of OpenAI-compatible endpoints a remote `primary` model lists (`base_urls`, or its
/// `base_url`), health-checked before the run: an endpoint serving another model is refused, one
/// that does not answer starts out down, and the run needs at least one up. `tandem run` is an
/// offline command, so the endpoints must be on this machine (loopback) or on a private-network
/// host the config lists in `allow_hosts:`.
private func remotePool(name: String, _ config: CloudModelConfig, inProcess: InProcessMember?, egress: EgressPolicy,
                        source: String) async throws(LocalModelLoadError) -> any LocalModelClient {
    guard config.provider == .openai else {
        throw LocalModelLoadError(description: "model '\(name)' in \(source) is an Anthropic model: local-model steps need a local GGUF model or an openai-compatible server")
    }
    var key: APIKey?
    if let variable = config.apiKeyVariable {
        do { key = try APIKey(variable: variable) } catch {
            throw LocalModelLoadError(description: "model '\(name)' in \(source): \(error)")
        }
    }
    var clients: [any PoolMember] = inProcess.map { [$0] } ?? []
    for url in config.endpoints {
        do { try egress.check(url: url) } catch {
            throw LocalModelLoadError(description: "model '\(name)' in \(source): \(url): `tandem run` works offline, so its model endpoints must be on this machine (127.0.0.1, ::1 or localhost) or on a private-network host listed in allow_hosts:")
        }
        if let host = URL(string: url)?.host, egress.socketScope(host: host) == .privateNetwork {
            Log.info("offline: \(url) is allowed by allow_hosts (private-network addresses only)")
        }
        clients.append(RemoteModelClient(baseURL: url, model: config.model, timeout: config.timeout, key: key, egress: egress))
    }
    let pool = EndpointPool(clients, maxInFlight: config.maxInFlight)
    let refused = await pool.checkHealth()
    let status = await pool.status()
    guard status.contains(where: \.isUp) else {
        let reasons = status.map { "\($0.url): \($0.lastError ?? "down")" }.joined(separator: "; ")
        throw LocalModelLoadError(description: "model '\(name)' in \(source): no endpoint answered (\(reasons))")
    }
    for r in refused { Log.warning("\(r)") }
    FileHandle.standardError.write(Data(("tandem run: local model '\(name)' (\(config.model)) on \(status.filter(\.isUp).count) of \(status.count) endpoints, at most \(config.maxInFlight) calls in flight each"
        + (inProcess.map { " (in this process: \($0.capacity ?? 1))" } ?? "") + "\n").utf8))
    return pool
}
