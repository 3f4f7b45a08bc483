import Foundation
import TandemCore

/// JSON-Schema-constrained generation: the schema becomes a GBNF grammar, the grammar constrains
/// sampling, the text decodes into a `Decodable` type.
public enum StructuredOutput {
    /// The grammar for `schema`; throws naming any unsupported keyword.
    public static func grammar(for schema: JSONValue) throws -> String {
        try SchemaGrammar.gbnf(for: schema)
    }
}

extension Engine {
    /// Generates JSON matching `schema` and decodes it as `T`.
    public func generate<T: Decodable>(_ type: T.Type, schema: JSONValue, input: GenerationRequest.Input,
                                       maxTokens: Int = 512) async throws -> T {
        let completion = try await complete(GenerationRequest(input, maxTokens: maxTokens, constraint: .jsonSchema(schema)))
        guard completion.finishReason == .endOfGeneration else {
            throw RuntimeError.invalidParameter(name: "max tokens", reason: "the JSON was cut off after \(maxTokens) tokens; raise max tokens")
        }
        return try JSONDecoder().decode(T.self, from: Data(completion.text.utf8))
    }
}
