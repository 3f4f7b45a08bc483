import Foundation

/// CPU time (user + system, all threads) a process has used so far, so a run's cost can be split
/// between the bench and a server it drives on the same cores.
enum ProcessCPU {
    /// Seconds of CPU used by process `pid`, from `/proc/<pid>/stat`; nil when it cannot be read.
    static func seconds(pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // The name in parentheses may hold spaces: fields are counted after it, from field 3
        // (state); utime and stime are fields 14 and 15, in clock ticks.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Seconds of CPU used by this process.
    static var ownSeconds: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
