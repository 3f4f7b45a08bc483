import TandemCloud
import TandemCore

/// Turns the expanded config JSON into a `TandemConfiguration`, collecting every issue with its
/// key path instead of stopping at the first.
struct ConfigurationReader {
    var issues: [ConfigIssue]
    private static let topKeys: Set<String> = ["version", "models", "roles", "classifier", "classifiers", "planner", "keywords_dir",
                                               "prices", "offline", "allow_hosts", "mcp_servers", "model", "cloud", "receipt_examples"]

    init(issues: [ConfigIssue]) { self.issues = issues }

    mutating func read(_ root: JSONValue) -> TandemConfiguration {
        var config = TandemConfiguration()
        guard let top = root.objectValue else {
            if !root.isNull { issue("", "expected a mapping of settings at the top level, found \(root.typeName)") }
            return Self.withDefaultRoles(config)
        }
        for (key, _) in top where !Self.topKeys.contains(key) {
            issue(key, "unknown setting; known: \(Self.topKeys.sorted().joined(separator: ", "))")
        }
        if let v = root["version"], v.intValue != 1 { issue("version", "expected 1") }
        if let models = root["models"] {
            guard let pairs = models.objectValue else { issue("models", "expected a mapping NAME: {backend, ...}"); return config }
            for (name, value) in pairs {
                if let spec = modelSpec(value, name: name, path: "models." + name) { config.models.append(spec) }
            }
        }
        // The single-model form of older configs.
        if let path = root["model"] {
            if let s = path.stringValue { config.models.append(ModelSpec(name: "local", backend: .local(LocalModelSpec(path: s)))) }
            else { issue("model", "expected the path of a .gguf file") }
        }
        if let cloud = root["cloud"], let spec = remoteSpec(cloud, provider: cloud["provider"]?.stringValue ?? "", path: "cloud") {
            config.models.append(ModelSpec(name: "cloud", backend: .remote(spec)))
        }
        for (i, spec) in config.models.enumerated() {
            guard let local = spec.inProcess else { continue }
            guard let target = config.model(named: local), !target.isRemote else {
                issue("models.\(spec.name).in_process", "no local model named '\(local)' (in_process names a backend: local entry under models:)")
                config.models[i].inProcess = nil
                continue
            }
        }
        if let roles = root["roles"] {
            guard let pairs = roles.objectValue else { issue("roles", "expected a mapping ROLE: [model names]"); return config }
            for (role, value) in pairs {
                let entries = value.arrayValue ?? (value.stringValue != nil ? [value] : nil)
                guard let entries else { issue("roles." + role, "expected a list of model names or model entries"); continue }
                var names: [String] = []
                for (i, entry) in entries.enumerated() {
                    let path = "roles.\(role)[\(i)]"
                    if let name = entry.stringValue {
                        if config.model(named: name) == nil {
                            issue(path, "no model named '\(name)'; define it under models: (known: \(config.models.map(\.name).joined(separator: ", ")))")
                        }
                        names.append(name)
                    } else if entry.objectValue != nil, let spec = modelSpec(entry, name: "\(role)[\(i)]", path: path) {
                        config.models.append(spec)
                        names.append(spec.name)
                    } else if entry.objectValue == nil {
                        issue(path, "expected a model name or a model entry {backend, ...}")
                    }
                }
                config.roles[role] = names
            }
        }
        config = Self.withDefaultRoles(config)
        if let c = root["classifier"] { config.classifier = classifier(c) }
        if let c = root["classifiers"] { config.classifiers = taughtClassifiers(c) }
        if let p = root["planner"] { config.planner = planner(p, into: &config) }
        config.keywordsDirectory = string(root["keywords_dir"], "keywords_dir") ?? "config"
        config.pricesPath = string(root["prices"], "prices")
        config.receiptExamplesPath = string(root["receipt_examples"], "receipt_examples")
        if let o = root["offline"] { if let b = o.boolValue { config.offline = b } else { issue("offline", "expected true or false") } }
        if let a = root["allow_hosts"] { config.allowHosts = allowHosts(a) }
        if let m = root["mcp_servers"] {
            if m.objectValue != nil { config.mcpServers = m } else { issue("mcp_servers", "expected a mapping NAME: {command, args}") }
        }
        return config
    }

    /// Roles left unset get the obvious choice: local models for local work, remote for planning.
    private static func withDefaultRoles(_ config: TandemConfiguration) -> TandemConfiguration {
        var c = config
        let local = c.models.filter { !$0.isRemote }.map(\.name), remote = c.models.filter(\.isRemote).map(\.name)
        for role in ["primary", "general", "classifier", "code_generation"] where c.roles[role] == nil && !local.isEmpty {
            c.roles[role] = local
        }
        if c.roles["planner"] == nil, !remote.isEmpty { c.roles["planner"] = remote }
        return c
    }

