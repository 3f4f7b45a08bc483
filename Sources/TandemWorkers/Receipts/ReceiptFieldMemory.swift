import Foundation
import TandemCore
import TandemOrchestrator

/// Company names and addresses taught from a user's labelled receipts, used to read the same
/// shops' later receipts right.
///
/// Receipts come back from the same shops, and a labelled receipt carries the shop's name and
/// address as the user wants them written. For a new receipt, every taught value whose words
/// mostly occur in the text is looked for in its OCR lines (`OCRSpanMatcher`); the closest match
/// replaces the extracted field, spelt as taught where the receipt has OCR slips and as printed
/// where it really differs (another branch's number). How close a match must be is learned per
/// field from the examples themselves (`ReceiptMemoryGate`); a field whose recalls did not beat
/// the rules on them is left alone, so a memory never knowingly makes extraction worse.
public struct ReceiptFieldMemory: Sendable {
    /// The fields a memory corrects: the ones that stay the same on every receipt of a shop.
    public static let fieldNames = ["company", "address"]
    /// Taught values searched for per field and receipt: those sharing the most words with it.
    static let searched = 8

    /// One labelled receipt.
    public struct Example: Sendable, Equatable {
        /// The OCR text, one line per text box.
        public var text: String
        /// Gold fields by name (`company`, `address`, …; others are ignored).
        public var fields: [String: String]
        /// Creates an example.
        public init(text: String, fields: [String: String]) { self.text = text; self.fields = fields }

        /// The example a labelled-receipt record holds (`{"text": …, "fields": {…}}`, the
        /// fixtures' schema; fields that are not strings are left out); nil without a string
        /// `text` or a `fields` object.
        public init?(record: JSONValue) {
            guard let text = record["text"]?.stringValue, let fields = record["fields"]?.objectValue else { return nil }
            self.init(text: text, fields: Dictionary(fields.compactMap { k, v in v.stringValue.map { (k, $0) } },
                                                     uniquingKeysWith: { a, _ in a }))
        }
    }

    /// A field read from a receipt by way of a taught value.
    public struct Recall: Sendable, Equatable {
        /// The field's new value.
        public let text: String
        /// The taught value that matched.
        public let known: String
        /// Edits per character between the receipt's span and `known`.
        public let distance: Double
    }

    /// How close a match must be: learned from the examples, or fixed for every field.
    public enum Closeness: Sendable, Equatable {
        /// Per field, the closeness that fixed the most of the rules' misses (net of the rules'
        /// hits it broke) on the examples, each read with a memory of the others; off when none did.
        case learned
        /// This many edits per character, for every field.
        case fixed(Double)
    }

    private struct Known: Sendable {
        let value: String
        let words: Set<String>
        /// Examples carrying this exact value (leave-one-out needs to know if it is the only one).
        var count: Int
    }

    /// Labelled receipts taught.
    public let exampleCount: Int
    /// Per field, how close a recall must be to replace it.
    public private(set) var gates: [String: ReceiptMemoryGate] = [:]
    /// How often the rules are right when unsure, per field, on the same examples.
    public let calibration: ReceiptRulesCalibration
    /// Which fields' choices the model earned on the same examples; nil until learned with a
    /// model (`ReceiptChoiceGate.learn`), and then every unsure field is asked.
    public var choiceGate: ReceiptChoiceGate?
    private let known: [String: [Known]]

    /// A memory of `examples`' company and address values.
    public init(examples: [Example], closeness: Closeness = .learned) {
        exampleCount = examples.count
        // The rules read each example once; the calibration and every gate share that reading.
        let ruled = examples.map { ReceiptEvidenceReader.read($0.text) }
        calibration = ReceiptRulesCalibration(examples: examples, evidence: ruled)
        var known: [String: [Known]] = [:]
        for field in Self.fieldNames {
            var index: [String: Int] = [:]
            for example in examples {
                guard let value = Self.value(field, of: example) else { continue }
                if let i = index[value] { known[field]![i].count += 1; continue }
                index[value] = known[field, default: []].count
                known[field, default: []].append(Known(value: value, words: Self.words(value), count: 1))
            }
        }
        self.known = known
        for field in Self.fieldNames {
            switch closeness {
            case .fixed(let d): gates[field] = ReceiptMemoryGate(maxDistance: d)
            case .learned: gates[field] = ReceiptMemoryGate.learn(field: field, examples: examples, ruled: ruled) { text, example, limit in
                self.recall(field, in: text, maxDistance: limit, excluding: example)
            }
            }
        }
    }

