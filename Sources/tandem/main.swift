import Foundation
import TandemCloud
import TandemCore
import TandemRuntime

OpenMPSpinTuning.applyByReexecuting()

/// Every subcommand, in `tandem --help` order.
let commands: [any Command.Type] = [
    InfoCommand.self, GenerateCommand.self, ChatCommand.self, RunCommand.self, PlanCommand.self, MCPCommand.self,
    CostCommand.self, ModelsCommand.self, EmbedCommand.self, ServeCommand.self, TeachCommand.self, ClassifyCommand.self, AskCommand.self,
    StatusCommand.self, ConfigCommand.self, BenchCommand.self,
]

let usage = """
    tandem: local-first inference over llama.cpp, in-process.

    usage: tandem <command> [options]     (tandem <command> --help for details)

    commands:
    \(commands.map { "  " + $0.name.padding(toLength: 12, withPad: " ", startingAt: 0) + $0.summary }.joined(separator: "\n"))

    global options:
      --verbose     show debug logs, llama.cpp's included
      --offline     refuse every non-loopback connection (also TANDEM_OFFLINE=1)
      --version     print the version

    environment:
      TANDEM_OFFLINE=1       same as --offline
      TANDEM_OMP_SPIN=N      OpenMP spin count of llama.cpp's CPU threads (default 10000;
                             'default' keeps libgomp's; ignored when OMP_WAIT_POLICY or
                             GOMP_SPINCOUNT is set)

    Models live in models/ (fetch them with `make models`).
    """

var argv = Array(CommandLine.arguments.dropFirst())
if argv.contains("--verbose") {
    argv.removeAll { $0 == "--verbose" }
    Log.level = .debug
}
if argv.contains("--offline") {
    argv.removeAll { $0 == "--offline" }
    EgressPolicy.setProcessOffline(true)
}
guard let name = argv.first, !["--help", "-h", "help"].contains(name) else {
    print(usage)
    exit(argv.isEmpty ? 2 : 0)
}
if name == "--version" { print("tandem \(TandemVersion.string)"); exit(0) }
guard let command = commands.first(where: { $0.name == name }) else {
    FileHandle.standardError.write(Data("tandem: unknown command '\(name)'\n\n\(usage)\n".utf8))
    exit(2)
}
/// Runs the command with its own copy of the arguments (top-level vars are main-actor state).
func runCommand(_ command: any Command.Type, _ items: [String]) async throws -> Int32 {
    var arguments = Arguments(items)
    if arguments.wantsHelp() { print(command.help); return 0 }
    return try await command.run(&arguments)
}

/// Ends the process without running C++ static destructors: a decode thread may still be
/// finishing abandoned work (a timed-out step), and tearing ggml down under it would crash.
func finish(_ status: Int32) -> Never {
    RepeatedWarnings.report()  // per-item warnings, once each (see RepeatedWarnings)
    fflush(nil)  // every C stream; FileHandle writes are unbuffered already
    _exit(status)
}

do {
    finish(try await runCommand(command, Array(argv.dropFirst())))
} catch let error as UsageError {
    FileHandle.standardError.write(Data("tandem \(name): \(error)\n\n\(command.help)\n".utf8))
    finish(2)
} catch {
    FileHandle.standardError.write(Data("tandem \(name): error: \(error)\n".utf8))
    finish(1)
}
