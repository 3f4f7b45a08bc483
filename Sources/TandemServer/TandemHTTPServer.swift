import Foundation
import Synchronization
import TandemClassifier
import TandemCore
import TandemRuntime

/// `tandem serve`: Tandem's engine behind an OpenAI-compatible HTTP API.
///
/// Concurrent requests share the engine's slots through its batch scheduler (continuous
/// batching, prompt-prefix reuse across requests); embeddings requests are gathered into shared
/// calls; a client that disconnects cancels its sequence.
///
/// ```swift
/// let server = try TandemHTTPServer(engine: engine, model: "smollm2", options: ServeOptions())
/// // ... until SIGTERM:
/// await server.drain()
/// ```
public final class TandemHTTPServer: Sendable {
    /// The id clients name in `model`.
    public let model: String
    /// The address and port it listens on.
    public let url: String
    private let daemon: HTTPDaemon
    private let draining: DrainFlag
    private let options: ServeOptions

    /// Starts listening at once; throws naming the address or option at fault.
    /// - Parameter classifiers: taught classifiers by name, for `/v1/classify`.
    public init(engine: Engine, model: String, classifiers: [String: ClassifierSession] = [:],
                options: ServeOptions) throws(ServeError) {
        let address = try ListenAddress(host: options.host, port: options.port)
        guard options.maxBodyBytes >= 1024 else { throw .invalidOption("--max-body-bytes must be at least 1024") }
        guard options.maxConnections >= 1 else { throw .invalidOption("--max-connections must be at least 1") }
        let metrics = ServerMetrics()
        let flag = DrainFlag()
        draining = flag
        let box = Mutex<HTTPDaemon?>(nil)
        let router = OpenAIRouter(
            engine: engine, model: model, apiKey: options.apiKey, metrics: metrics,
            generation: GenerationHandler(engine: engine, model: model, metrics: metrics),
            embeddings: EmbeddingsHandler(batcher: EmbeddingBatcher(engine: engine), tokenizer: engine.model.tokenizer,
                                          width: engine.model.info.embeddingLength, model: model, metrics: metrics),
            classify: ClassifyHandler(classifiers: classifiers, model: model, metrics: metrics),
            isDraining: { flag.value.load(ordering: .relaxed) },
            connectionStats: { box.withLock { d in (d?.requestsInFlight ?? 0, d?.connectionCount ?? 0) } })
        let daemon = HTTPDaemon(address: address,
                                limits: .init(bodyBytes: options.maxBodyBytes, connections: options.maxConnections,
                                              idleTimeoutSeconds: options.idleTimeoutSeconds),
                                handler: { request, sink in await router.handle(request, sink) })
        try daemon.start()
        box.withLock { $0 = daemon }
        self.daemon = daemon
        self.model = model
        self.options = options
        let host = address.isIPv6 ? "[\(address.host)]" : address.host
        url = "http://\(host):\(daemon.port)"
    }

    /// The port listened on (the kernel's pick when started with port 0).
    public var port: Int { daemon.port }

    /// Requests being answered now.
    public var requestsInFlight: Int { daemon.requestsInFlight }

    /// Stops taking new connections and requests, waits up to the drain time for the ones in
    /// flight, cancels what is left, then closes every connection.
    public func drain() async {
        draining.value.store(true, ordering: .relaxed)
        daemon.stopAccepting()
        let deadline = Date().addingTimeInterval(Double(options.drainSeconds))
        while daemon.requestsInFlight > 0, Date() < deadline { try? await Task.sleep(nanoseconds: 50_000_000) }
        if daemon.requestsInFlight > 0 {
            Log.warning("serve: \(daemon.requestsInFlight) requests still running after \(options.drainSeconds) s; cancelling them")
            daemon.cancelAll()
            let cancelDeadline = Date().addingTimeInterval(5)
            while daemon.requestsInFlight > 0, Date() < cancelDeadline { try? await Task.sleep(nanoseconds: 50_000_000) }
        }
        daemon.stop()
    }
}

/// Set once a drain starts; read by every request.
private final class DrainFlag: Sendable {
    let value = Atomic<Bool>(false)
}
