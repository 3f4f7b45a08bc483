import Foundation
import TandemCloud
import TandemConfig

/// Picks models for a role from the config: the planning client (remote models, with fallback
/// down the list) and the local GGUF model (the first whose file exists).
public struct ModelRouter: Sendable {
    /// The configuration.
    public let configuration: TandemConfiguration
    /// Counters and circuit breakers shared by the clients this router makes.
    public let board: ModelHealthBoard

    /// A router over `configuration`.
    public init(configuration: TandemConfiguration, board: ModelHealthBoard = ModelHealthBoard()) {
        self.configuration = configuration
        self.board = board
    }

    /// The planning client for `role`: its remote models whose key variables are set, in order.
    /// Nil when none is usable; `skipped` says why each was left out.
    public func planningClient(for role: String = "planner", ledger: CostLedger? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               skipped: inout [String]) -> FallbackPlanningClient? {
        var clients: [(name: String, client: any PlanningModelClient)] = []
        for spec in configuration.models(for: role) {
            guard case .remote(let cloud) = spec.backend else {
                skipped.append("\(spec.name): local models cannot plan yet (remote only)")
                continue
            }
            do {
                clients.append((spec.name, try PlanningModelClients.make(config: cloud, ledger: ledger,
                                                                         egress: configuration.egressPolicy(),
                                                                         environment: environment)))
            } catch { skipped.append("\(spec.name): \(error)") }
        }
        return clients.isEmpty ? nil : FallbackPlanningClient(models: clients, board: board)
    }

    /// The first local model of `role` whose file exists (nil when none).
    public func localModel(for role: String) -> (name: String, spec: LocalModelSpec)? {
        for spec in configuration.models(for: role) {
            if case .local(let local) = spec.backend, FileManager.default.fileExists(atPath: local.path) { return (spec.name, local) }
        }
        return nil
    }
}
