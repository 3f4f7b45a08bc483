import Foundation
import Synchronization

/// A progress bar on stderr for long suites. On a terminal it redraws one line; otherwise (CI
/// logs) it prints a line per phase and at most every ten seconds, so logs stay short.
final class ProgressBar: Sendable {
    private struct State {
        var phase = ""
        var total = 0
        var done = 0
        var lastDraw = Date.distantPast
        var started = Date()
    }

    private let enabled: Bool
    private let isTerminal: Bool
    private let state = Mutex(State())

    /// A bar that draws only when `enabled`.
    init(enabled: Bool) {
        self.enabled = enabled
        isTerminal = isatty(STDERR_FILENO) != 0
    }

    /// Starts a phase of `total` steps (0: an indeterminate phase).
    func begin(_ phase: String, total: Int = 0) {
        state.withLock { s in
            s = State(phase: phase, total: total, done: 0, lastDraw: .distantPast, started: Date())
        }
        draw(force: true)
    }

    /// Marks `count` more steps done.
    func advance(by count: Int = 1) {
        state.withLock { $0.done += count }
        draw(force: false)
    }

    /// Ends the current line.
    func finish() {
        guard enabled, isTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    private func draw(force: Bool) {
        guard enabled else { return }
        let line: String? = state.withLock { s in
            let now = Date()
            let interval = isTerminal ? 0.1 : 10
            guard force || now.timeIntervalSince(s.lastDraw) >= interval || (s.total > 0 && s.done == s.total) else { return nil }
            s.lastDraw = now
            let elapsed = String(format: "%.0fs", now.timeIntervalSince(s.started))
            guard s.total > 0 else { return "\(s.phase) … \(elapsed)" }
            let width = 24
            let filled = min(width, s.done * width / max(s.total, 1))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            return "\(s.phase) \(bar) \(s.done)/\(s.total) \(elapsed)"
        }
        guard let line else { return }
        let text = isTerminal ? "\r\u{1B}[K" + line : "[bench] " + line + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }
}
