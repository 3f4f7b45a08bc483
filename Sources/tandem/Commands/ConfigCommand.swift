import Foundation
import TandemConfig
import TandemCore

/// `tandem config check [FILE]`: parse and validate a config file.
enum ConfigCommand: Command {
    static let name = "config"
    static let summary = "Check a tandem.yaml config file (parse, ${ENV} expansion, validation)"
    static let help = """
        usage: tandem config check [FILE] [--json]

        Parses FILE (default: tandem.yaml; JSON when it ends in .json) with libyaml, expands
        ${NAME} and ${NAME:-default} from the environment, and validates every key. Prints OK with
        a summary of models and roles, or every problem with its key path (exit 1). API keys are
        named by variable (api_key_env) and never printed.

        options:
          --json        print {"ok", "models", "roles", "errors"} as JSON

        examples:
          tandem config check
          tandem config check examples/tandem.yaml
        """

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        let json = arguments.flag("--json")
        guard arguments.positional() == "check" else { throw UsageError("the subcommand is `check`: tandem config check [FILE]") }
        let path = arguments.positional() ?? ConfigFileOption.defaultPath
        try arguments.finish()
        let loaded: Result<TandemConfiguration, ConfigError>
        do { loaded = .success(try TandemConfiguration.load(path: path)) } catch { loaded = .failure(error) }
        switch loaded {
        case .success(let config): report(config, path: path, json: json); return 0
        case .failure(let error): report(error, json: json); return 1
        }
    }

    private static func report(_ config: TandemConfiguration, path: String, json: Bool) {
        let roles = config.roles.keys.sorted()
        if json {
            let rolesJSON = JSONValue.object(roles.map { role in (role, .array((config.roles[role] ?? []).map { .string($0) })) })
            let models = JSONValue.array(config.models.map { ["name": .string($0.name), "backend": .string($0.backendName)] })
            print(JSONWriter.pretty(["ok": true, "models": models, "roles": rolesJSON,
                                     "receipt_examples": config.receiptExamplesPath.map { .string($0) } ?? .null, "errors": []]))
            return
        }
        print("OK \(path): \(config.models.count) model(s), \(roles.count) role(s), classifier threshold \(config.classifier.threshold), planner \(config.planner.enabled ? "on" : "off")")
        for model in config.models { print("  model \(model.name): \(model.backendName)") }
        for role in roles { print("  role \(role): \((config.roles[role] ?? []).joined(separator: " > "))") }
        if let examples = config.receiptExamplesPath {
            // Read when `tandem run` starts; said here so a typo shows before a long run.
            let found = FileManager.default.fileExists(atPath: examples)
            print("  receipt examples: \(examples)" + (found ? "" : " (not found: tandem run will stop)"))
        }
    }

    private static func report(_ error: ConfigError, json: Bool) {
        guard json else {
            FileHandle.standardError.write(Data("tandem config: \(error)\n".utf8))
            return
        }
        let lines = error.issues.isEmpty ? [error.description] : error.issues.map(\.description)
        print(JSONWriter.pretty(["ok": false, "errors": .array(lines.map { .string($0) })]))
    }
}
