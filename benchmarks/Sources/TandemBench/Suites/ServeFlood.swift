import Foundation
import Synchronization
import TandemCore

/// The load check for `tandem serve`: N concurrent streamed requests (default 1,000)
/// of which every fifth client hangs up after the first event. Every completed response must
/// equal that prompt's answer alone (greedy, per-sequence KV streams), and afterwards the server
/// must be alive with every slot free, nothing queued and its resident memory back near where it
/// was before the flood.
enum ServeFlood {
    /// A flood request waits this long: on 2 busy cores the last of 1,000 waits many minutes in the
    /// queue (a client timeout would count as a failure of the server).
    static let floodTimeout = 7200.0

    /// Resident memory may end this much above the warm baseline (allocator caches, metrics).
    static let rssToleranceBytes = 32 * 1024 * 1024

    struct Result: Sendable {
        var requests = 0, leftEarly = 0, completed = 0, correct = 0, mismatched = 0, failed = 0
        var rssBefore: Int?, rssAfter: Int?
        var busyAfter = -1, queuedAfter = -1
        var alive = false
        var disconnectsCounted = -1.0
        var seconds = 0.0
        var firstFailure: String?

        var rssGrowth: Int? { rssBefore.flatMap { before in rssAfter.map { $0 - before } } }
        var passed: Bool {
            alive && busyAfter == 0 && queuedAfter == 0 && failed == 0 && mismatched == 0 && completed == requests - leftEarly
                && (rssGrowth ?? Int.max) <= ServeFlood.rssToleranceBytes
        }

        var table: MarkdownTable {
            let mib = { (b: Int?) in b.map { String(format: "%.1f MiB", Double($0) / 1_048_576) } ?? "–" }
            var t = MarkdownTable(title: "Flood: \(requests) concurrent streamed requests, \(leftEarly) clients hang up after the first event",
                                  headers: ["check", "result"])
            t.rows = [["completed responses equal to the same prompt alone", "\(correct) of \(completed) (\(mismatched) differ, \(failed) failed)"],
                      ["disconnects the server counted", String(Int(disconnectsCounted))],
                      ["slots busy / requests queued after", "\(busyAfter) / \(queuedAfter)"],
                      ["resident memory before → after", "\(mib(rssBefore)) → \(mib(rssAfter))"],
                      ["server alive after", alive ? "yes" : "no"],
                      ["wall time", String(format: "%.1f s", seconds)],
                      ["verdict", passed ? "pass" : "FAIL"]]
            return t
        }

        var notes: [String] {
            var n = ["Flood: the memory check allows \(ServeFlood.rssToleranceBytes / 1_048_576) MiB above the warm baseline (taken after each prompt ran once alone)."]
            if let firstFailure { n.append("Flood, first failure: \(firstFailure)") }
            return n
        }

        var json: JSONValue {
            ["requests": .number(Double(requests)), "left_early": .number(Double(leftEarly)), "completed": .number(Double(completed)),
             "correct": .number(Double(correct)), "mismatched": .number(Double(mismatched)), "failed": .number(Double(failed)),
             "rss_before_bytes": rssBefore.map { .number(Double($0)) } ?? .null, "rss_after_bytes": rssAfter.map { .number(Double($0)) } ?? .null,
             "busy_after": .number(Double(busyAfter)), "queued_after": .number(Double(queuedAfter)), "alive": .bool(alive),
             "disconnects_counted": .number(disconnectsCounted), "seconds": .number(seconds), "passed": .bool(passed)]
        }
    }

    /// One flood request as its client saw it.
    struct Outcome: Sendable {
        let item: Int, leaving: Bool, status: Int, text: String?, done: Bool, error: String?
    }

    static func run(_ ctx: BenchContext, binary: String, arguments: [String]) async throws -> Result {
        let o = ctx.options
        let n = o.serveFlood
        // 20 distinct prompts (4 in small floods), each answered alone first for the reference.
        let workload = try BulkWorkload.make(tokenizer: ctx.model.tokenizer, prefixTokens: 16, count: min(20, max(4, n / 10)),
                                             warmup: 1, maxTokens: 8)
        let server = try await TandemServe.start(binary: binary, model: ctx.model.path, threads: o.threads, slots: o.tandemSlots,
                                                 contextLength: 512, port: nil,
                                                 extraArguments: ["--queue", String(n + 64), "--max-connections", String(n + 256)] + arguments)
        var result = Result()
        result.requests = n
        do {
            ctx.progress.begin("serve: flood, answers alone", total: workload.items.count)
            var expected: [String] = []
            for item in workload.items {
                let r = try await server.api.streamedChat(system: workload.instruction, user: item, maxTokens: workload.maxTokens)
                expected.append(OpenAIEndpoint.streamedText(r.body).text)
                ctx.progress.advance()
            }
            result.rssBefore = server.process.residentBytes
            let outcomes = Collected<Outcome>()
            ctx.progress.begin("serve: flood of \(n) requests", total: n)
            let start = Date()
            let api = server.api
            let progress = ctx.progress
            let instruction = workload.instruction, items = workload.items, maxTokens = workload.maxTokens
            await withTaskGroup(of: Void.self) { group in
                for i in 0..<n {
                    let leaving = i % 5 == 0
                    let index = i % items.count
                    let item = items[index]
                    group.addTask {
                        do {
                            let r = try await api.streamedChat(system: instruction, user: item, maxTokens: leaving ? 64 : maxTokens,
                                                               closeAfterFirstEvent: leaving, timeoutSeconds: floodTimeout)
                            let streamed = OpenAIEndpoint.streamedText(r.body)
                            outcomes.append(Outcome(item: index, leaving: leaving, status: r.status, text: streamed.text, done: streamed.done, error: nil))
                        } catch {
                            outcomes.append(Outcome(item: index, leaving: leaving, status: 0, text: nil, done: false, error: "\(error)"))
                        }
                        progress.advance()
                    }
                }
            }
            result.seconds = Date().timeIntervalSince(start)
            for (k, outcome) in outcomes.all.enumerated() {
                if outcome.leaving && outcome.status == 200 { result.leftEarly += 1; continue }
                guard outcome.status == 200, outcome.done, let text = outcome.text else {
                    result.failed += 1
                    result.firstFailure = result.firstFailure ?? (outcome.error ?? "HTTP \(outcome.status), ended with [DONE]: \(outcome.done)")
                    continue
                }
                result.completed += 1
                if text == expected[outcome.item] { result.correct += 1 } else {
                    result.mismatched += 1
                    result.firstFailure = result.firstFailure ?? "response \(k): '\(text)', alone: '\(expected[outcome.item])'"
                }
            }
            // The server frees the slots of the clients that left at its next steps.
            let deadline = Date().addingTimeInterval(120)
            repeat {
                (result.busyAfter, result.queuedAfter) = try await server.load()
                if result.busyAfter == 0 && result.queuedAfter == 0 { break }
                try await Task.sleep(nanoseconds: 200_000_000)
            } while Date() < deadline
            result.rssAfter = server.process.residentBytes
            let metrics = try await LoopbackHTTP.get(port: server.process.port, path: "/metrics", timeoutSeconds: 30)
            result.disconnectsCounted = metrics.body.split(separator: "\n").first { $0.hasPrefix("tandem_client_disconnects_total ") }
                .flatMap { Double($0.split(separator: " ").last ?? "") } ?? -1
            let answers = (try? await server.load()) != nil
            result.alive = server.process.isRunning && answers
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        return result
    }
}
