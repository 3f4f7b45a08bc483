import Foundation
import TandemConfig

/// `--config FILE` for the commands that read tandem.yaml: the file when given, else
/// `tandem.yaml` in the working directory when present, else the built-in defaults.
enum ConfigFileOption {
    static let defaultPath = "tandem.yaml"

    /// The configuration and where it came from (nil: defaults).
    static func load(_ path: String?) throws -> (TandemConfiguration, String?) {
        if let path { return (try TandemConfiguration.load(path: path), path) }
        if FileManager.default.fileExists(atPath: defaultPath) { return (try TandemConfiguration.load(path: defaultPath), defaultPath) }
        return (TandemConfiguration(), nil)
    }
}