    /// Distinct taught values of `field`.
    public func valueCount(_ field: String) -> Int { known[field]?.count ?? 0 }

    /// One line per field: values taught and the gate, e.g. `address: 52 values, up to 0.15
    /// edits/char (fixed 5, broke 1 of 96 examples read back)`.
    public var summary: [String] {
        Self.fieldNames.map { field in
            let gate = gates[field] ?? ReceiptMemoryGate(maxDistance: 0)
            let use = gate.maxDistance > 0 ? "up to \(gate.maxDistance) edits/char" : "off (no closeness beat the rules on the examples)"
            let learned = gate.validated > 0 ? " (fixed \(gate.wins), broke \(gate.losses) of \(gate.validated) examples read back)" : ""
            return "\(field): \(valueCount(field)) values, " + use + (gate.maxDistance > 0 ? learned : "")
        }
    }

    /// `field` of the receipt `text` read by way of the closest taught value, if one is found
    /// within the field's gate.
    public func recall(_ field: String, in text: String) -> Recall? {
        guard let limit = gates[field]?.maxDistance, limit > 0 else { return nil }
        return recall(field, in: text, maxDistance: limit, excluding: nil)
    }

    /// `fields` (a JSON object) with every field this memory recalls from `text` replaced; also
    /// names the replaced fields whose value changed.
    public func correcting(_ fields: JSONValue, text: String) -> (value: JSONValue, corrected: [String]) {
        var value = fields
        var corrected: [String] = []
        for field in Self.fieldNames {
            guard let recall = recall(field, in: text) else { continue }
            if FieldScorer.normalizedText(fields[field]?.stringValue ?? "") != FieldScorer.normalizedText(recall.text) {
                corrected.append(field)
            }
            value = value.setting(field, to: .string(recall.text))
        }
        return (value, corrected)
    }

    /// The closest taught value within `maxDistance`, leaving out what only `excluding` taught.
    func recall(_ field: String, in text: String, maxDistance: Double, excluding: Example?) -> Recall? {
        guard let candidates = known[field], !candidates.isEmpty else { return nil }
        let own = excluding.flatMap { Self.value(field, of: $0) }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let textWords = Self.words(text)
        // Cheap filter first: a taught value most of whose words are absent is another shop; of
        // the rest, only those sharing the most words are searched for (the cost of a recall
        // stays flat however many receipts were taught).
        let shortlist = candidates.compactMap { candidate -> (Known, Double)? in
            guard !candidate.words.isEmpty, !(candidate.value == own && candidate.count == 1) else { return nil }
            let shared = Double(candidate.words.intersection(textWords).count) / Double(candidate.words.count)
            return shared >= 0.5 ? (candidate, shared) : nil
        }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.value.count > $1.0.value.count }.prefix(Self.searched)
        var best: (span: OCRSpanMatcher.Span, known: String)?
        for (candidate, _) in shortlist {
            guard let span = OCRSpanMatcher.bestSpan(in: lines, for: candidate.value, maxDistance: maxDistance) else { continue }
            if let b = best {
                let better = span.distance < b.span.distance
                    || (span.distance == b.span.distance && candidate.value.count > b.known.count)
                if !better { continue }
            }
            best = (span, candidate.value)
        }
        guard let best else { return nil }
        return Recall(text: OCRSpanMatcher.conform(best.span.text, to: best.known), known: best.known, distance: best.span.distance)
    }

    /// The longest value learned: a company name or address is far shorter, and a longer one
    /// would make every search quadratic in it.
    static let maxValueLength = 300

    private static func value(_ field: String, of example: Example) -> String? {
        guard let v = example.fields[field]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty,
              v.count <= maxValueLength else { return nil }
        return v
    }

    private static func words(_ text: String) -> Set<String> {
        Set(text.uppercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init))
    }
}
