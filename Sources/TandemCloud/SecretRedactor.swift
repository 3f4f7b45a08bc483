/// Scrubs secret values (API keys) out of text before it reaches an error, a log line or a trace.
///
/// A server may echo the key back (in an error body, a reflected header); anything derived from
/// network text goes through `scrub` first. Excerpts are also shortened and flattened to one line.
public struct SecretRedactor: Sendable {
    /// What a secret is replaced with.
    public static let mask = "[redacted]"
    private let secrets: [String]

    /// A redactor for `secrets`; empty strings are ignored.
    public init(secrets: [String]) {
        // Longest first, so a key that contains another key is removed whole.
        self.secrets = Array(Set(secrets.filter { !$0.isEmpty })).sorted { $0.count > $1.count }
    }

    /// `text` with every occurrence of every secret replaced by `mask`.
    public func scrub(_ text: String) -> String {
        var out = text
        for secret in secrets where out.contains(secret) {
            out = out.replacing(secret, with: Self.mask)
        }
        return out
    }

    /// A short one-line excerpt of `text`, scrubbed (the secret is removed before cutting, so a
    /// cut can never leave a recognisable half of a key).
    public func excerpt(_ text: String, limit: Int = 240) -> String {
        let flat = scrub(text).map { $0.isNewline || $0 == "\t" ? " " : $0 }
        let trimmed = String(flat).trimmingCharacters(in: " ")
        return trimmed.count > limit ? String(trimmed.prefix(limit)) + "…" : trimmed
    }
}

private extension String {
    func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
