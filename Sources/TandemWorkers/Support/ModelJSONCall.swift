import TandemCore
import TandemOrchestrator

/// Why a fallback answered instead of the model.
enum FallbackReason: Error, Sendable, CustomStringConvertible {
    case modelOff
    case modelFailed(String)
    case invalidJSON(String)
    case invalidOutput(String)

    var description: String {
        switch self {
        case .modelOff: "keyword: local model off"
        case .modelFailed(let why): "keyword: local model failed: \(why)"
        case .invalidJSON(let why): "keyword: model output is not valid JSON: \(why)"
        case .invalidOutput(let why): "keyword: model output rejected: \(why)"
        }
    }
}

/// One JSON generation on the local model, checked before it is trusted.
struct ModelJSONCall {
    /// The parsed, checked value, or why it cannot be used.
    let result: Result<JSONValue, FallbackReason>
    let usage: TokenUsage
    let calls: Int

    /// Calls the model (unless it is off), parses the output and checks it against the request's
    /// schema and `accept` (which returns a problem, or nil when the value is fine).
    static func run(_ model: (any LocalModelClient)?, _ request: LocalJSONRequest,
                    accept: (JSONValue) -> String? = { _ in nil }) async throws -> ModelJSONCall {
        guard let model else { return ModelJSONCall(result: .failure(.modelOff), usage: .zero, calls: 0) }
        let reply: LocalJSONReply
        do { reply = try await model.generateJSON(request) } catch {
            if error is CancellationError || Task.isCancelled { throw CancellationError() }
            return ModelJSONCall(result: .failure(.modelFailed(String(describing: error))), usage: .zero, calls: 1)
        }
        let value: JSONValue
        do { value = try JSONParser.parse(reply.text, maxDepth: 64) } catch {
            return ModelJSONCall(result: .failure(.invalidJSON(error.description)), usage: reply.usage, calls: 1)
        }
        if let problem = JSONSchemaChecker(schema: request.schema).violations(of: value).first {
            return ModelJSONCall(result: .failure(.invalidOutput(problem.description)), usage: reply.usage, calls: 1)
        }
        if let problem = accept(value) {
            return ModelJSONCall(result: .failure(.invalidOutput(problem)), usage: reply.usage, calls: 1)
        }
        return ModelJSONCall(result: .success(value), usage: reply.usage, calls: 1)
    }
}

/// Rough token counts for work the fallback did instead of the model, so the cost table can
/// still say what a model pipeline would have used (about four characters per token).
enum TokenEstimate {
    static func tokens(_ text: String) -> Int { (text.utf8.count + 3) / 4 }

    static func usage(prompt: String, output: JSONValue) -> TokenUsage {
        TokenUsage(promptTokens: tokens(prompt), generatedTokens: tokens(JSONWriter.compact(output)))
    }
}

extension StepOutput {
    /// The output of a single-answer local tool: the model's value, or the fallback's with why.
    static func local(value: JSONValue, model: (any LocalModelClient)?, call: ModelJSONCall?, fallback: FallbackReason?,
                      promptText: String) -> StepOutput {
        let usage = call?.usage ?? .zero
        return StepOutput(value: value, model: call.flatMap { $0.calls > 0 ? model?.modelName : nil }, usage: usage,
                          estimatedUsage: call?.calls ?? 0 > 0 ? .zero : TokenEstimate.usage(prompt: promptText, output: value),
                          modelCalls: call?.calls ?? 0, cacheHits: usage.cachedPromptTokens > 0 ? 1 : 0,
                          units: 1, fallbackUnits: fallback == nil ? 0 : 1, fallback: fallback?.description)
    }
}
