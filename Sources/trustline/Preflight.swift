// Preflight — `trustline preflight --topology FILE -- cdk bootstrap …`: what a proposed bootstrap
// command would do to trust, given the live state; exit 1 when intended trust would be lost.
import ArgumentParser
import Foundation
import TrustlineAWS
import TrustlineCore
import TrustlineDiscovery

extension Trustline {
    struct Preflight: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check what a proposed `cdk bootstrap` command would do to trust, given the live state.",
            discussion: """
                Give the command after --, as you would run it:
                  trustline preflight --topology policies/org.yaml -- cdk bootstrap aws://222222222222/us-east-1 --trust 111111111111 …
                Only the target environments are read (with the topology's access). When intended trust would \
                be lost, a corrected command is printed for each target.
                Exit codes: 0 safe; 1 intended trust would be lost; 2 input error, or cdk bootstrap would refuse \
                the command; 3 the live state could not be read (takes precedence over 1).
                """)

        @Option(help: "The topology file (policies/*.yaml).")
        var topology: String

        @Option(help: "The directory the command will run in: its cdk.json can set the qualifier and the toolkit stack name.")
        var cdkProject: String = "."

        @Flag(help: "Print JSON instead of text.")
        var json = false

        @Argument(parsing: .postTerminator, help: "The cdk bootstrap command, after --.")
        var command: [String] = []

        func run() async throws {
            let topology = try loadTopology(topology)
            let parsed: BootstrapCommand
            do {
                parsed = try BootstrapCommandParser.parse(command)
            } catch let error as BootstrapCommandError {
                FileHandle.standardError.write(Data("trustline: error: \(error.localizedDescription)\n".utf8))
                throw ExitStatus.inputError.exitCode
            }
            let evaluator = PreflightEvaluator(topology: topology, command: parsed, project: Self.projectSettings(directory: cdkProject))
            var snapshots: [EnvironmentSnapshot] = []
            if !parsed.showTemplate {
                let resolver: CredentialResolver
                do {
                    resolver = try CredentialResolver(http: CurlHTTPClient(configuration: .init()))
                } catch {
                    throw fail(error)
                }
                snapshots = await Discovery(topology: evaluator.discoveryTopology(), resolver: resolver).run()
            }
            let report = evaluator.evaluate(snapshots: snapshots)
            if parsed.showTemplate && !json {
                print("Preflight of: \(report.commandLine)\n--show-template prints the bootstrap template and bootstraps nothing: trust does not change.")
            } else if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(report.text(topology: topology), terminator: "")
            }
            throw ExitCode(Int32(parsed.showTemplate ? 0 : report.exitCode))
        }

        /// What `cdk bootstrap` reads from `cdk.json` in the directory it runs in (and from
        /// `~/.cdk.json`, which the project's file overrides): the context value
        /// `@aws-cdk/core:bootstrapQualifier` and the `toolkitStackName` setting.
        static func projectSettings(directory: String) -> CDKProjectSettings {
            var settings = CDKProjectSettings()
            let home = ProcessInfo.processInfo.environment["HOME"].map { URL(fileURLWithPath: $0).appendingPathComponent(".cdk.json").path }
            let project = URL(fileURLWithPath: directory).appendingPathComponent("cdk.json").path
            for path in [home, project].compactMap({ $0 }) {
                guard let data = FileManager.default.contents(atPath: path),
                    let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
                else { continue }
                var used = false
                if let qualifier = (object["context"] as? [String: Any])?["@aws-cdk/core:bootstrapQualifier"] as? String {
                    settings.qualifier = qualifier
                    used = true
                }
                if let name = object["toolkitStackName"] as? String {
                    settings.toolkitStackName = name
                    used = true
                }
                if used { settings.source = path }
            }
            return settings
        }
    }
}
