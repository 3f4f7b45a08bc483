import Foundation
import TandemCloud
import TandemCore

/// Everything `tandem.yaml` configures, typed and validated.
///
/// See `docs/config.md` and `examples/tandem.yaml`. The older single-model form still works:
/// top-level `model: PATH.gguf` becomes the local model of every local role, and top-level
/// `cloud: {provider, model, ...}` (the `CloudModelConfig` object) becomes the planner.
public struct TandemConfiguration: Sendable, Equatable {
    /// The roles Tandem itself asks for; configs may add their own.
    public static let standardRoles = ["planner", "primary", "code_generation", "general", "classifier"]

    /// Every model, in file order (inline role entries are named `ROLE[i]`).
    public var models: [ModelSpec]
    /// Role → model names, best first.
    public var roles: [String: [String]]
    /// The query classifier's settings.
    public var classifier: ClassifierSettings
    /// Taught classifier files (`tandem teach`) by label set name, asked before the model by the
    /// labelling tools and the query classifier; empty when none are configured.
    public var classifiers: [String: TaughtClassifierSetting]
    /// The planner's settings.
    public var planner: PlannerSettings
    /// Directory of `*.keywords.json` label sets.
    public var keywordsDirectory: String
    /// Cloud price table file, nil for the built-in list prices.
    public var pricesPath: String?
    /// Labelled receipts (JSONL `{text, fields}`) whose company names and addresses correct
    /// `extract_receipt_fields`; nil when none.
    public var receiptExamplesPath: String?
    /// Refuse non-loopback connections (adds to `--offline` and `TANDEM_OFFLINE`).
    public var offline: Bool
    /// Private-network hosts that offline mode may reach besides loopback (`allow_hosts:`): pool
    /// endpoints and RPC servers on other machines of a private network.
    public var allowHosts: [String] = []
    /// The egress policy this config asks for: offline when `offline` (or `force`) says so, with
    /// `allow_hosts:` let through.
    public func egressPolicy(offline force: Bool = false) -> EgressPolicy {
        EgressPolicy(offline: offline || force, allowedHosts: Set(allowHosts))
    }
    /// MCP servers, as `tandem mcp` reads them (`{name: {command, args, env}}`); nil when none.
    public var mcpServers: JSONValue?

    /// A configuration with defaults: the small local model in every local role, no planner model.
    public init(models: [ModelSpec] = [], roles: [String: [String]] = [:], classifier: ClassifierSettings = ClassifierSettings(),
                planner: PlannerSettings = PlannerSettings(), keywordsDirectory: String = "config", pricesPath: String? = nil,
                offline: Bool = false, mcpServers: JSONValue? = nil, classifiers: [String: TaughtClassifierSetting] = [:]) {
        self.models = models
        self.roles = roles
        self.classifier = classifier
        self.classifiers = classifiers
        self.planner = planner
        self.keywordsDirectory = keywordsDirectory
        self.pricesPath = pricesPath
        self.offline = offline
        self.mcpServers = mcpServers
    }

    /// The model called `name`.
    public func model(named name: String) -> ModelSpec? { models.first { $0.name == name } }

    /// The models of `role`, best first (empty when the role is not configured).
    public func models(for role: String) -> [ModelSpec] { (roles[role] ?? []).compactMap(model(named:)) }

    /// Reads and validates a YAML (or `.json`) file, expanding `${ENV}` from `environment`.
    public static func load(path: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> TandemConfiguration {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return try parse(text: text, source: path, environment: environment)
    }

    /// Parses config text: JSON when `source` ends in `.json`, else YAML.
    public static func parse(text: String, source: String = "tandem.yaml",
                             environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> TandemConfiguration {
        let json: JSONValue
        if source.hasSuffix(".json") {
            do { json = try JSONParser.parse(text) } catch { throw .syntax(path: source, reason: "\(error)") }
        } else {
            do { json = try YAMLReader.parse(text) } catch { throw .syntax(path: source, reason: error.description) }
        }
        var issues: [ConfigIssue] = []
        let expanded = EnvironmentExpansion(environment: environment).expand(json, issues: &issues)
        var reader = ConfigurationReader(issues: issues)
        let config = reader.read(expanded)
        guard reader.issues.isEmpty else { throw .invalid(path: source, issues: reader.issues) }
        return config
    }
}

/// How requests are classified into task types.
public struct ClassifierSettings: Sendable, Equatable {
    /// The task-type labels; empty means the label set's labels.
    public var labels: [String]
    /// Keyword label set (`KEYWORDS_DIR/NAME.keywords.json`) used below the threshold.
    public var labelSet: String
    /// The model's answer is taken when its probability is at least this; else keywords decide.
    public var threshold: Double

    /// Settings with the defaults (`routing` label set, threshold 0.5).
    public init(labels: [String] = [], labelSet: String = "routing", threshold: Double = 0.5) {
        self.labels = labels
        self.labelSet = labelSet
        self.threshold = threshold
    }
}

/// One taught classifier of `classifiers:`: `LABEL_SET: FILE`, or `LABEL_SET: {path, threshold, method}`.
public struct TaughtClassifierSetting: Sendable, Equatable {
    /// The classifier file written by `tandem teach`.
    public var path: String
    /// Overrides the file's confidence threshold (answers under it go to the model, then keywords).
    public var threshold: Double?
    /// Overrides the method the file chose (knn, centroid, linear, fewshot, zeroshot, ensemble).
    public var method: String?

    /// The method names a classifier file can hold.
    public static let methods = ["knn", "centroid", "linear", "fewshot", "zeroshot", "ensemble"]

    /// Creates a setting.
    public init(path: String, threshold: Double? = nil, method: String? = nil) {
        self.path = path; self.threshold = threshold; self.method = method
    }
}

/// How plans are made from requests.
public struct PlannerSettings: Sendable, Equatable {
    /// Ask the planner model at all (false: always a predefined template).
    public var enabled: Bool
    /// Repair requests after an invalid plan (0...2).
    public var maxReasks: Int
    /// Directory of predefined plan templates (`*.json`).
    public var templatesDirectory: String

    /// Settings with the defaults (enabled, 2 re-asks, `examples/plans`).
    public init(enabled: Bool = true, maxReasks: Int = 2, templatesDirectory: String = "examples/plans") {
        self.enabled = enabled
        self.maxReasks = maxReasks
        self.templatesDirectory = templatesDirectory
    }
}
