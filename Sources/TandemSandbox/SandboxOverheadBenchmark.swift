import Foundation

/// Measures what the sandbox adds to a run: a no-op snippet in bubblewrap against the bare
/// interpreter started directly. Prints nothing; callers report the figures.
public enum SandboxOverheadBenchmark {
    /// Medians in milliseconds over `runs` runs.
    public struct Report: Sendable, CustomStringConvertible {
        /// Runs per figure.
        public let runs: Int
        /// A sandboxed `print("null")` in Python, spawn to exit.
        public let sandboxedPythonMs: Double
        /// The same Python started directly (no bwrap, no rlimit wrappers).
        public let directPythonMs: Double
        /// A sandboxed `echo null` in `sh`.
        public let sandboxedShMs: Double
        /// The same `sh` started directly.
        public let directShMs: Double

        /// Sandbox cost for Python: sandboxed minus direct.
        public var pythonOverheadMs: Double { sandboxedPythonMs - directPythonMs }
        /// Sandbox cost for `sh`: sandboxed minus direct.
        public var shOverheadMs: Double { sandboxedShMs - directShMs }

        /// One line with all four medians and both overheads.
        public var description: String {
            String(format: "sandbox overhead (median of %d): python %.1f ms sandboxed vs %.1f ms direct (+%.1f ms); "
                   + "sh %.1f ms sandboxed vs %.1f ms direct (+%.1f ms)",
                   runs, sandboxedPythonMs, directPythonMs, pythonOverheadMs, sandboxedShMs, directShMs, shOverheadMs)
        }
    }

    /// Runs each no-op `runs` times (after one warm-up) and returns the medians.
    public static func measure(runs: Int = 20, runner: CodeRunner = CodeRunner()) async throws(SandboxError) -> Report {
        let count = max(1, runs)
        var figures: [Double] = []
        for (language, code) in [(CodeLanguage.python, "print('null')"), (.sh, "echo null")] {
            _ = try await runner.run(code, language: language)
            var sandboxed: [Double] = [], direct: [Double] = []
            for _ in 0..<count {
                let result = try await runner.run(code, language: language)
                guard result.succeeded else { throw .snippetFailed(exitStatus: result.exitStatus, stderrTail: result.stderrTail) }
                sandboxed.append(milliseconds(result.duration))
                direct.append(try await timeDirect(language.arguments(running: code)))
            }
            figures += [median(sandboxed), median(direct)]
        }
        return Report(runs: count, sandboxedPythonMs: figures[0], directPythonMs: figures[1],
                      sandboxedShMs: figures[2], directShMs: figures[3])
    }

    private static func timeDirect(_ arguments: [String]) async throws(SandboxError) -> Double {
        let started = ContinuousClock.now
        let child = try SpawnedProcess.spawn(arguments, environment: SandboxCommandLine.environment(home: "/tmp"), directory: "/")
        InputFeeder.start(fd: child.stdinFD, bytes: Array("null\n".utf8))
        let out = PipeDrain(fd: child.stdoutFD, cap: 4096, name: "tandem-bench-out", onOverflow: {})
        let err = PipeDrain(fd: child.stderrFD, cap: 4096, name: "tandem-bench-err", onOverflow: {})
        _ = await child.waitForExit()
        let elapsed = ContinuousClock.now - started
        await out.finish(grace: .seconds(1))
        await err.finish(grace: .seconds(1))
        return milliseconds(elapsed)
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
