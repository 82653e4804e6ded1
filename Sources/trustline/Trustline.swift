// Trustline — the command-line entry point: parses flags and hands over to the libraries.
import ArgumentParser
import Foundation

@main
struct Trustline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trustline",
        abstract: "Audit the trust between a CDK Pipelines account and the accounts it deploys to.",
        discussion: """
            Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; \
            2 usage, topology or input error; 3 incomplete (something could not be read).
            """,
        version: "0.1.0",
        subcommands: [Audit.self, Merge.self, Plan.self, Diff.self, Preflight.self, Validate.self, Whoami.self]
    )

    /// Runs the command, mapping ArgumentParser's usage errors to exit code 2 (the contract)
    /// instead of its default 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            // Ctrl-C and SIGTERM: stop at once, never leave a half-written report set (SignalHandling.swift).
            SignalHandling.install(for: command)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.inputError.rawValue)
            }
            exit(withError: error)
        }
    }
}
