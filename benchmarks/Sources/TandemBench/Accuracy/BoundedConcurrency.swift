/// Runs `body` over `items` with at most `limit` calls in flight, results in input order. The
/// engine decodes whatever is in flight together, so this is how rows reach it as one batch.
func boundedConcurrentMap<T: Sendable, R: Sendable>(_ items: [T], limit: Int, progress: ProgressBar?,
                                                    _ body: @escaping @Sendable (T) async -> R) async -> [R] {
    var results = [R?](repeating: nil, count: items.count)
    await withTaskGroup(of: (Int, R).self) { group in
        var next = 0
        func launch() {
            let i = next
            next += 1
            group.addTask { (i, await body(items[i])) }
        }
        while next < min(limit, items.count) { launch() }
        while let (i, result) = await group.next() {
            results[i] = result
            progress?.advance()
            if next < items.count { launch() }
        }
    }
    return results.map { $0! }
}
