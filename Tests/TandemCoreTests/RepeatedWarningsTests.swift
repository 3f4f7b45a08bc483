import Foundation
import Testing
import TandemCore

/// Per-item warnings are counted and worded once.
@Suite struct RepeatedWarningsTests {
    @Test func countsAreReportedOnceWithTheTotal() {
        let key = "test.\(UUID().uuidString)"
        RepeatedWarnings.considered(key, 1858)
        for i in 0..<412 {
            RepeatedWarnings.note(key, item: "item \(i)") { count, total in
                "\(RepeatedWarnings.count(count)) of \(RepeatedWarnings.count(total)) texts were cut"
            }
        }
        #expect(RepeatedWarnings.drain(prefix: key) == ["412 of 1,858 texts were cut"])
        #expect(RepeatedWarnings.drain(prefix: key).isEmpty, "reported once, then started over")
    }
}
