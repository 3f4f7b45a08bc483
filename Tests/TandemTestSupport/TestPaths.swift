import Foundation
import TandemOrchestrator
import TandemWorkers

/// Paths shared by the test targets, found from this file (<root>/Tests/TandemTestSupport/...).
public enum TestPaths {
    /// The support target's fixtures (the chat template llama-server runs with).
    public static let fixtures = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")
    /// The package root.
    public static let packageRoot = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// The package root (the name the runtime and cloud tests use).
    public static var repositoryRoot: URL { packageRoot }
    /// `config/`: keyword rules and price tables.
    public static var config: String { packageRoot.appendingPathComponent("config").path }
    /// `examples/receipts`.
    public static var examples: URL { packageRoot.appendingPathComponent("examples/receipts") }
    /// `docs/`.
    public static var docs: URL { packageRoot.appendingPathComponent("docs") }

    /// The shared fixtures beside the checkout; a missing folder fails the test with a clear message.
    public static func fixture(_ name: String) throws -> URL {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures").appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw MissingPrerequisite("fixture \(url.path) is missing: the shared fixtures must sit at ../shared/fixtures beside the checkout")
        }
        return url
    }

    /// A file's UTF-8 text.
    public static func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }
}

/// A prerequisite of a test (a fixture, a tool) is missing: the test fails with what to do.
public struct MissingPrerequisite: Error, CustomStringConvertible {
    /// What is missing and how to get it.
    public let description: String
    /// An error saying `d`.
    public init(_ d: String) { description = d }
}

/// The standard registry (built-in local tools with the model off, built-in functions).
public func standardRegistry(model: (any LocalModelClient)? = nil, extra: [any Worker] = []) throws -> WorkerRegistry {
    var registry = StandardWorkers.registry(localModel: model, rules: try KeywordRuleBook(directory: TestPaths.config))
    for worker in extra { registry.register(worker) }
    return registry
}

/// A failure injected on purpose by a test's misbehaving worker or model.
public struct InjectedFault: Error, CustomStringConvertible {
    /// What failed.
    public let message: String
    /// `message`.
    public var description: String { message }
    /// A fault saying `message`.
    public init(message: String) { self.message = message }
}
