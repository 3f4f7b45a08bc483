import Foundation

/// Bounds how long llama.cpp's OpenMP worker threads spin after each parallel region.
///
/// libgomp's default spin (300,000 `pause` iterations, milliseconds on recent x86) keeps every
/// worker busy between two decode steps. llama.cpp's own tools run nothing else, so it costs
/// them nothing; Tandem runs its scheduler, samplers and many request tasks beside the decode,
/// and those threads then wait for a core behind spinning workers (measured on 2 cores and on a
/// 16-core GPU host). libgomp reads its settings once, when it is loaded with libggml-base,
/// before any Swift code runs, so the only way to change them for this process is to set the
/// variable and re-execute the binary: `applyByReexecuting()` does that once, at the start of
/// `main`, unless the user has set `OMP_WAIT_POLICY` or `GOMP_SPINCOUNT` themselves.
///
/// `TANDEM_OMP_SPIN=N` picks the spin count (`default` leaves libgomp alone). Child processes
/// that should run with libgomp's defaults (llama.cpp's tools in the benchmark) get
/// `environmentForChildren`.
public enum OpenMPSpinTuning {
    /// Spin iterations Tandem asks for when the user set nothing.
    public static let defaultSpinCount = "10000"
    static let marker = "TANDEM_OMP_SPIN_APPLIED"

    /// Sets `GOMP_SPINCOUNT` and re-executes `/proc/self/exe` with the same arguments; returns
    /// (doing nothing) when already applied, when the user configured OpenMP, when asked not to,
    /// or when the re-exec fails.
    public static func applyByReexecuting() {
        let env = ProcessInfo.processInfo.environment
        guard env[marker] == nil, env["OMP_WAIT_POLICY"] == nil, env["GOMP_SPINCOUNT"] == nil else { return }
        let wanted = env["TANDEM_OMP_SPIN"] ?? defaultSpinCount
        guard wanted != "default", let count = UInt64(wanted) else { return }
        setenv("GOMP_SPINCOUNT", String(count), 1)
        setenv(marker, String(count), 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached when exec failed: carry on with libgomp's defaults.
        unsetenv("GOMP_SPINCOUNT")
    }

    /// The spin count this process runs with because of `applyByReexecuting`, if any.
    public static var appliedSpinCount: String? { ProcessInfo.processInfo.environment[marker] }

    /// This process's environment without what `applyByReexecuting` added, for children that
    /// should see the user's own settings (llama.cpp's tools, compared under their defaults).
    public static var environmentForChildren: [String: String] {
        var env = ProcessInfo.processInfo.environment
        if env.removeValue(forKey: marker) != nil { env.removeValue(forKey: "GOMP_SPINCOUNT") }
        return env
    }
}
