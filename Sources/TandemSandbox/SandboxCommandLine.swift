import Foundation

/// Builds the argv and environment of one run. Pure: the runner decides, this only spells it out.
struct SandboxCommandLine: Sendable, Equatable {
    /// argv, `arguments[0]` an absolute path.
    var arguments: [String]
    /// The environment, as `NAME=value` strings (nothing is inherited from the host).
    var environment: [String]
    /// Host directory the child starts in.
    var directory: String

    /// The uid and gid the snippet runs as, inside and (when tandem is root) outside the sandbox:
    /// RLIMIT_NPROC is not enforced for real uid 0, so root drops to this uid before bwrap.
    static let sandboxUID = 65534

    /// The paths inside the sandbox that look like a minimal system: /usr read-only plus the
    /// top-level links (or directories, on systems without merged /usr) that point into it.
    static let systemLinks = ["/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"]
    /// Small files from /etc that the dynamic linker and `time` use; nothing with secrets.
    static let etcFiles = ["/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives"]

    /// The bubblewrap command for `code`: namespaces, read-only system, private tmpfs, rlimits.
    static func bubblewrap(_ bwrap: BubblewrapInstallation, setpriv: String?, language: CodeLanguage,
                           code: String, limits: SandboxLimits) -> SandboxCommandLine {
        let uid = String(sandboxUID)
        var args: [String] = []
        if let setpriv {
            args += [setpriv, "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups",
                     "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
        }
        args += [bwrap.path, "--unshare-all", "--unshare-user"]
        if bwrap.supportsDisableUserns { args += ["--disable-userns"] }
        args += ["--uid", uid, "--gid", uid, "--hostname", "tandem-sandbox",
                 "--die-with-parent", "--new-session", "--cap-drop", "ALL",
                 "--ro-bind", "/usr", "/usr"]
        for link in systemLinks {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link) {
                args += ["--symlink", target, link]
            } else {
                args += ["--ro-bind-try", link, link]
            }
        }
        for file in etcFiles { args += ["--ro-bind-try", file, file] }
        args += ["--proc", "/proc", "--dev", "/dev"]
        // Both writable places are size-capped tmpfs; tmpfs pages escape RLIMIT_AS, so they need their own bound.
        for writable in ["/tmp", "/dev/shm"] {
            if bwrap.supportsTmpfsSize { args += ["--size", String(limits.workDirectoryBytes)] }
            args += ["--tmpfs", writable]
        }
        // bwrap's root and /dev are tmpfs too; read-only, so /tmp and /dev/shm are the only places to write.
        args += ["--remount-ro", "/", "--remount-ro", "/dev", "--chdir", "/tmp", "--"]
        args += limitedInterpreter(language: language, code: code, limits: limits)
        return SandboxCommandLine(arguments: args, environment: environment(home: "/tmp"), directory: "/")
    }

    /// The unsandboxed command: the same rlimits and timeout, run in `directory` on the host.
    static func unsandboxed(language: CodeLanguage, code: String, limits: SandboxLimits,
                            directory: String) -> SandboxCommandLine {
        SandboxCommandLine(arguments: limitedInterpreter(language: language, code: code, limits: limits),
                           environment: environment(home: directory), directory: directory)
    }

    /// `timeout` (a backstop that kills the sandbox even if tandem itself dies) around `prlimit`
    /// around the interpreter. The CPU hard limit is one second past the soft one so the kernel
    /// sends SIGXCPU (a recognisable exit status) before SIGKILL.
    static func limitedInterpreter(language: CodeLanguage, code: String, limits: SandboxLimits) -> [String] {
        let backstop = Int((Double(limits.wallTimeout.components.seconds) + 2).rounded(.up)) + 1
        return ["/usr/bin/timeout", "-s", "KILL", "\(backstop)s",
                "/usr/bin/prlimit", "--cpu=\(limits.cpuSeconds):\(limits.cpuSeconds + 1)",
                "--as=\(limits.memoryBytes)", "--nproc=\(limits.maxProcesses)",
                "--fsize=\(limits.workDirectoryBytes)", "--nofile=256", "--core=0", "--"]
            + language.arguments(running: code)
    }

    /// A fixed environment: nothing from the host leaks in (no tokens, no proxies, no $HOME).
    static func environment(home: String) -> [String] {
        ["PATH=/usr/bin:/bin", "HOME=\(home)", "TMPDIR=\(home)", "LANG=C.UTF-8", "PYTHONDONTWRITEBYTECODE=1"]
    }

    /// Host tools every run needs, with the Debian package that provides each.
    static let requiredTools: [(path: String, package: String)] = [
        ("/usr/bin/timeout", "coreutils"), ("/usr/bin/prlimit", "util-linux"),
    ]
}
