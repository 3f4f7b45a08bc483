// swift-tools-version: 6.0
// Tandem: a local-first inference runtime over llama.cpp. No package dependencies:
// C libraries come in through module maps (libllama from vendor-build/; libcurl, libyaml and
// libmicrohttpd from Debian).
import PackageDescription

let package = Package(
    name: "Tandem",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tandem", targets: ["tandem"]),
        .executable(name: "tandem-bench", targets: ["tandem-bench"]),
        .library(name: "TandemRuntime", targets: ["TandemRuntime"]),
        .library(name: "TandemOrchestrator", targets: ["TandemOrchestrator"]),
        .library(name: "TandemWorkers", targets: ["TandemWorkers"]),
        .library(name: "TandemCloud", targets: ["TandemCloud"]),
    ],
    targets: [
        // C boundaries: module map + shim header only.
        .systemLibrary(name: "CLlama", pkgConfig: "llama"),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CYaml", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),

        // Shared value types with no C: ordered JSON, SHA-256, logging.
        .target(name: "TandemCore"),
        // The only importer of CLlama.
        .target(name: "TandemRuntime", dependencies: ["CLlama", "TandemCore"]),
        // The only importer of CCurl; planning only.
        .target(name: "TandemCloud", dependencies: ["CCurl", "TandemCore"]),
        // Sandboxed code execution (bubblewrap) and the MCP stdio client.
        .target(name: "TandemSandbox", dependencies: ["TandemCore"]),
        .target(name: "TandemMCP", dependencies: ["TandemCore"]),
        // tandem.yaml (libyaml through CYaml), and the planner, model router and query classifier on top.
        .target(name: "TandemConfig", dependencies: ["CYaml", "TandemCore", "TandemCloud"]),
        .target(name: "TandemPlanner", dependencies: ["TandemConfig", "TandemCore", "TandemCloud", "TandemOrchestrator", "TandemRuntime",
                                                   "TandemClassifier", "TandemWorkers"]),
        // Classifiers taught from labelled examples: embeddings heads, few-shot, ensemble.
        .target(name: "TandemClassifier", dependencies: ["TandemCore", "TandemRuntime"]),
        // Plans, validation and the DAG executor; local models come in through `LocalModelClient`.
        .target(name: "TandemOrchestrator", dependencies: ["TandemCore", "TandemRuntime", "TandemSandbox", "TandemMCP"]),
        // The domain on top of the orchestrator: receipt fields, line items, categories, labels,
        // entities, their rule-based fallbacks and the built-in functions.
        .target(name: "TandemWorkers", dependencies: ["TandemCore", "TandemOrchestrator", "TandemSandbox", "TandemMCP"]),
        // `tandem serve`: the OpenAI-compatible HTTP API; the only importer of CMicroHTTPD.
        .target(name: "TandemServer", dependencies: ["CMicroHTTPD", "TandemCore", "TandemRuntime", "TandemClassifier"]),
        .executableTarget(name: "tandem",
                          dependencies: ["TandemCore", "TandemRuntime", "TandemOrchestrator", "TandemCloud",
                                         "TandemSandbox", "TandemMCP", "TandemBench", "TandemConfig", "TandemPlanner", "TandemClassifier",
                                         "TandemWorkers", "TandemServer"]),
        // Benchmarks: parity with llama.cpp's tools, prefix reuse, bulk throughput, accuracy.
        // `tandem-bench` and `tandem bench` run the same code.
        .target(name: "TandemBench", dependencies: ["TandemCore", "TandemRuntime", "TandemOrchestrator", "TandemClassifier", "TandemWorkers",
                                             "TandemPlanner", "TandemCloud"],
                path: "benchmarks/Sources/TandemBench"),
        .executableTarget(name: "tandem-bench", dependencies: ["TandemBench"],
                          path: "benchmarks/Sources/tandem-bench"),

        // What several test targets share (llama-server as a loopback peer); never in a product.
        .target(name: "TandemTestSupport", dependencies: ["TandemCloud", "TandemOrchestrator", "TandemRuntime", "TandemWorkers"], path: "Tests/TandemTestSupport", exclude: ["Fixtures"]),
        .testTarget(name: "TandemCoreTests", dependencies: ["TandemCore"]),
        .testTarget(name: "TandemConfigTests", dependencies: ["TandemConfig", "TandemCloud", "TandemCore"]),
        .testTarget(name: "TandemPlannerTests",
                    dependencies: ["TandemPlanner", "TandemConfig", "TandemOrchestrator", "TandemCloud", "TandemRuntime", "TandemCore",
                                   "TandemClassifier", "TandemWorkers", "TandemTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "TandemRuntimeTests", dependencies: ["TandemRuntime", "TandemCore", "TandemTestSupport"]),
        .testTarget(name: "TandemCloudTests", dependencies: ["TandemCloud", "TandemCore", "TandemTestSupport"]),
        .testTarget(name: "TandemSandboxTests", dependencies: ["TandemSandbox", "TandemCore", "TandemTestSupport"]),
        .testTarget(name: "TandemMCPTests", dependencies: ["TandemMCP", "TandemCore"], exclude: ["Fixtures"]),
        .testTarget(name: "TandemClassifierTests", dependencies: ["TandemClassifier", "TandemRuntime", "TandemCore", "TandemTestSupport"]),
        .testTarget(name: "TandemBenchTests", dependencies: ["TandemBench", "TandemClassifier", "TandemWorkers"],
                    path: "benchmarks/Tests/TandemBenchTests"),
        .testTarget(name: "TandemServerTests", dependencies: ["TandemCloud", "TandemCore", "TandemTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "TandemOrchestratorTests",
                    dependencies: ["TandemOrchestrator", "TandemWorkers", "TandemRuntime", "TandemCore", "TandemSandbox", "TandemMCP",
                                   "TandemTestSupport"]),
        .testTarget(name: "TandemWorkersTests",
                    dependencies: ["TandemWorkers", "TandemOrchestrator", "TandemRuntime", "TandemCore", "TandemTestSupport"]),
    ]
)
