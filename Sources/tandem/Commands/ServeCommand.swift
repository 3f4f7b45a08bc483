import Foundation
import TandemClassifier
import TandemConfig
import TandemCore
import TandemOrchestrator
import TandemPlanner
import TandemRuntime
import TandemServer

/// `tandem serve`: the engine behind an OpenAI-compatible HTTP API until SIGTERM.
enum ServeCommand: Command {
    static let name = "serve"
    static let summary = "serve the model over an OpenAI-compatible HTTP API (chat, completions, embeddings)"
    static let help = """
        usage: tandem serve [-m MODEL | --config tandem.yaml] [--host 127.0.0.1] [--port 8080]
                            [--slots N] [--api-key-env VAR] [options]

        Serves one local model over HTTP with OpenAI's request and response shapes, so the OpenAI
        SDKs, LangChain, curl scripts and other services can use it. Concurrent requests share the
        engine: --slots sequences decode together (continuous batching), prompts that start alike
        reuse each other's KV cells, and a client that disconnects frees its slot. SIGTERM (or
        Ctrl-C) stops taking requests, lets the ones in flight finish, then exits.

        endpoints (docs/serve.md has every field and error):
          POST /v1/chat/completions   messages through the model's chat template; stream,
                                      max_tokens, temperature, top_p, seed, stop, response_format
                                      (json_object, json_schema); "choices": [labels] picks one label
          POST /v1/completions        a raw prompt, same options
          POST /v1/embeddings         a string or an array of strings (float or base64)
          POST /v1/classify           a taught classifier from `classifiers:` in tandem.yaml
          GET  /v1/models, /health, /metrics (Prometheus text)

        model:
          -m, --model PATH      GGUF model file (default: the first model of role primary in the
                                config, else \(ModelOptions.defaultModel))
          --config FILE         tandem.yaml: the primary model (its context and slots) and the
                                taught classifiers (default: ./tandem.yaml when present)
          --model-id NAME       the name clients send as "model" (default: the config's model name,
                                else the file name without .gguf)
          -c, --context N       tokens per request, prompt and answer together (default: 4096, or
                                the config's context)
          --slots N             requests decoded together, 1...256 (default: 8, or the config's slots)
          --kv-pool             one shared KV pool for all slots: faster for many short requests
                                behind one long shared prompt; a near-tie token may then differ
                                from the same request alone
          --backend NAME        cpu, cuda or auto (default: auto)
          --gpu-layers N        layers to offload on CUDA (default: all)
          -t, --threads N       CPU threads (default: all cores)

        HTTP:
          --host ADDR           address to listen on (default: 127.0.0.1, this machine only; use
                                0.0.0.0 to serve others, with --api-key-env)
          --port N              port, 0 for any free one (default: 8080); the address is printed
          --api-key-env VAR     require 'Authorization: Bearer <key>' with the key in $VAR (401
                                otherwise; /health stays open)
          --queue N             requests waiting for a slot, at most (default: 1024); past it: 503
                                with Retry-After
          --max-body-bytes N    largest request body (default: 8388608); larger: 413
          --max-connections N   open connections at most (default: 2048); more are closed at once
          --idle-timeout S      seconds an idle keep-alive connection is kept (default: 60)
          --drain-timeout S     seconds SIGTERM waits for requests in flight (default: 30)

        examples:
          tandem serve
          curl -s http://127.0.0.1:8080/v1/chat/completions -H 'Content-Type: application/json' \\
            -d '{"model": "SmolLM2-135M-Instruct.Q4_1", "messages": [{"role": "user", "content": "Hi"}]}'
          MY_KEY=secret tandem serve --host 0.0.0.0 --api-key-env MY_KEY --slots 16
          python3 -c 'from openai import OpenAI; c = OpenAI(base_url="http://127.0.0.1:8080/v1", api_key="-"); \\
            print(c.chat.completions.create(model="SmolLM2-135M-Instruct.Q4_1", \\
            messages=[{"role": "user", "content": "Hi"}]).choices[0].message.content)'
        """

