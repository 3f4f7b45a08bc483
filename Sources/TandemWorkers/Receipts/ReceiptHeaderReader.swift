import Foundation
import TandemOrchestrator

/// Reads the issuing company and its address from the top of a receipt's OCR text.
///
/// The company is the first plausible name line, preferring one with a legal suffix (SDN BHD,
/// ENTERPRISE, TRADING, ...) over one with a trade word (RESTAURANT, HARDWARE, ...) over the
/// first plain line; names broken over two lines are joined. The address is the lines after it,
/// skipping registration numbers, up to the phone/tax/date lines, ending after the postcode line
/// unless the next line continues it (a trailing comma, or a state or country name) or is the one
/// line left before the phone/tax lines (a branch or site name), and not after a country.
enum ReceiptHeaderReader {
    private static let legalSuffix = TextPattern(#"\b(SDN\.?\s*BHD|BHD|BERHAD|S/B|ENTERPRISES?|TRADING|PLT|LTD|LIMITED|INC|CORP(ORATION)?|CO\.|COMPANY|LLC|GMBH)(\W|$)"#)
    private static let tradeWord = TextPattern(#"\b(RESTORAN|RESTAURANTS?|CAFE|KEDAI|PERNIAGAAN|SYARIKAT|HARDWARE|STORES?|MART|MARKET|SUPERMARKET|HYPERMARKET|PHARMACY|FARMASI|BAKERY|STATIONERY|STATIONER|BOOKS?|FLORIST|ELECTRICAL|MACHINERY|HOLDINGS|INDUSTRIES|CENTRE|CENTER|SHOP|BOUTIQUE|KITCHEN|FOODS?|PASAR|TRADERS?)\b"#)
    private static let noise = TextPattern(#"TAX\s*INVOICE|INVOICE|RECEIPT|WELCOME|THANK|CASH\s*BILL|COPY|\bTEL\b|FAX|\bGST\b|\bREG\b|\bNO\s*[.:]|DATE|TIME|CASHIER|TABLE|FORMERLY|LICENSEE|VISIT"#)
    private static let addressWord = TextPattern(#"\b(JALAN|JLN|LORONG|LRG|LOT|TAMAN|BLOCK|BLK|FLOOR|FLR|LEVEL|ROAD|STREET|AVENUE|PERSIARAN|KAWASAN)\b|\bNO\.?\s*\d|(?<!\d)\d{5}(?!\d)"#)
    private static let trailingRegistration = TextPattern(#"\s*[(<\[](?=[^)>\]]*\d)[^)>\]]*[)>\]]?\s*$"#)
    private static let suffixFirst = TextPattern(#"^(CO\.|\(M\)|SDN|BHD|BERHAD|TRADING|ENTERPRISES?|COMPANY|PLT|LTD|LIMITED|INC)\b"#)
    private static let letters2 = TextPattern(#"[A-Z]{2,}"#)
    private static let stop = TextPattern(#"\bTEL\b|TELEPHONE|\bPHONE|\bFAX\b|\bGST\b|\bREG\b|TAX\s*INVOICE|INVOICE|RECEIPT|\bDATE\b|CASHIER|@|WWW\.|HTTP|\bH/?P\b|SHOPPING HOURS|MOBILE|WHATSAPP|\bINV\b|OPEN\b|BUSINESS HOURS"#)
    private static let phone = TextPattern(#"^\W*\(?\+?\d{2,4}\)?[\s-]*\d{3,4}[\s-]*\d{3,5}\W*$"#)
    private static let registration = TextPattern(#"^\W*(CO(MPANY)?\.?\s*(REG|NO)|ROC|REG)\b|^\W*[A-Z]{0,3}\d{5,}[-\s]*[A-Z]?\W*$|^\(.*\)$"#)
    private static let dateLike = TextPattern(#"\d{1,2}[/-]\d{1,2}[/-]\d{2,4}|\d{1,2}\s*(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]*\s*\d{2,4}|\d{1,2}:\d{2}"#)
    private static let region = TextPattern(#"\b(MALAYSIA|SELANGOR|JOHOR|KUALA LUMPUR|PERAK|PENANG|PULAU PINANG|PAHANG|KEDAH|MELAKA|MALACCA|SABAH|SARAWAK|NEGERI SEMBILAN|KELANTAN|TERENGGANU|PERLIS|PUTRAJAYA|LABUAN|WILAYAH|DARUL|SINGAPORE)\b"#)
    /// A line that ends with its country ends the address (what follows is a branch or mall name).
    private static let country = TextPattern(#"\b(MALAYSIA|SINGAPORE)[\s.,]*$"#)
    private static let addressPrefix = TextPattern(#"^\s*(HQ\s*)?(ADD(RESS)?|ALAMAT)\s*[:.]\s*"#)
    /// Five or six digits that are not a lot, house or plot number (`LOT 34817 JALAN …`).
    private static let postcode = TextPattern(#"(?<!\b(?:LOT|NO|PT|P\.T|UNIT)\.?\s{0,2})(?<![\d#])\d{5,6}(?!\d)"#)
    private static let digit = TextPattern(#"\d"#)
    private static let wordOrPostcode = TextPattern(#"[A-Z]{2,}|\d{5}"#)

    /// The company name and the index of the last line it used (-1 when none was found).
    static func company(_ lines: [String]) -> (name: String, lastLine: Int) {
        let head = Array(lines.prefix(6))
        var candidates: [Int] = []
        for (i, line) in head.enumerated() where isPlausibleName(line) {
            if addressWord.matches(line) && !legalSuffix.matches(line) { break }
            candidates.append(i)
        }
        guard !candidates.isEmpty else { return ("", -1) }
        let pick = candidates.first { legalSuffix.matches(head[$0]) }
            ?? candidates.first { tradeWord.matches(head[$0]) } ?? candidates[0]
        var name = clean(head[pick])
        var last = pick
        if pick > 0, isPlausibleName(head[pick - 1]), !addressWord.matches(head[pick - 1]) {
            let previous = head[pick - 1]
            let lastWord = previous.split(separator: " ").last.map(String.init) ?? ""
            if suffixFirst.matches(name) || tradeWord.matches(lastWord) || previous.hasSuffix("&") {
                name = clean(previous) + " " + name
            }
        }
        if name.filter({ $0 == "(" }).count > name.filter({ $0 == ")" }).count, pick + 1 < lines.count {
            last = pick + 1
            name += " " + clean(lines[pick + 1])
        }
        if !legalSuffix.matches(name) {
            // A name broken over lines: join up to the line that ends it with a legal suffix.
            var parts = [name]
            for j in (last + 1)..<min(last + 3, lines.count) {
                let next = lines[j]
                if addressWord.matches(next) || noise.matches(next) || !letters2.matches(next) { break }
                parts.append(clean(next))
                if legalSuffix.matches(next) { name = parts.joined(separator: " "); last = j; break }
            }
            if name.hasSuffix("&"), last + 1 < lines.count {
                last += 1
                name += " " + clean(lines[last])
            }
        }
        return (name, last)
    }

    /// The address lines after `start`, joined with spaces.
    static func address(_ lines: [String], from start: Int) -> String { addressSpan(lines, from: start).text }

    /// How an address span ended: what tells whether the rules can be sure of its extent.
    enum AddressEnd: Equatable {
        /// At a phone, tax, date or registration line right after the postcode line: a clean end.
        case stopAfterPostcode
        /// At a line after the postcode that is neither a stop nor a continuation (a branch
        /// name, a site number): it may belong to the address.
        case unclassifiedAfterPostcode
        /// At a phone, tax or registration line that follows one more line after the postcode (a
        /// branch name, a site number), which the span takes: the address block runs up to the
        /// contact and tax block.
        case lineBeforeStop
        /// Without a postcode (a cut-off, or none printed).
        case noPostcode
    }

    /// The address span: its text, the indices of its lines, and how it ended.
    static func addressSpan(_ lines: [String], from start: Int) -> (text: String, lineIndices: [Int], end: AddressEnd) {
        var parts: [String] = []
        var used: [Int] = []
        var afterPostcode = false
        let first = max(start, 0)
        for (offset, raw) in lines.dropFirst(first).prefix(8).enumerated() {
            let line = addressText(raw)
            if dateLike.matches(line) { if parts.isEmpty { continue } else { return (parts.joined(separator: " "), used, afterPostcode ? .stopAfterPostcode : .noPostcode) } }
            if afterPostcode, let previous = parts.last, !previous.hasSuffix(","), !region.matches(line) {
                let isStop = endsBlock(line) || !wordOrPostcode.matches(line)
                if !isStop, !country.matches(previous), first + offset + 1 < lines.count, endsBlock(addressText(lines[first + offset + 1])) {
                    return ((parts + [line]).joined(separator: " "), used + [first + offset], .lineBeforeStop)
                }
                return (parts.joined(separator: " "), used, isStop ? .stopAfterPostcode : .unclassifiedAfterPostcode)
            }
            if stop.matches(line) || phone.matches(line) {
                if parts.isEmpty { continue }
                return (parts.joined(separator: " "), used, afterPostcode ? .stopAfterPostcode : .noPostcode)
            }
            if registration.matches(line) || !wordOrPostcode.matches(line) { continue }
            // Branch names and slogans come before the street line; an address starts with a number or street word.
            if parts.isEmpty && !addressWord.matches(line) && !digit.matches(line) { continue }
            parts.append(line)
            used.append(first + offset)
            if postcode.matches(line) { afterPostcode = true }
        }
        return (parts.joined(separator: " "), used, afterPostcode ? .stopAfterPostcode : .noPostcode)
    }

    /// True for a phone, tax or registration line (an "ADDRESS:" prefix already dropped): where
    /// the header's address block ends.
    private static func endsBlock(_ line: String) -> Bool {
        stop.matches(line) || phone.matches(line) || registration.matches(line)
    }

    /// Lines that could start an address or a company name: not a phone, registration, date or
    /// stop line, with some letters or a postcode.
    static func isSpanLine(_ raw: String) -> Bool {
        let line = addressText(raw)
        return !dateLike.matches(line) && !endsBlock(line) && wordOrPostcode.matches(line)
    }

    /// The cleaned address text of one line (an "ADDRESS:" prefix dropped).
    static func addressText(_ raw: String) -> String { addressPrefix.replacing(in: raw, with: "") }

    /// True when the name carries a trade word (RESTORAN, PERNIAGAAN, HARDWARE, ...).
    static func hasTradeWord(_ name: String) -> Bool { tradeWord.matches(name) }

    /// True when the line reads as part of an address (a street word, a house number, a postcode).
    static func isAddressLine(_ line: String) -> Bool { addressWord.matches(line) && !legalSuffix.matches(line) }

    /// True when the name carries a legal suffix (SDN BHD, ENTERPRISE, TRADING, ...).
    static func hasLegalSuffix(_ name: String) -> Bool { legalSuffix.matches(name) }

    /// Name lines near the top: the plausible ones among the first `limit` lines, cleaned.
    static func nameLines(_ lines: [String], limit: Int = 8) -> [(index: Int, text: String)] {
        lines.prefix(limit).enumerated().filter { isPlausibleName($0.element) && !phone.matches($0.element) }
            .map { ($0.offset, clean($0.element)) }
    }

    private static func clean(_ line: String) -> String {
        trailingRegistration.replacing(in: line, with: "").trimmingCharacters(in: .whitespaces)
    }

    private static func isPlausibleName(_ line: String) -> Bool {
        let s = clean(line)
        if s.hasPrefix("(") || s.hasPrefix("<") { return false }
        let letters = s.filter(\.isLetter).count
        let visible = s.filter { $0 != " " }.count
        return letters >= 3 && Double(letters) >= 0.6 * Double(visible) && !noise.matches(s)
    }
}
