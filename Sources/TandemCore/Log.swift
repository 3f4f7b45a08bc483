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
    private static let sinks = Mutex<[Int: @Sendable (Level, String) -> Void]>([:])
    private static let nextSink = Atomic<Int>(0)

    /// Messages below this level are dropped.
    public static var level: Level {
        get { Level(rawValue: threshold.load(ordering: .relaxed)) ?? .warning }
        set { threshold.store(newValue.rawValue, ordering: .relaxed) }
    }

    /// Sends every logged line to `handler` instead of stderr until `removeSink` (tests capture
    /// warnings this way). Several sinks may be installed at once, by tests running in
    /// parallel: each gets every line, so one test removing its sink never blinds another.
    @discardableResult
    public static func addSink(_ handler: @escaping @Sendable (Level, String) -> Void) -> Int {
        let id = nextSink.add(1, ordering: .relaxed).newValue
        sinks.withLock { $0[id] = handler }
        return id
    }

    /// Removes a sink added by `addSink`; with none left, lines go to stderr again.
    public static func removeSink(_ id: Int) {
        _ = sinks.withLock { $0.removeValue(forKey: id) }
    }

    /// Logs `message` at `level`.
    public static func write(_ level: Level, _ message: @autoclosure () -> String) {
        guard level >= Self.level else { return }
        let text = message()
        let handlers = sinks.withLock { Array($0.values) }
        if !handlers.isEmpty { for handler in handlers { handler(level, text) }; return }
        FileHandle.standardError.write(Data("tandem: \(level.tag): \(text)\n".utf8))
    }

    public static func debug(_ m: @autoclosure () -> String) { write(.debug, m()) }
    public static func info(_ m: @autoclosure () -> String) { write(.info, m()) }
    public static func warning(_ m: @autoclosure () -> String) { write(.warning, m()) }
    public static func error(_ m: @autoclosure () -> String) { write(.error, m()) }
}
