import Foundation
import TandemCloud
import TandemConfig
import TandemCore

/// `tandem status`: every configured model, whether it can be used, and what it has cost.
enum StatusCommand: Command {
    static let name = "status"
    static let summary = "Show every configured model: backend, file/memory, reachability, requests, failures, cost"
    static let help = """
        usage: tandem status [--config FILE] [--json]

        Lists every model in the config with its roles. Local models: the file, its size (the
        memory it needs, roughly) and whether it exists; this command loads nothing, so "loaded" is
        always no. Remote models: reachable or not by a GET of base_url/v1/models (2 s timeout;
        skipped when offline), and requests, failures and cost from the cost ledger
        (~/.local/share/tandem/costs.jsonl or TANDEM_COST_LEDGER).

        options:
          --config FILE   config file (default: tandem.yaml when present, else built-in defaults)
          --json          print the table as JSON

        examples:
          tandem status
          tandem --offline status --config examples/tandem.yaml --json
        """

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        let configPath = try arguments.option("--config")
        let json = arguments.flag("--json")
        try arguments.finish()
        let (config, source) = try ConfigFileOption.load(configPath)
        let ledger = try? CostLedger.summarize(path: CostLedger.defaultPath())
        let offline = EgressPolicy.current.isOffline || config.offline
        var rows: [JSONValue] = []
        for model in config.models {
            let roles = config.roles.keys.sorted().filter { config.roles[$0]!.contains(model.name) }
            var row: [(String, JSONValue)] = [("name", .string(model.name)), ("backend", .string(model.backendName)),
                                              ("roles", .array(roles.map { .string($0) }))]
            switch model.backend {
            case .local(let local):
                let size = (try? FileManager.default.attributesOfItem(atPath: local.path)[.size] as? NSNumber)?.int64Value
                row += [("path", .string(local.path)), ("loaded", false), ("file_present", .bool(size != nil)),
                        ("memory_mb", size.map { .number(Double($0 / 1_048_576)) } ?? .null), ("device", .string(local.device))]
            case .remote(let cloud):
                let reachable: JSONValue = offline ? .string("skipped (offline)") : .bool(await isReachable(cloud))
                let totals = ledger?.models.first { $0.model == cloud.model }
                row += [("model", .string(cloud.model)), ("base_url", .string(cloud.baseURL)), ("reachable", reachable),
                        ("requests", .number(Double(totals?.requests ?? 0))), ("cost_usd", .number(totals?.costUSD ?? 0))]
            }
            rows.append(.object(row))
        }
        if json {
            print(JSONWriter.pretty(["config": source.map { .string($0) } ?? .null, "offline": .bool(offline), "models": .array(rows)]))
            return 0
        }
        print("config: \(source ?? "(none: built-in defaults)")\(offline ? "  [offline]" : "")")
        if rows.isEmpty { print("no models configured; see examples/tandem.yaml") }
        for row in rows {
            let fields = row.objectValue!.dropFirst().map { "\($0.0)=\(JSONWriter.compact($0.1))" }.joined(separator: " ")
            print("\(row["name"]!.stringValue!): \(fields)")
        }
        return 0
    }

    /// A cheap GET of the model list; any HTTP answer means the server is there.
    private static func isReachable(_ cloud: CloudModelConfig) async -> Bool {
        let client = CloudHTTPClient(retry: RetryPolicy(maxRetries: 0))
        let response = try? await client.send(HTTPRequest(method: "GET", url: cloud.endpoint("/v1/models"), timeout: .seconds(2)))
        return response != nil
    }
}
