import Foundation
import Testing
import TandemCore
import TandemSandbox
import TandemTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Each attack from the issue, run for real inside bubblewrap: none may escape.
@Suite struct SandboxAttackTests {
    @Test func loopbackConnectionFailsAndNeverReachesTheHost() async throws {
        let listener = try LoopbackListener()
        let code = """
        import json, socket, sys
        port = json.load(sys.stdin)["port"]
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2)
            print(json.dumps({"connected": True}))
        except OSError as e:
            print(json.dumps({"connected": False, "error": str(e)}))
        """
        let result = try await SandboxTestSupport.run(code, input: ["port": .number(Double(listener.port))])
        let output = try result.jsonOutput()
        #expect(output["connected"] == false)
        #expect(!listener.hasPendingConnection)
    }

    @Test func outsideAddressIsUnreachable() async throws {
        // UDP connect only looks up a route and sends nothing, so this probes the network without
        // ever emitting a packet, even if the sandbox were broken. 192.0.2.1 is TEST-NET-1.
        let code = """
        import json, socket
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.connect(("192.0.2.1", 9)); error = None
        except OSError as e:
            error = e.errno
        interfaces = [name for _, name in socket.if_nameindex()]
        routes = open("/proc/net/route").read().strip().splitlines()[1:]
        print(json.dumps({"error": error, "interfaces": interfaces, "routes": len(routes)}))
        """
        let output = try await SandboxTestSupport.run(code).jsonOutput()
        #expect(output["error"] == .number(Double(ENETUNREACH)))
        #expect(output["interfaces"] == ["lo"])
        #expect(output["routes"] == 0)
    }

    @Test func writesOutsideTheWorkDirectoryFail() async throws {
        let code = """
        import json
        results = {}
        for path in ["/usr/tandem-escape", "/etc/tandem-escape", "/tandem-escape", "/dev/tandem-escape",
             "/proc/sys/kernel/hostname", "/tmp/ok", "/dev/shm/ok"]:
            try:
                with open(path, "w") as f: f.write("x")
                results[path] = "written"
            except OSError as e:
                results[path] = e.strerror
        print(json.dumps(results))
        """
        let output = try await SandboxTestSupport.run(code).jsonOutput()
        #expect(output["/tmp/ok"] == "written" && output["/dev/shm/ok"] == "written")
        for path in ["/usr/tandem-escape", "/etc/tandem-escape", "/tandem-escape", "/dev/tandem-escape", "/proc/sys/kernel/hostname"] {
            #expect(output[path] != "written", "\(path) was writable")
        }
        #expect(!FileManager.default.fileExists(atPath: "/usr/tandem-escape"))
        #expect(!FileManager.default.fileExists(atPath: "/etc/tandem-escape"))
    }

