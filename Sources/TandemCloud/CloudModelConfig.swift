import TandemCore

/// Which wire API a cloud model speaks.
public enum CloudProvider: String, Sendable, CaseIterable {
    /// OpenAI Chat Completions (`/v1/chat/completions`); also llama-server, vLLM, Ollama.
    case openai
    /// Anthropic Messages (`/v1/messages`); also llama-server.
    case anthropic

    /// The public endpoint used when the config gives no base URL.
    public var defaultBaseURL: String {
        switch self {
        case .openai: "https://api.openai.com"
        case .anthropic: "https://api.anthropic.com"
        }
    }

    /// The environment variable read for the key when the config does not name one.
    public var defaultAPIKeyVariable: String {
        switch self {
        case .openai: "OPENAI_API_KEY"
        case .anthropic: "ANTHROPIC_API_KEY"
        }
    }
}

/// How to reach one planning model: provider, endpoint, model, key variable and limits.
///
/// Config JSON (every key but `provider` and `model` optional):
/// ```json
/// {"provider": "openai", "base_url": "http://127.0.0.1:8080", "model": "gpt-4o-mini",
///  "api_key_env": "OPENAI_API_KEY", "timeout_s": 120, "max_retries": 3, "output_retries": 1,
///  "max_tokens": 4096, "temperature": 0, "stream": false}
/// ```
/// `base_url` is the server root; the client appends `/v1/chat/completions` or `/v1/messages`
/// (a base URL already ending in `/v1` is used as is). `"api_key_env": null` sends no key
/// (local servers); leaving it out reads the provider's usual variable.
public struct CloudModelConfig: Sendable, Equatable {
    /// The wire API.
    public var provider: CloudProvider
    /// Server root, e.g. `https://api.openai.com` or `http://127.0.0.1:8080`.
    public var baseURL: String
    /// The model name sent in each request (and used for pricing).
    public var model: String
    /// The environment variable that holds the API key; nil sends none.
    public var apiKeyVariable: String?
    /// Limit on each attempt, connect to last byte.
    public var timeout: Duration
    /// HTTP-level retries after the first attempt (408/429/5xx, connection errors, timeouts).
    public var maxRetries: Int
    /// Extra requests when the answer is unusable (not JSON, wrong schema, no tool call).
    public var outputRetries: Int
    /// Upper bound on generated tokens.
    public var maxTokens: Int
    /// Sampling temperature; nil leaves the server default.
    public var temperature: Double?
    /// Ask for a server-sent-event stream instead of one JSON body.
    public var stream: Bool
    /// A pool of server roots serving the same model (`base_urls`): local-model steps spread
    /// over them (`EndpointPool`). Empty: `baseURL` alone.
    public var baseURLs: [String]
    /// Most requests in flight at one endpoint of the pool (`max_in_flight`).
    public var maxInFlight: Int

    /// `baseURLs`, or `baseURL` alone when no pool is given.
    public var endpoints: [String] { baseURLs.isEmpty ? [baseURL] : baseURLs }

    /// A config; only provider and model are required.
    public init(provider: CloudProvider, model: String, baseURL: String? = nil, apiKeyVariable: String?? = .none,
                timeout: Duration = .seconds(120), maxRetries: Int = 3, outputRetries: Int = 1,
                maxTokens: Int = 4096, temperature: Double? = nil, stream: Bool = false,
                baseURLs: [String] = [], maxInFlight: Int = 4) {
        self.provider = provider
        self.model = model
        self.baseURL = baseURL ?? provider.defaultBaseURL
        self.apiKeyVariable = apiKeyVariable ?? provider.defaultAPIKeyVariable
        self.timeout = timeout
        self.maxRetries = maxRetries
        self.outputRetries = outputRetries
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.stream = stream
        self.baseURLs = baseURLs
        self.maxInFlight = maxInFlight
    }

