/// Finds dependency cycles in linear time (iterative depth-first search, so a 10,000-step chain
/// cannot overflow the stack).
enum CycleDetector {
    /// Each cycle as node indices `[a, b, c, a]`, where each node depends on the next.
    /// At most `limit` cycles are returned; self-edges are the caller's to report.
    static func cycles(dependencies: [[Int]], limit: Int = 20) -> [[Int]] {
        let n = dependencies.count
        var state = [UInt8](repeating: 0, count: n)  // 0 unvisited, 1 on the stack, 2 done
        var position = [Int](repeating: -1, count: n)
        var found: [[Int]] = []
        var stack: [(node: Int, next: Int)] = []
        for start in 0..<n where state[start] == 0 {
            state[start] = 1
            position[start] = 0
            stack.append((start, 0))
            while let top = stack.last {
                let edges = dependencies[top.node]
                if top.next < edges.count {
                    stack[stack.count - 1].next += 1
                    let target = edges[top.next]
                    if target == top.node { continue }
                    switch state[target] {
                    case 0:
                        state[target] = 1
                        position[target] = stack.count
                        stack.append((target, 0))
                    case 1 where found.count < limit:
                        found.append(stack[position[target]...].map(\.node) + [target])
                    default: break
                    }
                } else {
                    state[top.node] = 2
                    position[top.node] = -1
                    stack.removeLast()
                }
            }
        }
        return found
    }
}