    @Test func homeSSHAndProjectAreInvisible() async throws {
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        let thisFile = #filePath
        let project = URL(fileURLWithPath: thisFile).deletingLastPathComponent().path
        #expect(FileManager.default.fileExists(atPath: home) && FileManager.default.fileExists(atPath: thisFile))
        let paths: [String] = [home, home + "/.ssh", home + "/.ssh/id_ed25519", project, thisFile]
        let code = """
        import json, os, sys
        out = {}
        for path in json.load(sys.stdin):
            try:
                if os.path.isdir(path): os.listdir(path)
                else: open(path, "rb").read(1)
                out[path] = "readable"
            except OSError as e:
                out[path] = e.strerror
        print(json.dumps(out))
        """
        let output = try await SandboxTestSupport.run(code, input: .array(paths.map { .string($0) })).jsonOutput()
        for path in paths { #expect(output[path] == "No such file or directory", "\(path): \(output[path] ?? nil)") }
    }

    @Test func runsUnprivilegedWithoutCapabilitiesInItsOwnPIDNamespace() async throws {
        let code = """
        import json, os
        status = dict(line.split(":\\t", 1) for line in open("/proc/self/status").read().splitlines() if ":\\t" in line)
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
        print(json.dumps({"uid": os.getuid(), "capEff": status["CapEff"].strip(), "capBnd": status["CapBnd"].strip(),
                          "pids": len(pids), "home": os.environ.get("HOME"), "env": sorted(os.environ)}))
        """
        let output = try await SandboxTestSupport.run(code).jsonOutput()
        #expect(output["uid"] == 65534)
        #expect(output["capEff"] == "0000000000000000")
        #expect(output["capBnd"] == "0000000000000000")
        #expect((output["pids"]?.intValue ?? 99) <= 4)  // bwrap's init, timeout, python
        #expect(output["home"] == "/tmp")
        // Nothing from the host environment (tokens, proxies) gets in; PWD is set by bwrap's chdir.
        let allowed: Set<String> = ["HOME", "LANG", "LC_CTYPE", "PATH", "PWD", "PYTHONDONTWRITEBYTECODE", "TMPDIR"]
        let names = output["env"]?.arrayValue?.compactMap(\.stringValue) ?? ["missing"]
        #expect(Set(names).isSubset(of: allowed), "unexpected variables: \(names)")
    }

    @Test func forkBombIsContainedByTheProcessLimit() async throws {
        var limits = SandboxTestSupport.quick
        limits.maxProcesses = 16
        let code = """
        import json, os, time
        made = 0
        try:
            while made < 1000:
                if os.fork() == 0:
                    time.sleep(30); os._exit(0)
                made += 1
        except OSError as e:
            print(json.dumps({"forked": made, "error": e.strerror}))
        """
        let result = try await SandboxTestSupport.run(code, limits: limits)
        let output = try result.jsonOutput()
        #expect((output["forked"]?.intValue ?? 1000) < 16)
        #expect(output["error"] == "Resource temporarily unavailable")
    }

    @Test func shellForkBombEndsAtTheTimeoutAndLeavesNothing() async throws {
        let token = SandboxTestSupport.token()
        var limits = SandboxTestSupport.quick
        limits.wallTimeout = .seconds(2)
        let result = try await SandboxTestSupport.run(": \(token); exec 2>/dev/null; bomb() { bomb | bomb & }; bomb; sleep infinity",
                                                      language: .sh, limits: limits)
        // Either the timeout kills it, or the bomb exhausts the process limit first so the shell
        // cannot even fork `sleep` and fails: both are containment. What must never happen is a
        // clean exit; the script never ends by itself, so returning at all means it was stopped.
        #expect(result.stopReason == .timeout || (result.stopReason == nil && !result.succeeded))
        #expect(result.duration >= .seconds(2) || result.stopReason == nil)  // never stopped before its time
        #expect(await SandboxTestSupport.leftoverProcesses(mentioning: token).isEmpty)
    }

    @Test func infiniteLoopIsKilledAtTheTimeoutWithItsChildren() async throws {
        let token = SandboxTestSupport.token()
        var limits = SandboxTestSupport.quick
        limits.wallTimeout = .seconds(1)
        limits.cpuSeconds = 30
        let code = "import os, time  # \(token)\nif os.fork() == 0:\n    while True: time.sleep(3600)\nwhile True: pass"
        let result = try await SandboxTestSupport.run(code, limits: limits)
        // Neither process ever ends by itself, so the timeout stopped them (no upper bound on the
        // elapsed time: a starved machine may be slow to kill, and that is not what this checks).
        #expect(result.stopReason == .timeout, "exit status \(result.exitStatus) after \(result.duration)")
        #expect(result.duration >= .seconds(1))
        #expect(throws: SandboxError.self) { try result.jsonOutput() }
        #expect(await SandboxTestSupport.leftoverProcesses(mentioning: token).isEmpty)
    }

    @Test func cpuLimitStopsABusyLoop() async throws {
        var limits = SandboxTestSupport.quick
        limits.cpuSeconds = 1
        limits.wallTimeout = .seconds(600)  // a CPU second takes many wall seconds on a saturated machine
        let result = try await SandboxTestSupport.run("while True: pass", limits: limits)
        #expect(result.stopReason == .cpuLimit)
        #expect(result.exitStatus == 128 + SIGXCPU)
    }

    @Test func gigabyteOfOutputIsTruncatedAtTheCap() async throws {
        let code = """
        import sys
        chunk = "x" * (1 << 20)
        for _ in range(1024):
            sys.stdout.write(chunk)
        """
        let result = try await SandboxTestSupport.run(code)
        #expect(result.stopReason == .outputCap)
        #expect(result.stdoutTruncated)
        #expect(result.stdout.utf8.count == SandboxTestSupport.quick.maxStdoutBytes)
        let noisy = try await SandboxTestSupport.run("while true; do echo noise >&2; done", language: .sh)
        #expect(noisy.stopReason == .outputCap && noisy.stderrTruncated)
        #expect(noisy.stderr.utf8.count == SandboxTestSupport.quick.maxStderrBytes)
    }

    @Test func memoryHogIsStopped() async throws {
        let all = try await SandboxTestSupport.run("x = bytearray(2 << 30)")
        #expect(all.stopReason == .memoryLimit)
        let gradual = try await SandboxTestSupport.run("chunks = []\nwhile True: chunks.append(bytearray(16 << 20))")
        #expect(gradual.stopReason == .memoryLimit)
        #expect(gradual.stderr.contains("MemoryError"))
    }

    @Test func workDirectoryIsBounded() async throws {
        var limits = SandboxTestSupport.quick
        limits.workDirectoryBytes = 8 << 20
        let code = """
        import json
        written = 0
        try:
            with open("/tmp/fill", "wb") as f:
                while written < (64 << 20):
                    f.write(b"x" * (1 << 20)); f.flush(); written += 1 << 20
        except OSError as e:
            print(json.dumps({"written": written, "error": e.strerror}))
        """
        let output = try await SandboxTestSupport.run(code, limits: limits).jsonOutput()
        #expect((output["written"]?.intValue ?? Int.max) <= 8 << 20)
    }
}
