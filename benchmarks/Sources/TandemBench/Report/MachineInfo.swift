import Foundation
import TandemCore
import TandemRuntime

/// What the figures were measured on: CPU, cores, threads, GPUs, and the Tandem revision.
enum MachineInfo {
    static func describe(threads: Int) -> JSONValue {
        let gpus = BackendRegistry.gpuDevices()
        return [
            "cpu_model": .string(cpuModel()),
            "cores": .number(Double(ProcessInfo.processInfo.activeProcessorCount)),
            "threads": .number(Double(threads)),
            "memory_bytes": .number(Double(ProcessInfo.processInfo.physicalMemory)),
            "gpu": gpus.isEmpty ? .null : .array(gpus.map { ["name": .string($0.name), "description": .string($0.description),
                                                             "memory_bytes": .number(Double($0.memoryTotal))] }),
            "os": .string(ProcessInfo.processInfo.operatingSystemVersionString),
            "openmp_spin": .string(openMPSpin()),
        ]
    }

    /// How Tandem's OpenMP workers wait (llama.cpp's tools run with the user's own settings).
    static func openMPSpin() -> String {
        let env = ProcessInfo.processInfo.environment
        if let n = OpenMPSpinTuning.appliedSpinCount { return "GOMP_SPINCOUNT=\(n) (Tandem's default)" }
        if let p = env["OMP_WAIT_POLICY"] { return "OMP_WAIT_POLICY=\(p)" + (env["GOMP_SPINCOUNT"].map { ", GOMP_SPINCOUNT=\($0)" } ?? "") }
        return env["GOMP_SPINCOUNT"].map { "GOMP_SPINCOUNT=\($0)" } ?? "libgomp default"
    }

    /// `model name` from /proc/cpuinfo (Linux), else "unknown".
    static func cpuModel() -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/cpuinfo"),
              let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":") else { return "unknown" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    /// `git rev-parse --short HEAD` in the working directory, "+dirty" when files differ, else "unknown".
    static func tandemCommit() async -> String {
        guard let head = try? await ToolProcess.run("/usr/bin/env", ["git", "rev-parse", "--short", "HEAD"], timeoutSeconds: 10) else {
            return "unknown"
        }
        let commit = head.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !commit.isEmpty else { return "unknown" }
        let status = try? await ToolProcess.run("/usr/bin/env", ["git", "status", "--porcelain", "--untracked-files=no"], timeoutSeconds: 10)
        let dirty = status.map { !$0.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? false
        return dirty ? commit + "+dirty" : commit
    }
}
