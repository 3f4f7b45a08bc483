import Foundation

/// An API key read from the environment variable the config names.
///
/// The value is only reachable through `value` (for the one header that needs it); printing,
/// interpolating or dumping an `APIKey` shows `[redacted]`.
public struct APIKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself; put it in a request header and nowhere else.
    public let value: String
    /// The environment variable it came from (safe to print).
    public let variable: String

    /// Reads `variable` from `environment` (the process environment by default).
    public init(variable: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(CloudError) {
        guard let value = environment[variable]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            throw .missingAPIKey(variable: variable)
        }
        // A newline in a header value would start a new header; refuse rather than send it.
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidConfig("the API key in $\(variable) contains control characters; set it to the bare key")
        }
        self.value = value
        self.variable = variable
    }

    public var description: String { "\(SecretRedactor.mask) (from $\(variable))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["variable": variable]) }
}
