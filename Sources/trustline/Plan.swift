// Plan — `trustline plan`: before adding an environment or a pipeline account, the steps and
// exact commands, in order, and what breaks if the pipeline change is pushed first.
import ArgumentParser
import Foundation
import TrustlineAWS
import TrustlineCore
import TrustlineDiscovery
import TrustlineReport

extension Trustline {
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Steps and commands for environments that are in the topology but not (correctly) bootstrapped yet.",
            discussion: """
                Write the topology as it should be after the change (e.g. with the new staging account, or a second \
                pipeline in `trust`), then run plan: it reads the live state and lists, in order, what to bootstrap or \
                re-bootstrap before the pipeline change is pushed. Exit codes: 0 nothing to do; 1 steps or blockers; \
                2 input error; 3 some environment could not be read.
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, markdown, json
        }

        @Option(help: "The topology file describing the state after the change.")
        var topology: String

        @Option(help: "Output format: text, markdown or json.")
        var format: Format = .text

        @Option(help: "Accounts read at once.")
        var concurrency: Int = 16

        @Option(help: "Plan from saved snapshots (`audit --save-snapshots`) instead of reading AWS.")
        var fromSnapshots: String?

        func run() async throws {
            let topology = try loadTopology(topology)
            let snapshots: [EnvironmentSnapshot]
            if let fromSnapshots {
                snapshots = try readSnapshots(fromSnapshots)
            } else {
                let resolver: CredentialResolver
                do {
                    resolver = try CredentialResolver(http: CurlHTTPClient())
                } catch {
                    throw fail(error)
                }
                snapshots = await Discovery(topology: topology, resolver: resolver, concurrency: concurrency).run()
            }
            let report = AuditReportBuilder(topology: topology, version: Trustline.configuration.version).build(snapshots: snapshots, generatedAt: Date())
            let plan = ChangePlanner(topology: topology).plan(report)
            switch format {
            case .text: print(ChangePlanReport.text(plan), terminator: "")
            case .markdown: print(ChangePlanReport.markdown(plan), terminator: "")
            case .json: FileHandle.standardOutput.write(try ChangePlanReport.json(plan))
            }
            throw ExitCode(Int32(plan.exitCode))
        }
    }
}
