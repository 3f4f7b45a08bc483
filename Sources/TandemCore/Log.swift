import Foundation
import Synchronization

/// Tandem's logger: leveled lines on stderr, quiet by default.
///
/// The CLI's `--verbose` lowers the threshold to `.debug`; llama.cpp's own log is routed here at
/// `.debug`, so it shows only then.
public enum Log {
    /// Severity, lowest first.
    public enum Level: Int, Sendable, Comparable {
        case debug, info, warning, error
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        var tag: String { ["debug", "info", "warning", "error"][rawValue] }
    }

    private static let threshold = Atomic<Int>(Level.warning.rawValue)
    private static let sink = Mutex<(@Sendable (Level, String) -> Void)?>(nil)

    /// Messages below this level are dropped.
    public static var level: Level {
        get { Level(rawValue: threshold.load(ordering: .relaxed)) ?? .warning }
        set { threshold.store(newValue.rawValue, ordering: .relaxed) }
    }

    /// Replaces stderr output with `handler` (tests capture warnings this way); nil restores stderr.
    public static func setSink(_ handler: (@Sendable (Level, String) -> Void)?) {
        sink.withLock { $0 = handler }
    }

    /// Logs `message` at `level`.
    public static func write(_ level: Level, _ message: @autoclosure () -> String) {
        guard level >= Self.level else { return }
        let text = message()
        if let handler = sink.withLock({ $0 }) { handler(level, text); return }
        FileHandle.standardError.write(Data("tandem: \(level.tag): \(text)\n".utf8))
    }

    public static func debug(_ m: @autoclosure () -> String) { write(.debug, m()) }
    public static func info(_ m: @autoclosure () -> String) { write(.info, m()) }
    public static func warning(_ m: @autoclosure () -> String) { write(.warning, m()) }
    public static func error(_ m: @autoclosure () -> String) { write(.error, m()) }
}
