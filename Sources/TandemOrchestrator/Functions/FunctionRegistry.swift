import TandemCore

/// A Swift function callable from plans.
public struct RegisteredFunction: Sendable {
    /// Name, description and schemas.
    public let descriptor: ToolDescriptor
    /// The function: arguments object in, result out.
    public let body: @Sendable (JSONValue) async throws -> JSONValue
}

/// Swift functions registered with a name, a description and JSON Schemas for arguments and
/// result; the catalog goes into the planner prompt.
public struct FunctionRegistry: Sendable {
    private var functions: [String: RegisteredFunction] = [:]

    /// An empty registry (`FunctionRegistry.standard` has the built-ins).
    public init() {}

    /// Adds a function. Names are unique; schemas must be JSON Schema objects.
    public mutating func register(name: String, description: String, args: JSONValue, result: JSONValue,
                                  _ body: @escaping @Sendable (JSONValue) async throws -> JSONValue) throws(FunctionRegistryError) {
        guard !name.isEmpty, name.allSatisfy(ReferenceSyntax.isNameCharacter) else { throw .invalidName(name) }
        guard functions[name] == nil else { throw .duplicateName(name) }
        guard args.objectValue != nil, result.objectValue != nil else { throw .schemaNotObject(name) }
        let descriptor = ToolDescriptor(kind: .function, name: name, description: description, argsSchema: args, resultSchema: result)
        functions[name] = RegisteredFunction(descriptor: descriptor, body: body)
    }

    /// The function called `name`.
    public func function(named name: String) -> RegisteredFunction? { functions[name] }

    /// Every function's descriptor, by name.
    public var descriptors: [ToolDescriptor] { functions.values.map(\.descriptor).sorted { $0.name < $1.name } }

    /// `[{"name", "description", "args", "result"}, ...]` for the planner prompt.
    public var catalogJSON: JSONValue {
        .array(descriptors.map { ["name": .string($0.name), "description": .string($0.description), "args": $0.argsSchema, "result": $0.resultSchema] })
    }
}

/// A function could not be registered.
public enum FunctionRegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another function has this name.
    case duplicateName(String)
    /// Names use letters, digits, `_` and `-`.
    case invalidName(String)
    /// The argument or result schema is not a JSON object.
    case schemaNotObject(String)

    /// What went wrong and how to fix it.
    public var description: String {
        switch self {
        case .duplicateName(let n): "a function named '\(n)' is already registered; pick another name"
        case .invalidName(let n): "function name '\(n)' may use only letters, digits, '_' and '-'"
        case .schemaNotObject(let n): "function '\(n)': argument and result schemas must be JSON Schema objects"
        }
    }
}

/// A function call went wrong.
public enum FunctionCallError: Error, Sendable, CustomStringConvertible {
    /// No function has this name.
    case unknownFunction(String)
    /// The arguments break the function's schema.
    case invalidArguments(function: String, [SchemaViolation])
    /// The function returned something its result schema does not allow (a bug in the function).
    case invalidResult(function: String, [SchemaViolation])
    /// The function rejected its input.
    case failed(function: String, String)

    /// What went wrong.
    public var description: String {
        switch self {
        case .unknownFunction(let n): "no function named '\(n)' is registered"
        case .invalidArguments(let n, let v): "\(n): invalid arguments: \(v.map(\.description).joined(separator: "; "))"
        case .invalidResult(let n, let v): "\(n) returned a result that breaks its own schema: \(v.map(\.description).joined(separator: "; "))"
        case .failed(let n, let why): "\(n): \(why)"
        }
    }
}

/// Runs `function` steps from a `FunctionRegistry`, checking arguments and results against the
/// declared schemas.
public struct FunctionWorker: Worker {
    /// "functions".
    public let name = "functions"
    /// `.function`.
    public let kind = StepKind.function
    /// The functions this worker calls.
    public let registry: FunctionRegistry

    /// Creates a worker over `registry`.
    public init(registry: FunctionRegistry) { self.registry = registry }

    /// Every registered function.
    public var tools: [ToolDescriptor] { registry.descriptors }

    /// Calls the function named by `call.tool`.
    public func run(_ call: StepCall) async throws -> StepOutput {
        guard let function = registry.function(named: call.tool) else { throw FunctionCallError.unknownFunction(call.tool) }
        let argsProblems = JSONSchemaChecker(schema: function.descriptor.argsSchema).violations(of: call.args)
        guard argsProblems.isEmpty else { throw FunctionCallError.invalidArguments(function: call.tool, argsProblems) }
        let value = try await function.body(call.args)
        let resultProblems = JSONSchemaChecker(schema: function.descriptor.resultSchema).violations(of: value)
        guard resultProblems.isEmpty else { throw FunctionCallError.invalidResult(function: call.tool, resultProblems) }
        return StepOutput(value: value)
    }
}
