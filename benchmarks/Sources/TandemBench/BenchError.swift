/// Why a benchmark (or one suite of it) could not run, with what to do next.
enum BenchError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The model file does not exist.
    case modelMissing(String)
    /// A llama.cpp tool is not where the vendor-build prefix says it is.
    case toolMissing(name: String, path: String)
    /// The vendor-build prefix could not be found.
    case prefixUnknown
    /// A tool ran but failed; `output` is the tail of what it printed.
    case toolFailed(name: String, status: Int32, output: String)
    /// A tool's output could not be read.
    case toolOutputUnreadable(name: String, reason: String)
    /// The requested loopback port is taken.
    case portInUse(Int)
    /// No loopback port could be reserved.
    case noFreePort(String)
    /// llama-server did not become healthy.
    case serverNotReady(port: Int, seconds: Double, log: String)
    /// An HTTP exchange with the local server failed.
    case http(String)
    /// The fixture folder is missing or has no known files.
    case fixturesMissing(String)
    case fixturesEmpty(String, expected: [String])
    /// A fixture file cannot be read at all.
    case fixtureUnreadable(path: String, reason: String)
    /// A file of the report could not be written.
    case writeFailed(path: String, reason: String)

    var description: String {
        switch self {
        case .modelMissing(let p):
            "model file not found: \(p); fetch it with `make models` or pass -m PATH"
        case .toolMissing(let n, let p):
            "\(n) not found at \(p); build llama.cpp with `make llama` (vendor-build/build.sh) or pass --llama-prefix DIR"
        case .prefixUnknown:
            "cannot locate the llama.cpp build prefix; set TANDEM_LLAMA_PREFIX or pass --llama-prefix DIR (vendor-build/prefix.sh prints it)"
        case .toolFailed(let n, let s, let o):
            "\(n) exited with status \(s); its last output:\n\(o)"
        case .toolOutputUnreadable(let n, let r):
            "could not read \(n)'s output: \(r)"
        case .portInUse(let p):
            "port \(p) on 127.0.0.1 is already in use; stop what holds it or omit --port to pick a free one"
        case .noFreePort(let r):
            "could not reserve a loopback port: \(r)"
        case .serverNotReady(let p, let s, let log):
            "llama-server on 127.0.0.1:\(p) was not ready after \(Int(s)) s; its log ends with:\n\(log)"
        case .http(let r):
            "HTTP request to the local server (llama-server or tandem serve) failed: \(r)"
        case .fixturesMissing(let d):
            "fixture folder \(d) does not exist; pass --fixtures DIR (e.g. ../shared/fixtures)"
        case .fixturesEmpty(let d, let expected):
            "fixture folder \(d) holds none of \(expected.joined(separator: ", ")); point --fixtures at a folder of that schema"
        case .fixtureUnreadable(let p, let r):
            "cannot read fixture file \(p): \(r)"
        case .writeFailed(let p, let r):
            "cannot write \(p): \(r)"
        }
    }
}