    private mutating func modelSpec(_ value: JSONValue, name: String, path: String) -> ModelSpec? {
        guard value.objectValue != nil else { issue(path, "expected a mapping {backend: local|openai|anthropic|openai-compatible, ...}"); return nil }
        let backend = value["backend"]?.stringValue ?? (value["path"] != nil ? "local" : "")
        switch backend {
        case "local":
            guard let file = value["path"]?.stringValue, !file.isEmpty else { issue(path + ".path", "expected the path of a .gguf file"); return nil }
            let context = int(value["context"], path + ".context", 16...1_048_576) ?? 4096
            let slots = int(value["slots"], path + ".slots", 1...256) ?? 8
            let device = string(value["device"], path + ".device") ?? "auto"
            if !["auto", "cpu", "cuda"].contains(device) { issue(path + ".device", "expected auto, cpu or cuda") }
            let rpc = rpcEndpoints(value["rpc"], path: path + ".rpc")
            return ModelSpec(name: name, backend: .local(LocalModelSpec(path: file, contextLength: context, slots: slots, device: device, rpc: rpc)))
        case "openai", "anthropic", "openai-compatible":
            var inProcess: String?
            if let v = value["in_process"], !v.isNull {
                if let s = v.stringValue, !s.isEmpty, backend == "openai-compatible" { inProcess = s } else {
                    issue(path + ".in_process", "expected the name of a local model entry, on an openai-compatible pool"); return nil
                }
            }
            let wire = JSONValue.object((value.objectValue ?? []).filter { $0.0 != "in_process" })
            return remoteSpec(wire, provider: backend, path: path).map { ModelSpec(name: name, backend: .remote($0), inProcess: inProcess) }
        default:
            issue(path + ".backend", "expected local, openai, anthropic or openai-compatible")
            return nil
        }
    }

    private mutating func remoteSpec(_ value: JSONValue, provider: String, path: String) -> CloudModelConfig? {
        guard let pairs = value.objectValue else { issue(path, "expected a mapping {provider, model, ...}"); return nil }
        if let url = value["base_url"], !url.isNull {
            guard let s = url.stringValue, s.hasPrefix("http://") || s.hasPrefix("https://"), s.count > 8 else {
                issue(path + ".base_url", "expected a URL (http://host:port or https://host)"); return nil
            }
        } else if provider == "openai-compatible", value["base_urls"]?.arrayValue?.isEmpty ?? true {
            issue(path + ".base_url", "openai-compatible needs base_url (e.g. http://127.0.0.1:8080) or base_urls (a pool)"); return nil
        }
        var wire = pairs.filter { !["backend", "provider"].contains($0.0) }
        wire.insert(("provider", .string(provider == "anthropic" ? "anthropic" : "openai")), at: 0)
        guard ["openai", "anthropic", "openai-compatible"].contains(provider) else {
            issue(path + ".provider", "expected openai or anthropic"); return nil
        }
        do { return try CloudModelConfig(json: .object(wire)) } catch {
            // CloudModelConfig's messages start with the key they are about.
            var text = error.description
            if case .invalidConfig(let reason) = error { text = reason }
            let key = text.split(separator: " ").first.map(String.init) ?? ""
            issue(wire.contains { $0.0 == key } || key == "model" ? path + "." + key : path, text)
            return nil
        }
    }

