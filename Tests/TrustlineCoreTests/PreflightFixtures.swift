// PreflightFixtures — a small organisation and bootstrap snapshots built by hand for the
// preflight tests (parser, simulation, evaluation).
import Foundation
import Testing

@testable import TrustlineCore

enum PreflightFixtures {
    static let tools = "111111111111"
    static let dev = "222222222222"
    static let tools2 = "444444444444"
    static let stranger = "555555555555"
    static let admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    static let deployPolicy = "arn:aws:iam::222222222222:policy/CdkDeployPolicy"

    static func topologyText(qualifier: String? = nil, trustForLookup: String = "[tools]") -> String {
        """
        version: 1
        defaults:
          regions: [us-east-1]
          executionPolicies: [\(admin)]
        pipelines:
          - name: tools
            account: "\(tools)"
          - name: tools2
            account: "\(tools2)"
        environments:
          - name: dev
            account: "\(dev)"
            profile: dev
            trust: [tools]
            trustForLookup: \(trustForLookup)
        \(qualifier.map { "    qualifier: \($0)" } ?? "")
        """
    }

    static func topology(qualifier: String? = nil, trustForLookup: String = "[tools]") throws -> Topology {
        try TopologyParser.parse(topologyText(qualifier: qualifier, trustForLookup: trustForLookup), file: "policies/test.yaml")
    }

    /// The trust policy the CDK template gives a role: own account, then the trusted accounts.
    static func cdkTrust(own: String = dev, trusted: [String]) -> String {
        RemediationPlanner.templateTrustPolicy(account: own, trusted: trusted)
    }

    /// A bootstrapped dev environment whose roles trust exactly what the parameters say
    /// (unless `liveTrust` overrides the deploy and publishing roles' accounts).
    static func snapshot(
        trusted: [String] = [tools], lookup: [String] = [tools], policies: [String] = [admin], qualifier: String = "hnb659fds",
        status: String = "UPDATE_COMPLETE", liveTrust: [String]? = nil, stack: Bool = true, region: String = "us-east-1", account: String = dev,
        extraParameters: [String: String] = [:]
    ) -> EnvironmentSnapshot {
        var parameters = [
            "TrustedAccounts": trusted.joined(separator: ","), "TrustedAccountsForLookup": lookup.joined(separator: ","),
            "CloudFormationExecutionPolicies": policies.joined(separator: ","), "Qualifier": qualifier,
        ]
        parameters.merge(extraParameters) { $1 }
        let stackSnapshot = StackSnapshot(name: "CDKToolkit", status: status, parameters: parameters, bootstrapVersion: 30)
        let roles: [RoleSnapshot] =
            stack
            ? RoleKind.allCases.map { kind in
                let name = kind.roleName(qualifier: qualifier, account: account, region: region)
                let trust: String
                switch kind {
                case .cfnExec:
                    trust =
                        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudformation.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
                case .lookup: trust = cdkTrust(own: account, trusted: Array(Set((liveTrust ?? trusted) + lookup)).sorted())
                default: trust = cdkTrust(own: account, trusted: liveTrust ?? trusted)
                }
                return RoleSnapshot(kind: kind, name: name, arn: "arn:aws:iam::\(account):role/\(name)", trustPolicy: trust)
            } : []
        return EnvironmentSnapshot(
            environment: account == dev ? "dev" : "aws://\(account)/\(region)", account: account, region: region, reachedAccount: account,
            stack: stack ? stackSnapshot : nil, roles: roles)
    }

    static func parse(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> BootstrapCommand {
        try BootstrapCommandParser.parse(words(line))
    }

    /// Splits on spaces; `''` stands for an empty word.
    static func words(_ line: String) -> [String] {
        line.split(separator: " ").map { $0 == "''" ? "" : String($0) }
    }

    /// The error `line` gives (or a recorded issue when it parses).
    static func error(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) -> BootstrapCommandError? {
        do {
            let command = try BootstrapCommandParser.parse(words(line))
            Issue.record("expected an error, parsed \(command.targets)", sourceLocation: sourceLocation)
            return nil
        } catch let error as BootstrapCommandError {
            return error
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }
}
