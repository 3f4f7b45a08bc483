import Foundation
import TandemCloud
import TandemConfig
import TandemOrchestrator
import TandemRuntime

/// A model of a role that was passed over, and why.
public struct SkippedModel: Sendable, Equatable, CustomStringConvertible {
    /// The model's name in the config.
    public var name: String
    /// Why it was not used (file missing, load error, not a local model).
    public var reason: String

    /// Creates a record.
    public init(name: String, reason: String) {
        self.name = name
        self.reason = reason
    }

    /// `NAME: REASON`.
    public var description: String { "\(name): \(reason)" }
}

/// The local model a role ended up with.
public struct LoadedLocalModel: Sendable {
    /// The model's name in the config.
    public var name: String
    /// Its settings.
    public var spec: LocalModelSpec
    /// Its place in the role's list, 0 for the first choice.
    public var position: Int
    /// How many models the role lists.
    public var candidates: Int
    /// The loaded model.
    public var client: any LocalModelClient
}

extension ModelRouter {
    /// Loads the first model of `role` that is local, whose file exists and that `load` accepts,
    /// going down the role's list past the others; `skipped` says why each was passed over.
    /// Nil when none loads. A missing file is checked here first so its reason names the path
    /// rather than a loader error.
    public func loadLocalModel(for role: String, skipped: inout [SkippedModel],
                               load: (LocalModelSpec) async throws -> any LocalModelClient) async -> LoadedLocalModel? {
        let specs = configuration.models(for: role)
        for (position, spec) in specs.enumerated() {
            guard case .local(let local) = spec.backend else {
                skipped.append(SkippedModel(name: spec.name, reason: "a remote model (\(spec.backendName)); local steps need a local GGUF model"))
                continue
            }
            guard FileManager.default.fileExists(atPath: local.path) else {
                skipped.append(SkippedModel(name: spec.name, reason: "model file not found: \(local.path)"))
                continue
            }
            do {
                let client = try await load(local)
                return LoadedLocalModel(name: spec.name, spec: local, position: position, candidates: specs.count, client: client)
            } catch {
                skipped.append(SkippedModel(name: spec.name, reason: "failed to load \(local.path): \(error)"))
            }
        }
        return nil
    }

    /// The loader `tandem run` uses: an engine on the spec's device and context, with `slots`
    /// sequences (the run's concurrency, so every record in flight has a slot), in one shared KV
    /// pool when asked (`EngineModelClient.init(modelPath:slots:backend:contextLength:sharedKVPool:)`).
    /// RPC servers (`rpc:`) must pass `egress` (`tandem run` is offline: loopback, or hosts in
    /// `allow_hosts:`).
    public static func engineLoader(slots: Int, sharedKVPool: Bool = false,
                                    egress: EgressPolicy = EgressPolicy(offline: true)) -> @Sendable (LocalModelSpec) async throws -> any LocalModelClient {
        { spec in
            try egress.checkTCP(endpoints: spec.rpc)
            return try EngineModelClient(modelPath: spec.path, slots: slots, backend: try Backend(parsing: spec.device),
                                         contextLength: spec.contextLength, sharedKVPool: sharedKVPool, rpcServers: spec.rpc)
        }
    }
}
