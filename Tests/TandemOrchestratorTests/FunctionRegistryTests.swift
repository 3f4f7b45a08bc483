import Testing
import TandemCore
import TandemOrchestrator
import TandemTestSupport
import TandemWorkers

@Suite struct FunctionRegistryTests {
    let worker = FunctionWorker(registry: .standard)

    func call(_ tool: String, _ args: JSONValue) async throws -> JSONValue {
        try await worker.run(StepCall(stepID: "t", tool: tool, args: args)).value
    }

    @Test func registrationRejectsDuplicatesBadNamesAndNonObjectSchemas() {
        var registry = FunctionRegistry.standard
        #expect(throws: FunctionRegistryError.duplicateName("sum_amounts")) {
            try registry.register(name: "sum_amounts", description: "", args: [:], result: [:]) { $0 }
        }
        #expect(throws: FunctionRegistryError.invalidName("a.b")) {
            try registry.register(name: "a.b", description: "", args: [:], result: [:]) { $0 }
        }
        #expect(throws: FunctionRegistryError.schemaNotObject("x")) {
            try registry.register(name: "x", description: "", args: "string", result: [:]) { $0 }
        }
    }

    @Test func catalogExportsNamesDescriptionsAndSchemas() throws {
        let catalog = FunctionRegistry.standard.catalogJSON.arrayValue ?? []
        #expect(catalog.compactMap { $0["name"]?.stringValue } == ["check_total", "currency_parse", "normalize_date", "sum_amounts", "total_by_category"])
        #expect(catalog.allSatisfy { ($0["description"]?.stringValue?.count ?? 0) > 20 && $0["args"]?["type"] == "object" && $0["result"]?["type"] == "object" })
        let full = try standardRegistry().catalogJSON
        #expect(full["kinds"] == ["local_model", "function", "code"])
        #expect((full["tools"]?.arrayValue?.count ?? 0) == 13)  // 6 local tools, 5 functions, python and sh
    }

    @Test func sumAmountsReadsNumbersTextAndObjects() async throws {
        let r = try await call("sum_amounts", ["amounts": [1.1, "RM 2.20", ["amount": 3.3], ["amount": "n/a"], nil]])
        #expect(r == ["total": 6.6, "count": 3, "skipped": 2])
    }

    @Test func checkTotalComparesWithTolerance() async throws {
        let items: JSONValue = [["amount": 10.0], ["amount": 5.55]]
        #expect(try await call("check_total", ["items": items, "total": "RM 15.55"])["matches"] == true)
        let off = try await call("check_total", ["items": items, "total": 15.6, "tolerance": 0.01])
        #expect(off["matches"] == false && off["difference"] == 0.05)
        #expect(try await call("check_total", ["items": items, "total": 15.6, "tolerance": 0.05])["matches"] == true)
        #expect(try await call("check_total", ["items": items, "total": nil])["matches"] == .null)
    }

    @Test func normalizeDateHandlesReceiptFormats() async throws {
        let cases: [(String, String?)] = [
            ("25/12/2018", "2018-12-25"), ("DATE: 18-03-18 10:22", "2018-03-18"), ("2018/02/22 13:34", "2018-02-22"),
            ("20180428", "2018-04-28"), ("05 MAR 2018 18:24", "2018-03-05"), ("14/MAY/2017", "2017-05-14"),
            ("05-JAN-2017", "2017-01-05"), ("March 5, 2018", "2018-03-05"), ("6/4/2018", "2018-04-06"),
            ("12/31/2018", "2018-12-31"), ("31/02/2018", nil), ("TEL 03-7731 8169", nil), ("no date", nil),
        ]
        for (text, iso) in cases {
            #expect(try await call("normalize_date", ["text": .string(text)])["iso"] == (iso.map { .string($0) } ?? .null), "\(text)")
        }
        #expect(try await call("normalize_date", ["text": "03/04/2018", "order": "mdy"])["iso"] == "2018-03-04")
    }

    @Test func currencyParseReadsCommonSpellings() async throws {
        let cases: [(String, Double?, String?)] = [
            ("RM 3.90", 3.9, "RM"), ("$8.20", 8.2, "$"), ("1,007.50", 1007.5, nil), ("1.007,50 EUR", 1007.5, "EUR"),
            ("-0.02", -0.02, nil), ("(12.00)", -12, nil), (".01", 0.01, nil), ("12.00 SR", 12, nil), ("total due", nil, nil),
        ]
        for (text, amount, currency) in cases {
            let r = try await call("currency_parse", ["text": .string(text)])
            #expect(r["amount"] == (amount.map { .number($0) } ?? .null), "\(text)")
            #expect(r["currency"] == (currency.map { .string($0) } ?? .null), "\(text)")
        }
    }

    @Test func badArgumentsAreAClearError() async {
        await #expect {
            _ = try await call("sum_amounts", ["amount": [1]])
        } throws: { error in
            "\(error)".contains("missing required field \"amounts\"") && "\(error)".contains("unexpected field \"amount\"")
        }
    }
}
