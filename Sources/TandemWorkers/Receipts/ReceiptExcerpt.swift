import Foundation

/// The lines of a receipt a choice question needs: the shop's heading and the lines around each
/// option (of every choice asked about the receipt, so the choices share one prompt prefix). Choosing among candidate spans needs their context (a TOTAL label above an amount,
/// the lines before an address), not the whole receipt: on a CPU the prompt's prefill is most of
/// a choice's cost. On the dev receipts, the field prompts shrank from 9,895 to 6,129 tokens
/// (60 receipts) with two lines either side of an option, and from 12,501 to 11,698 (120
/// receipts) with one, the decisions as accurate.
public enum ReceiptExcerpt {
    /// Lines kept from the top of the receipt (the shop's name and heading).
    public static let headingLines = 3
    /// Lines kept before and after each line an option is printed on.
    public static let context = 1
    /// Shortest line matched as part of an option spread over several lines.
    static let minimumPart = 4

    /// The excerpt as the model sees it: the kept lines in order, `...` where lines were left out.
    public static func text(_ text: String, options: [String]) -> String {
        let lines = text.split(whereSeparator: \.isNewline).map { String($0.prefix(ReceiptPrompt.maxLineCharacters)) }
        let keep = keptLines(lines, options: options)
        var out: [String] = []
        var last = -1
        for i in keep.sorted() {
            if i > last + 1 { out.append("...") }
            out.append(lines[i])
            last = i
        }
        if last < lines.count - 1 { out.append("...") }
        return "Receipt OCR text (the lines around the options):\n" + out.joined(separator: "\n") + "\n\n"
    }

    /// Indices of the heading and of every line within `context` of a line holding (part of) an option.
    static func keptLines(_ lines: [String], options: [String]) -> Set<Int> {
        var keep = Set(0..<min(headingLines, lines.count))
        let wanted = options.map { $0.uppercased() }.filter { !$0.isEmpty }
        for (i, line) in lines.enumerated() {
            let upper = line.uppercased().trimmingCharacters(in: .whitespaces)
            guard !upper.isEmpty else { continue }
            // A line holds an option, or is one of the lines an option joins (an address).
            let hit = wanted.contains { $0.count <= upper.count ? upper.contains($0) : (upper.count >= minimumPart && $0.contains(upper)) }
            if hit { keep.formUnion(max(0, i - context)...min(lines.count - 1, i + context)) }
        }
        // A receipt longer than the model's bound keeps its first kept lines.
        return Set(keep.sorted().prefix(ReceiptPrompt.maxLines))
    }
}
