/// How `tandem serve` listens and what it accepts.
public struct ServeOptions: Sendable {
    /// The address to bind: loopback unless told otherwise.
    public var host = "127.0.0.1"
    /// The port; 0 lets the kernel pick one (printed at start).
    public var port = 8080
    /// The key clients must send as `Authorization: Bearer <key>`; nil: no key needed.
    public var apiKey: String?
    /// Largest request body accepted; larger ones get 413.
    public var maxBodyBytes = 8 * 1024 * 1024
    /// Open connections at most; more are accepted and closed at once.
    public var maxConnections = 2048
    /// Seconds an idle keep-alive connection stays open.
    public var idleTimeoutSeconds = 60
    /// Seconds SIGTERM waits for requests in flight before cancelling them.
    public var drainSeconds = 30

    /// Defaults: 127.0.0.1:8080, no key, 8 MiB bodies, 2,048 connections, 60 s idle, 30 s drain.
    public init() {}
}
