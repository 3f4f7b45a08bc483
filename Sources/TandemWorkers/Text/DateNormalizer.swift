import TandemOrchestrator

/// Finds dates as receipts print them and writes them as ISO `yyyy-mm-dd`:
/// `25/12/2018`, `18-03-18`, `2018/02/22`, `20180428`, `05 MAR 2018`, `14/MAY/2017`, `MAR 5, 2018`.
public enum DateNormalizer {
    /// Which field comes first in all-numeric dates such as `03/04/2018`.
    public enum Order: String, Sendable {
        /// `dd/mm/yyyy` (most of the world, and the receipts Tandem was built on).
        case dayFirst = "dmy"
        /// `mm/dd/yyyy`.
        case monthFirst = "mdy"
    }

    /// A date found in text.
    public struct Found: Sendable, Equatable {
        /// The date as written.
        public var text: String
        /// The date as `yyyy-mm-dd`.
        public var iso: String
        /// Offset of the match in the searched text, in characters.
        public var offset: Int
    }

    private static let months = "JAN(?:UARY)?|FEB(?:RUARY)?|MAR(?:CH)?|MAC|APR(?:IL)?|MAY|MEI|JUNE?|JULY?|AUG(?:UST)?|OGO|SEPT?(?:EMBER)?|OCT(?:OBER)?|OKT|NOV(?:EMBER)?|DEC(?:EMBER)?|DIS"
    private static let yearFirst = TextPattern(#"(?<!\d)((?:19|20)\d{2})([/.-])(\d{1,2})\2(\d{1,2})(?!\d)"#)
    private static let numeric = TextPattern(#"(?<!\d)(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)"#)
    private static let dayMonthName = TextPattern(#"(?<![\dA-Z])(\d{1,2})(?:ST|ND|RD|TH)?[\s/.-]*("# + months + #")[A-Z]*[\s/.,-]*((?:19|20)\d{2}|\d{2})(?!\d)"#)
    private static let monthNameDay = TextPattern(#"(?<![A-Z])("# + months + #")[A-Z]*[\s/.-]*(\d{1,2})(?:ST|ND|RD|TH)?[\s,]+((?:19|20)\d{2})(?!\d)"#)
    private static let compact = TextPattern(#"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)"#)

    /// The ISO form of the first date in `text`, nil when there is none.
    public static func iso(_ text: String, order: Order = .dayFirst) -> String? {
        firstDate(in: text, order: order)?.iso
    }

    /// The earliest valid date in `text`.
    public static func firstDate(in text: String, order: Order = .dayFirst) -> Found? {
        allDates(in: text, order: order).first
    }

    /// Every valid date in `text`, in reading order (overlapping readings dropped).
    public static func allDates(in text: String, order: Order = .dayFirst) -> [Found] {
        var found: [(Range<String.Index>, Found)] = []
        func add(_ m: TextPattern.Match, _ y: Int?, _ mo: Int?, _ d: Int?) {
            guard let y, let mo, let d, let iso = isoString(year: y, month: mo, day: d) else { return }
            if found.contains(where: { $0.0.overlaps(m.range) }) { return }
            found.append((m.range, Found(text: m.text, iso: iso, offset: text.distance(from: text.startIndex, to: m.range.lowerBound))))
        }
        for m in yearFirst.allMatches(in: text) { add(m, int(m[1]), int(m[3]), int(m[4])) }
        for m in numeric.allMatches(in: text) {
            guard let a = int(m[1]), let b = int(m[3]) else { continue }
            var (day, month) = order == .dayFirst ? (a, b) : (b, a)
            if month > 12 && day <= 12 { swap(&day, &month) }  // the other order is the only valid reading
            add(m, int(m[4]), month, day)
        }
        for m in dayMonthName.allMatches(in: text) { add(m, int(m[3]), monthNumber(m[2]), int(m[1])) }
        for m in monthNameDay.allMatches(in: text) { add(m, int(m[3]), monthNumber(m[1]), int(m[2])) }
        for m in compact.allMatches(in: text) { add(m, int(m[1]), int(m[2]), int(m[3])) }
        return found.sorted { $0.1.offset < $1.1.offset }.map(\.1)
    }

    /// `yyyy-mm-dd` when the parts make a real calendar date (two-digit years: 70–99 → 19xx).
    static func isoString(year rawYear: Int, month: Int, day: Int) -> String? {
        let year = rawYear < 100 ? (rawYear < 70 ? 2000 + rawYear : 1900 + rawYear) : rawYear
        guard (1970...2099).contains(year), (1...12).contains(month) else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[month - 1]).contains(day) else { return nil }
        return "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }

    private static func int(_ s: String?) -> Int? { s.flatMap { Int($0) } }

    private static func monthNumber(_ name: String?) -> Int? {
        guard let name = name?.uppercased() else { return nil }
        let table: [(String, Int)] = [("JAN", 1), ("FEB", 2), ("MAR", 3), ("MAC", 3), ("APR", 4), ("MAY", 5), ("MEI", 5),
                                      ("JUN", 6), ("JUL", 7), ("AUG", 8), ("OGO", 8), ("SEP", 9), ("OCT", 10), ("OKT", 10),
                                      ("NOV", 11), ("DEC", 12), ("DIS", 12)]
        return table.first { name.hasPrefix($0.0) }?.1
    }
}
