import Foundation
import TandemCore
import TandemRuntime

/// The bench's entry point, shared by `tandem-bench` and `tandem bench`.
public enum BenchMain {
    /// Parses `arguments`, runs the suites, prints the table and writes the files.
    /// Returns the exit status: 0 all suites ran, 1 one failed, 2 usage error.
    public static func run(_ arguments: [String]) async -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(BenchCommandLine.help)
            return 0
        }
        let options: BenchOptions
        do { options = try BenchCommandLine.parse(arguments) } catch {
            FileHandle.standardError.write(Data("tandem-bench: \(error)\n\n\(BenchCommandLine.help)\n".utf8))
            return 2
        }
        // The files are rewritten after every suite, so a run cut short keeps what it measured.
        let run = await execute(options) { partial in
            try? write(partial, markdown: MarkdownReport.render(partial), options: options)
        }
        let markdown = MarkdownReport.render(run)
        print(markdown)
        var status: Int32 = run.suites.contains { $0.status == .failed } || run.setupError != nil ? 1 : 0
        do { try write(run, markdown: markdown, options: options) } catch {
            FileHandle.standardError.write(Data("tandem-bench: \(error)\n".utf8))
            status = 1
        }
        return status
    }

    /// Runs the selected suites; a failing suite keeps what it measured and the next one runs.
    static func execute(_ options: BenchOptions, afterEachSuite: (BenchRun) -> Void = { _ in }) async -> BenchRun {
        let started = Date()
        let progress = ProgressBar(enabled: options.showProgress)
        let toolchain = Result { () throws(BenchError) in try LlamaToolchain.locate(explicit: options.llamaPrefix) }
        var run = BenchRun(options: options, started: started, toolchain: toolchain)
        run.machine = MachineInfo.describe(threads: options.threads)
        run.tandemCommit = await MachineInfo.tandemCommit()
        let model: LlamaModel
        do {
            guard FileManager.default.fileExists(atPath: options.modelPath) else { throw BenchError.modelMissing(options.modelPath) }
            progress.begin("loading \(options.modelPath)")
            model = try LlamaModel.load(path: options.modelPath, backend: options.backend, gpuLayers: options.gpuLayers)
            run.modelInfo = model.info
            progress.begin("sha256 of the model")
            run.modelSHA256 = try model.sha256()
        } catch {
            run.setupError = String(describing: error)
            run.suites = options.suites.map { suite in
                var r = SuiteReport(suite: suite)
                r.fail("not run: \(error)")
                return r
            }
            progress.finish()
            return run
        }
        let context = BenchContext(options: options, model: model, toolchain: toolchain, progress: progress)
        for suite in options.suites {
            var report = SuiteReport(suite: suite)
            let t0 = Date()
            do {
                switch suite {
                case .parity: try await ParitySuite.run(context, &report)
                case .prefix: try await PrefixSuite.run(context, &report)
                case .bulk: try await BulkSuite.run(context, &report)
                case .batched: try await BatchedSuite.run(context, &report)
                case .embed: try await EmbedSuite.run(context, &report)
                case .accuracy: try await AccuracySuite.run(context, &report)
                case .serve: try await ServeSuite.run(context, &report)
                case .pipeline: try await PipelineSuite.run(context, &report)
                case .scale: try await ScaleSuite.run(context, &report)
                case .extract: try await ExtractSuite.run(context, &report)
                }
            } catch {
                report.fail(String(describing: error))
            }
            report.seconds = Date().timeIntervalSince(t0)
            progress.finish()
            for warning in RepeatedWarnings.drain() {  // per-item warnings, once per suite
                FileHandle.standardError.write(Data("tandem-bench: \(suite.rawValue): warning: \(warning)\n".utf8))
            }
            if report.status == .failed {
                FileHandle.standardError.write(Data("tandem-bench: \(suite.rawValue): \(report.errors.joined(separator: "; "))\n".utf8))
            }
            run.suites.append(report)
            run.seconds = Date().timeIntervalSince(started)
            afterEachSuite(run)
        }
        run.seconds = Date().timeIntervalSince(started)
        return run
    }

    private static func write(_ run: BenchRun, markdown: String, options: BenchOptions) throws(BenchError) {
        var chartFile: String?
        if let points = run.chartSeries, !points.isEmpty {
            chartFile = options.chartPath ?? options.jsonPath.map { URL(fileURLWithPath: $0).deletingPathExtension().path + ".svg" }
                ?? options.markdownPath.map { URL(fileURLWithPath: $0).deletingPathExtension().path + ".svg" }
            if let chartFile { try save(ThroughputChart.svg(points, threads: options.threads), to: chartFile) }
        }
        if let path = options.markdownPath {
            let link = chartFile.map { "\n![batched throughput](\(URL(fileURLWithPath: $0).lastPathComponent))\n" } ?? ""
            try save(markdown + link, to: path)
        }
        if let path = options.jsonPath { try save(JSONWriter.pretty(run.json(chartFile: chartFile)) + "\n", to: path) }
    }

    private static func save(_ text: String, to path: String) throws(BenchError) {
        do {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try OutputFile.write(text, to: url.path)
        } catch { throw .writeFailed(path: path, reason: error.localizedDescription) }
    }
}
