import TandemCloud
import TandemCore

/// A role's planning models as one client: each request goes to the first model whose circuit is
/// closed, and down the list when it fails.
public struct FallbackPlanningClient: PlanningModelClient {
    /// The models, best first, by config name.
    public let models: [(name: String, client: any PlanningModelClient)]
    /// Shared counters and circuit breakers.
    public let board: ModelHealthBoard

    /// A client over `models` (best first).
    public init(models: [(name: String, client: any PlanningModelClient)], board: ModelHealthBoard) {
        self.models = models
        self.board = board
    }

    /// Tries each available model in order; throws the last error when all fail or are open.
    public func completeJSON(system: String, user: String, schema: JSONValue, schemaName: String) async throws -> CloudCompletion {
        var failures: [String] = []
        for (name, client) in models {
            if await board.isOpen(name) { failures.append("\(name): skipped (circuit open after repeated failures)"); continue }
            do {
                let completion = try await client.completeJSON(system: system, user: user, schema: schema, schemaName: schemaName)
                await board.recordSuccess(name, costUSD: completion.costUSD)
                return completion
            } catch {
                await board.recordFailure(name)
                failures.append("\(name): \(error)")
                Log.warning("planner model \(name) failed; trying the next one: \(error)")
            }
        }
        throw FallbackExhausted(failures: failures)
    }
}

/// Every model of a role failed or was skipped.
public struct FallbackExhausted: Error, Sendable, CustomStringConvertible {
    /// One line per model.
    public var failures: [String]

    /// The failures, and what to check.
    public var description: String {
        "every planner model failed (\(failures.joined(separator: "; "))); check `tandem status` and the roles in tandem.yaml"
    }
}
