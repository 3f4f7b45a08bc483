import TandemCore

/// The pipeline could not start or could not write its results.
public enum PipelineError: Error, Sendable, CustomStringConvertible {
    /// The input file cannot be read.
    case unreadableInput(String, String)
    /// A results, trace or price file cannot be written or read.
    case io(String, String)
    /// `--resume` cannot continue the results file.
    case cannotResume(String, String)

    /// What went wrong and where.
    public var description: String {
        switch self {
        case .unreadableInput(let path, let why): "cannot read input \(path): \(why); check the path (one JSON object per line)"
        case .io(let path, let why): "\(path): \(why)"
        case .cannotResume(let path, let why): "cannot resume \(path): \(why)"
        }
    }
}
