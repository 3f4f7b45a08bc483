import TandemBench

/// `tandem bench`: the benchmark suites of `tandem-bench`, same code and options.
enum BenchCommand: Command {
    static let name = "bench"
    static let summary = "benchmark against llama.cpp's tools (parity, prefix, bulk, batched) and score accuracy"
    static var help: String {
        BenchCommandLine.help.replacingOccurrences(of: "usage: tandem-bench [SUITE...] [options]      (also: tandem bench [SUITE...] [options])",
                                                   with: "usage: tandem bench [SUITE...] [options]      (also: tandem-bench [SUITE...] [options])")
    }

    static func run(_ a: inout Arguments) async throws -> Int32 {
        // Hand every option through unchanged; BenchCommandLine parses and checks them.
        var forwarded: [String] = []
        for name in BenchCommandLine.valueOptions {
            if let value = try a.option(name) { forwarded += [name, value] }
        }
        for name in BenchCommandLine.flags where a.flag(name) { forwarded.append(name) }
        while let suite = a.positional() { forwarded.append(suite) }
        try a.finish()
        return await BenchMain.run(forwarded)
    }
}
