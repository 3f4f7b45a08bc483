/// Tokens one request consumed, as the server reported them.
public struct TokenUsage: Sendable, Equatable {
    /// Prompt tokens (for Anthropic: including cache reads and writes).
    public var inputTokens: Int
    /// Generated tokens.
    public var outputTokens: Int

    /// A usage record.
    public init(inputTokens: Int, outputTokens: Int) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }

    /// No tokens.
    public static let zero = TokenUsage(inputTokens: 0, outputTokens: 0)
}