    /// Reads the config object described above.
    public init(json: JSONValue) throws(CloudError) {
        // Through a static function, as in `PriceTable.init(json:)`: a Swift 6.3.1 -O bug
        // over-releases owned init parameters on some throwing paths.
        self = try Self.parsed(json)
    }

    private static func parsed(_ json: JSONValue) throws(CloudError) -> CloudModelConfig {
        guard json.objectValue != nil else { throw .invalidConfig("the cloud model config must be a JSON object") }
        guard let name = json["provider"]?.stringValue, let provider = CloudProvider(rawValue: name) else {
            throw .invalidConfig("provider must be \"openai\" or \"anthropic\"")
        }
        guard let model = json["model"]?.stringValue, !model.isEmpty else { throw .invalidConfig("model is required") }
        let keyVariable: String?? = switch json["api_key_env"] {
        case .none: .none
        case .some(.null): .some(nil)
        case .some(.string(let s)) where !s.isEmpty: .some(s)
        default: throw .invalidConfig("api_key_env must be an environment variable name or null")
        }
        func number(_ key: String, _ range: ClosedRange<Double>) throws(CloudError) -> Double? {
            guard let value = json[key], !value.isNull else { return nil }
            guard let n = value.doubleValue, range.contains(n) else {
                throw .invalidConfig("\(key) must be a number in \(range.lowerBound)...\(range.upperBound)")
            }
            return n
        }
        guard json["base_url"].map({ $0.stringValue != nil || $0.isNull }) ?? true else {
            throw .invalidConfig("base_url must be a string")
        }
        var pool: [String] = []
        if let urls = json["base_urls"], !urls.isNull {
            guard let list = urls.arrayValue?.compactMap(\.stringValue), list.count == urls.arrayValue?.count, !list.isEmpty,
                  list.allSatisfy({ ($0.hasPrefix("http://") || $0.hasPrefix("https://")) && $0.count > 8 }) else {
                throw .invalidConfig("base_urls must be a non-empty list of URLs (http://host:port or https://host)")
            }
            pool = list
        }
        // Every number is read (and may throw) before the value is built: see `init(json:)`.
        let timeout = try number("timeout_s", 0.001...86_400) ?? 120
        let maxRetries = try number("max_retries", 0...20) ?? 3
        let outputRetries = try number("output_retries", 0...5) ?? 1
        let maxTokens = try number("max_tokens", 1...1_000_000) ?? 4096
        let temperature = try number("temperature", 0...2)
        let maxInFlight = try number("max_in_flight", 1...1024) ?? 4
        return CloudModelConfig(provider: provider, model: model, baseURL: json["base_url"]?.stringValue ?? pool.first,
                                apiKeyVariable: keyVariable, timeout: .milliseconds(Int(timeout * 1000)), maxRetries: Int(maxRetries),
                                outputRetries: Int(outputRetries), maxTokens: Int(maxTokens), temperature: temperature,
                                stream: json["stream"]?.boolValue ?? false, baseURLs: pool, maxInFlight: Int(maxInFlight))
    }

    /// The full URL the client posts to for an API path such as `/v1/messages`.
    public func endpoint(_ apiPath: String) -> String { Self.url(baseURL, apiPath) }

    /// `root` joined with an API path (a root already ending in `/v1` is used as is).
    public static func url(_ root: String, _ apiPath: String) -> String {
        var root = root
        while root.hasSuffix("/") { root.removeLast() }
        if root.hasSuffix("/v1"), apiPath.hasPrefix("/v1/") { return root + apiPath.dropFirst(3) }
        return root + apiPath
    }

    /// The retry rules this config implies.
    var retryPolicy: RetryPolicy { RetryPolicy(maxRetries: maxRetries) }

    /// The API key from the environment, or nil when none is configured.
    func apiKey() throws(CloudError) -> APIKey? {
        guard let apiKeyVariable else { return nil }
        return try APIKey(variable: apiKeyVariable)
    }
}
