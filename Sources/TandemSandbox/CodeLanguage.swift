/// The languages a code step may be written in.
public enum CodeLanguage: String, Sendable, CaseIterable, Codable {
    /// Python 3: Debian's `/usr/bin/python3`, run with `-I` (no user site, no PYTHON* variables).
    case python
    /// POSIX shell: `/bin/sh`.
    case sh

    /// The interpreter's path on the host; inside the sandbox it is the same path (from the read-only /usr).
    var interpreter: String {
        switch self {
        case .python: "/usr/bin/python3"
        case .sh: "/bin/sh"
        }
    }

    /// The Debian package that provides `interpreter`.
    var package: String {
        switch self {
        case .python: "python3"
        case .sh: "dash"
        }
    }

    /// Interpreter arguments that run `code` given as one argument.
    func arguments(running code: String) -> [String] {
        switch self {
        case .python: [interpreter, "-I", "-c", code]
        case .sh: [interpreter, "-c", code]
        }
    }
}
