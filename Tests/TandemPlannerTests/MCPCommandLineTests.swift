import Foundation
import Testing
import TandemTestSupport

/// `tandem mcp` reads its options before its action, so an option's value placed first is not
/// taken for the action (it once was: `tandem mcp --command "…" list` ran the action "python …").
@Test(.timeLimit(.minutes(20))) func mcpListTakesItsOptionsBeforeTheAction() async throws {
    let cache = ProcessInfo.processInfo.environment["TANDEM_CACHE"] ?? (FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/tandem")
    let python = cache + "/venv-mcp/bin/python"
    guard FileManager.default.isExecutableFile(atPath: python) else {
        throw PeerError(description: "\(python) is missing: run `make test` (Tests/Fixtures/setup-tools.sh creates the MCP venv)")
    }
    let (status, output) = try await runToCompletion(try tandemBinary(), ["mcp", "--command", "\(python) -m mcp_server_time", "--timeout", "600",
                                                                         "list", "--json"], timeout: .seconds(900))
    #expect(status == 0, "\(output.suffix(2000))")
    #expect(output.contains("get_current_time"), "\(output.suffix(2000))")
}
