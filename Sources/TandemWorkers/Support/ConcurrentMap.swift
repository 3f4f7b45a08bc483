import TandemOrchestrator

/// Runs `body` over `items` with at most `limit` calls in flight, results in input order.
///
/// Local-model tools use it so that many small calls reach the runtime at once and decode in one
/// batch, without flooding it when a list is long.
func concurrentMap<T: Sendable, R: Sendable>(_ items: [T], limit: Int,
                                             _ body: @escaping @Sendable (T) async throws -> R) async throws -> [R] {
    var results = [R?](repeating: nil, count: items.count)
    try await withThrowingTaskGroup(of: (Int, R).self) { group in
        var next = 0
        func launch() {
            let i = next
            next += 1
            group.addTask { (i, try await body(items[i])) }
        }
        while next < min(limit, items.count) { launch() }
        while let (i, result) = try await group.next() {
            results[i] = result
            if next < items.count { launch() }
        }
    }
    return results.map { $0! }
}
