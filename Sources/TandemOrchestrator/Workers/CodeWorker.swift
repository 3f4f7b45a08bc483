import TandemCore
import TandemSandbox

/// Runs `code` steps in the bubblewrap sandbox (`CodeRunner`).
///
/// The tool is the language, one tool per `CodeLanguage` (`python`, `sh`); the arguments are
///
///     {"source": "import json, sys; d = json.load(sys.stdin); print(json.dumps(...))",
///      "input": <any JSON, default null>}
///
/// `input` reaches the code as one line of compact JSON on stdin, so it may hold references to
/// other steps (`"input": "{{step:items}}"`); the step's result is the one JSON value the code
/// prints on stdout. A non-zero exit, a stop (timeout, CPU, memory, output cap), non-JSON stdout
/// or a missing sandbox throws `SandboxError`, so the executor's retries and fallback apply.
/// Without bwrap the step fails with the install hint; it runs unsandboxed only when the worker
/// was built with `.unsafeNoSandbox`, and then `CodeRunner` logs a warning on every run.
public struct CodeWorker: Worker {
    /// "sandbox", or "unsandboxed" when built with `.unsafeNoSandbox` (the trace shows which ran).
    public let name: String
    /// `.code`.
    public let kind = StepKind.code
    /// Runs the snippets: isolation and limits.
    public let runner: CodeRunner

    /// Creates a worker over `runner`.
    public init(runner: CodeRunner = CodeRunner()) {
        self.runner = runner
        name = runner.isolation == .unsafeNoSandbox ? "unsandboxed" : "sandbox"
    }

    /// Creates a worker with `isolation` and `limits` (defaults: bubblewrap, `SandboxLimits.standard`).
    public init(isolation: SandboxIsolation, limits: SandboxLimits = .standard) {
        self.init(runner: CodeRunner(limits: limits, isolation: isolation))
    }

    /// One tool per language.
    public var tools: [ToolDescriptor] { CodeLanguage.allCases.map(Self.descriptor) }

    /// Runs `call.args.source` in the language `call.tool` with `call.args.input` on stdin.
    public func run(_ call: StepCall) async throws -> StepOutput {
        guard let language = CodeLanguage(rawValue: call.tool) else {
            throw CodeStepError.unknownLanguage(call.tool)
        }
        let problems = JSONSchemaChecker(schema: Self.argsSchema).violations(of: call.args)
        guard problems.isEmpty, let source = call.args["source"]?.stringValue else {
            throw CodeStepError.invalidArguments(language: call.tool, problems.map(\.description))
        }
        let result = try await runner.run(source, language: language, input: call.args["input"] ?? .null)
        return StepOutput(value: try result.jsonOutput())
    }

    /// The arguments every code tool takes.
    static let argsSchema: JSONValue = [
        "type": "object", "required": ["source"], "additionalProperties": false,
        "properties": [
            "source": ["type": "string", "minLength": 1,
                       "description": "The program. It reads the input as one JSON line on stdin and prints exactly one JSON value on stdout."],
            "input": ["description": "Any JSON value (may hold {{step:...}} references); the program's stdin."],
        ],
    ]

    private static func descriptor(_ language: CodeLanguage) -> ToolDescriptor {
        let how = switch language {
        case .python: "Python 3 (the host's /usr/bin/python3 and its installed modules)"
        case .sh: "POSIX sh (/bin/sh with the host's /usr/bin tools)"
        }
        return ToolDescriptor(
            kind: .code, name: language.rawValue,
            description: "Runs \(how) in a sandbox with no network and no access to files: it reads args.input as JSON on stdin and "
                + "must print one JSON value, which is the result. For small transformations no other tool does.",
            argsSchema: argsSchema, resultSchema: [:])
    }
}

/// A code step's arguments are unusable (the sandbox was never started).
public enum CodeStepError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The step's tool is not a supported language.
    case unknownLanguage(String)
    /// The arguments break the code tools' schema.
    case invalidArguments(language: String, [String])

    /// What went wrong and what to write instead.
    public var description: String {
        switch self {
        case .unknownLanguage(let tool):
            "no code language '\(tool)'; use one of \(CodeLanguage.allCases.map(\.rawValue).joined(separator: ", "))"
        case .invalidArguments(let language, let problems):
            "\(language): invalid arguments (\(problems.joined(separator: "; "))); "
                + "write {\"source\": \"...\", \"input\": <any JSON>}"
        }
    }
}