    /// `host:port` strings of rpc-server processes.
    private mutating func rpcEndpoints(_ v: JSONValue?, path: String) -> [String] {
        guard let v, !v.isNull else { return [] }
        guard let list = v.arrayValue else { issue(path, "expected a list of rpc-server endpoints HOST:PORT"); return [] }
        var endpoints: [String] = []
        for (i, item) in list.enumerated() {
            guard let text = item.stringValue, let colon = text.lastIndex(of: ":"), colon != text.startIndex,
                  let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
                issue("\(path)[\(i)]", "expected HOST:PORT, e.g. 127.0.0.1:50052"); continue
            }
            endpoints.append(text)
        }
        return endpoints
    }

    /// Host names or address literals; a literal must be a private-network address (a name is
    /// checked against that when it resolves, at the socket).
    private mutating func allowHosts(_ v: JSONValue) -> [String] {
        guard let list = v.arrayValue else { issue("allow_hosts", "expected a list of private-network host names or addresses"); return [] }
        var hosts: [String] = []
        for (i, item) in list.enumerated() {
            let path = "allow_hosts[\(i)]"
            guard let host = item.stringValue, !host.isEmpty else { issue(path, "expected a host name or address"); continue }
            if host.contains("/") || host.contains("@") || (host.contains(":") && !host.contains("::") && host.split(separator: ":").count == 2) {
                issue(path, "expected a bare host (no scheme, port or path): '\(host)'"); continue
            }
            if EgressPolicy.isPrivateAddress(literal: host) == false {
                issue(path, "\(host) is a public address; allow_hosts lists private-network hosts only (10/8, 172.16/12, 192.168/16, fc00::/7, link-local)")
                continue
            }
            hosts.append(host)
        }
        return hosts
    }

    private mutating func classifier(_ v: JSONValue) -> ClassifierSettings {
        var s = ClassifierSettings()
        guard v.objectValue != nil else { issue("classifier", "expected a mapping {labels, label_set, threshold}"); return s }
        if let labels = v["labels"] {
            if let list = labels.arrayValue?.compactMap(\.stringValue), list.count == labels.arrayValue?.count, list.count >= 2 {
                s.labels = list
            } else { issue("classifier.labels", "expected a list of at least two label strings") }
        }
        s.labelSet = string(v["label_set"], "classifier.label_set") ?? s.labelSet
        if let t = v["threshold"] {
            if let d = t.doubleValue, (0...1).contains(d) { s.threshold = d } else { issue("classifier.threshold", "expected a number in 0...1") }
        }
        return s
    }

    private mutating func taughtClassifiers(_ v: JSONValue) -> [String: TaughtClassifierSetting] {
        guard let pairs = v.objectValue else { issue("classifiers", "expected a mapping LABEL_SET: FILE.tandem (or {path, threshold, method})"); return [:] }
        var out: [String: TaughtClassifierSetting] = [:]
        for (name, value) in pairs {
            let path = "classifiers." + name
            if let file = value.stringValue {
                if file.isEmpty { issue(path, "expected the path of a classifier file from `tandem teach`") } else { out[name] = TaughtClassifierSetting(path: file) }
                continue
            }
            guard let entry = value.objectValue else {
                issue(path, "expected a classifier file path or a mapping {path, threshold, method}, found \(value.typeName)"); continue
            }
            for (key, _) in entry where !["path", "threshold", "method"].contains(key) {
                issue(path + "." + key, "unknown setting; known: method, path, threshold")
            }
            var setting = TaughtClassifierSetting(path: "")
            if let t = value["threshold"], !t.isNull {
                if let d = t.doubleValue, (0...1).contains(d) { setting.threshold = d } else { issue(path + ".threshold", "expected a number in 0...1") }
            }
            if let m = string(value["method"], path + ".method") {
                if TaughtClassifierSetting.methods.contains(m) { setting.method = m } else {
                    issue(path + ".method", "expected one of \(TaughtClassifierSetting.methods.joined(separator: ", "))")
                }
            }
            if let file = string(value["path"], path + ".path"), !file.isEmpty {
                setting.path = file
                out[name] = setting
            } else if value["path"] == nil || value["path"]?.stringValue == "" {
                issue(path + ".path", "expected the path of a classifier file from `tandem teach`")
            }
        }
        return out
    }

    private mutating func planner(_ v: JSONValue, into config: inout TandemConfiguration) -> PlannerSettings {
        var s = PlannerSettings()
        guard v.objectValue != nil else { issue("planner", "expected a mapping {enabled, max_reasks, templates}"); return s }
        if let e = v["enabled"] { if let b = e.boolValue { s.enabled = b } else { issue("planner.enabled", "expected true or false") } }
        s.maxReasks = int(v["max_reasks"], "planner.max_reasks", 0...2) ?? s.maxReasks
        s.templatesDirectory = string(v["templates"], "planner.templates") ?? s.templatesDirectory
        return s
    }

    private mutating func string(_ v: JSONValue?, _ path: String) -> String? {
        guard let v, !v.isNull else { return nil }
        guard let s = v.stringValue else { issue(path, "expected a string, found \(v.typeName)"); return nil }
        return s
    }

    private mutating func int(_ v: JSONValue?, _ path: String, _ range: ClosedRange<Int>) -> Int? {
        guard let v, !v.isNull else { return nil }
        guard let d = v.doubleValue, d == d.rounded(), range.contains(Int(d)) else {
            issue(path, "expected a whole number in \(range.lowerBound)...\(range.upperBound)"); return nil
        }
        return Int(d)
    }

    private mutating func issue(_ path: String, _ message: String) { issues.append(ConfigIssue(path: path, message)) }
}
