import Foundation
import TandemCloud
import TandemConfig
import TandemCore
import TandemPlanner

/// `tandem status`: every configured model, whether it can be used, and what it has cost.
enum StatusCommand: Command {
    static let name = "status"
    static let summary = "Show every configured model: backend, loaded/memory, reachability, requests, failures, cost"
    static let help = """
        usage: tandem status [--config FILE] [--load] [--ledger FILE] [--json]

        Lists every model in the config with its roles.

        Local models, by default (cheap: nothing is loaded): the file, whether it exists, and its
        size as a rough memory figure; "loaded" is null ("not checked"). With --load each local
        model is loaded for real on its configured device (one at a time, freed after): loaded
        true/false with the error when not, the backend and device actually used, the layers
        offloaded to a GPU, memory = the bytes of its tensors as llama.cpp counts them, and the
        load time.

        Remote models: reachable or not by a GET of base_url/v1/models (2 s timeout; skipped when
        offline), and each endpoint of a pool (base_urls) the same way (loopback ones and hosts
        in allow_hosts even offline), with the calls it answered from the ledger. Requests,
        failures and cost of every model come from the cost ledger, where `tandem run` and
        `tandem ask` also record each local model call (provider "local", matched by the GGUF
        file name, $0; a pool's calls name the endpoint that answered). A run's summary shows
        each endpoint's failures and p50 latency.

        options:
          --config FILE   config file (default: tandem.yaml when present, else built-in defaults)
          --load          load each local model and report what loading showed (slower)
          --ledger FILE   the cost ledger (default: $TANDEM_COST_LEDGER, else
                          ${XDG_CACHE_HOME:-~/.cache}/tandem/cost-ledger.jsonl)
          --json          print the table as JSON

        examples:
          tandem status
          tandem status --load --config examples/tandem.yaml
          tandem --offline status --config examples/tandem.yaml --json
        """

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        let configPath = try arguments.option("--config")
        let load = arguments.flag("--load")
        let ledgerPath = try arguments.option("--ledger") ?? CostLedger.defaultPath()
        let json = arguments.flag("--json")
        try arguments.finish()
        let (config, source) = try ConfigFileOption.load(configPath)
        let ledger = try? CostLedger.summarize(path: ledgerPath)
        let offline = EgressPolicy.current.isOffline || config.offline
        var rows: [JSONValue] = []
        for model in config.models {
            let roles = config.roles.keys.sorted().filter { config.roles[$0]!.contains(model.name) }
            var row: [(String, JSONValue)] = [("name", .string(model.name)), ("backend", .string(model.backendName)),
                                              ("roles", .array(roles.map { .string($0) }))]
            switch model.backend {
            case .local(let local):
                row += localFields(local, load: load, egress: config.egressPolicy())
                row += ledgerFields(ledger?.totals(for: URL(fileURLWithPath: local.path).lastPathComponent))
            case .remote(let cloud):
                let reachable: JSONValue = offline ? .string("skipped (offline)") : .bool(await isReachable(cloud.baseURL))
                row += [("model", .string(cloud.model)), ("base_url", .string(cloud.baseURL)), ("reachable", reachable)]
                if !cloud.baseURLs.isEmpty {
                    // A pool (`base_urls`): each endpoint on its own; loopback ones are checked even offline.
                    var endpoints: [JSONValue] = []
                    for url in cloud.baseURLs {
                        let local = (try? config.egressPolicy(offline: true).check(url: url)) != nil
                        let up: JSONValue = offline && !local ? .string("skipped (offline)") : .bool(await isReachable(url))
                        let answered = ledger?.totals(forEndpoint: url)
                        endpoints.append(["url": .string(url), "reachable": up,
                                          "requests": .number(Double(answered?.requests ?? 0))])
                    }
                    row.append(("endpoints", .array(endpoints)))
                }
                row += ledgerFields(ledger?.totals(for: cloud.model))
            }
            rows.append(.object(row))
        }
        if json {
            print(JSONWriter.pretty(["config": source.map { .string($0) } ?? .null, "offline": .bool(offline), "load": .bool(load),
                                     "ledger": .string(ledgerPath), "models": .array(rows)]))
            return 0
        }
        print("config: \(source ?? "(none: built-in defaults)")\(offline ? "  [offline]" : "")")
        print(load ? "local models: loaded for real (--load): memory = tensor bytes"
                   : "local models: not loaded (cheap check: memory = file size); --load loads each one")
        if rows.isEmpty { print("no models configured; see examples/tandem.yaml") }
        for row in rows {
            let fields = row.objectValue!.dropFirst().compactMap { key, value -> String? in
                if key == "loaded", value.isNull { return "loaded=not-checked" }
                return value.isNull ? nil : "\(key)=\(JSONWriter.compact(value))"
            }
            print("\(row["name"]!.stringValue!): \(fields.joined(separator: " "))")
        }
        return 0
    }

    /// The file check, plus what loading showed when `load` is set.
    private static func localFields(_ local: LocalModelSpec, load: Bool, egress: EgressPolicy) -> [(String, JSONValue)] {
        let size = (try? FileManager.default.attributesOfItem(atPath: local.path)[.size] as? NSNumber)?.int64Value
        let common: [(String, JSONValue)] = [("path", .string(local.path)), ("file_present", .bool(size != nil)),
                                             ("device", .string(local.device))]
            + (local.rpc.isEmpty ? [] : [("rpc", .array(local.rpc.map(JSONValue.string)))])
        guard load else {
            return common + [("loaded", .null), ("memory_mb", size.map { .number(Double($0 / 1_048_576)) } ?? .null),
                             ("memory_source", .string("file size (not loaded)"))]
        }
        let probe = LocalModelProbe.probe(local, egress: egress)
        return common + probe.fields + [("memory_source", probe.loaded ? .string("llama_model_size") : .null)]
    }

    /// Requests, failures and dollars from the ledger (zeros when it never saw the model).
    private static func ledgerFields(_ totals: ModelCostTotals?) -> [(String, JSONValue)] {
        [("requests", .number(Double(totals?.requests ?? 0))), ("failures", .number(Double(totals?.failures ?? 0))),
         ("cost_usd", .number(totals?.costUSD ?? 0))]
    }

    /// A cheap GET of the model list; any HTTP answer means the server is there.
    private static func isReachable(_ root: String) async -> Bool {
        let client = CloudHTTPClient(retry: RetryPolicy(maxRetries: 0))
        let response = try? await client.send(HTTPRequest(method: "GET", url: CloudModelConfig.url(root, "/v1/models"), timeout: .seconds(2)))
        return response != nil
    }
}