    static func run(_ a: inout Arguments) async throws -> Int32 {
        let explicitModel = try a.option("-m", "--model")
        let configPath = try a.option("--config")
        let modelID = try a.option("--model-id")
        let explicitContext = try a.int("-c", "--context", in: 16...1_048_576)
        let explicitSlots = try a.int("--slots", in: 1...256)
        let kvPool = a.flag("--kv-pool")
        var serve = ServeOptions()
        serve.host = try a.option("--host") ?? serve.host
        serve.port = try a.int("--port", in: 0...65_535) ?? serve.port
        let keyVariable = try a.option("--api-key-env")
        let queue = try a.int("--queue", in: 1...1_000_000) ?? 1024
        serve.maxBodyBytes = try a.int("--max-body-bytes", in: 1024...(1 << 30)) ?? serve.maxBodyBytes
        serve.maxConnections = try a.int("--max-connections", in: 1...1_000_000) ?? serve.maxConnections
        serve.idleTimeoutSeconds = try a.int("--idle-timeout", in: 1...86_400) ?? serve.idleTimeoutSeconds
        serve.drainSeconds = try a.int("--drain-timeout", in: 0...86_400) ?? serve.drainSeconds
        let options = try ModelOptions(&a)
        try a.finish()
        if let keyVariable {
            guard let key = ProcessInfo.processInfo.environment[keyVariable], !key.isEmpty else {
                throw ServeError.missingAPIKey(variable: keyVariable)
            }
            serve.apiKey = key
        }

        let (config, source) = try ConfigFileOption.load(configPath)
        let threads = options.context.threads
        func parameters(context: Int, slots: Int) -> ContextParameters {
            ContextParameters(contextLength: context, sequences: slots, threads: threads, unifiedKV: kvPool)
        }
        let engine: Engine
        let id: String
        if explicitModel == nil, !config.models(for: "primary").isEmpty {
            var skipped: [SkippedModel] = []
            let loaded = await ModelRouter(configuration: config).loadLocalModel(for: "primary", skipped: &skipped) { spec in
                let rpc = options.rpcServers.isEmpty ? spec.rpc : options.rpcServers
                try config.egressPolicy().checkTCP(endpoints: rpc)
                let engine = try Engine(model: LlamaModel.load(path: spec.path, backend: try Backend(parsing: spec.device),
                                                               gpuLayers: options.gpuLayers, rpcServers: rpc),
                                        parameters: parameters(context: explicitContext ?? spec.contextLength,
                                                               slots: explicitSlots ?? spec.slots), maxQueued: queue)
                return EngineModelClient(engine: engine)
            }
            for model in skipped { Log.warning("primary model '\(model.name)' skipped: \(model.reason)") }
            guard let loaded, let client = loaded.client as? EngineModelClient else {
                throw LocalModelLoadError(description: "no model of role primary in \(source ?? "the config") could be loaded ("
                    + skipped.map(\.description).joined(separator: "; ") + "); fix the paths there or pass -m PATH")
            }
            engine = client.engine
            id = modelID ?? loaded.name
        } else {
            let path = explicitModel ?? ModelOptions.defaultModel
            engine = try Engine(model: LlamaModel.load(path: path, backend: options.backend, gpuLayers: options.gpuLayers,
                                                       rpcServers: options.rpcServers),
                                parameters: parameters(context: explicitContext ?? 4096, slots: explicitSlots ?? 8), maxQueued: queue)
            id = modelID ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        }
        var classifiers: [String: ClassifierSession] = [:]
        if !config.classifiers.isEmpty {
            let loaded = try TaughtClassifierLoader.load(config.classifiers, model: engine.model, threads: threads)
            for (name, labeller) in loaded.byLabelSet {
                if let client = labeller as? TaughtLabellerClient { classifiers[name] = client.labeller.session }
            }
        }

        let server = try TandemHTTPServer(engine: engine, model: id, classifiers: classifiers, options: serve)
        let p = engine.parameters
        print("tandem serve: listening on \(server.url) (model '\(id)', \(p.sequences) slots, \(p.contextLength) tokens per request"
              + (classifiers.isEmpty ? "" : ", classifiers \(classifiers.keys.sorted().joined(separator: ", "))") + ")")
        if serve.apiKey == nil, !["127.0.0.1", "localhost", "::1"].contains(serve.host) {
            Log.warning("serve: listening on \(serve.host) without an API key: anyone who can reach it can use it (--api-key-env VAR)")
        }
        fflush(nil)  // the address line, for scripts waiting on it
        let signal = await ShutdownSignal.wait()
        let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
        FileHandle.standardError.write(Data("tandem serve: \(name): draining \(server.requestsInFlight) requests in flight\n".utf8))
        await server.drain()
        FileHandle.standardError.write(Data("tandem serve: stopped\n".utf8))
        return 0
    }
}
