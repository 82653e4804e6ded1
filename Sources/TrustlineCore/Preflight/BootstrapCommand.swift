// BootstrapCommand — a `cdk bootstrap` command line as the CDK CLI understands it: its targets
// and the options that decide trust, with the words kept so that a corrected line can be built.
import Foundation

/// One `aws://ACCOUNT/REGION` environment a bootstrap command names.
public struct BootstrapTarget: Sendable, Hashable, Codable {
    public var account: String
    public var region: String

    public init(account: String, region: String) {
        self.account = account
        self.region = region
    }

    /// `aws://ACCOUNT/REGION`.
    public var name: String { "aws://\(account)/\(region)" }
}

/// A parsed `cdk bootstrap` command (see ``BootstrapCommandParser``).
///
/// List options keep the values exactly as the CDK CLI receives them: `nil` when the option is
/// absent (the CLI then keeps the stack's previous value), empty strings dropped, and comma lists
/// not split — the CLI passes `--trust A,B` to CloudFormation as one list parameter, which splits
/// it, but compares `--untrust` values whole.
public struct BootstrapCommand: Sendable, Equatable {
    /// The words as given.
    public var argv: [String]
    /// The environments, in order, without duplicates.
    public var targets: [BootstrapTarget]
    /// `--trust` values; `nil` when not given.
    public var trust: [String]?
    /// `--trust-for-lookup` values; `nil` when not given.
    public var trustForLookup: [String]?
    /// `--untrust` values; `nil` when not given.
    public var untrust: [String]?
    /// `--cloudformation-execution-policies` values; `nil` when not given.
    public var executionPolicies: [String]?
    /// `--qualifier`; `nil`: the stack's previous qualifier (or the project's, or the default).
    public var qualifier: String?
    /// `--toolkit-stack-name`; `nil`: `CDKToolkit` (or the project's setting).
    public var toolkitStackName: String?
    /// `--profile`.
    public var profile: String?
    /// `--[no-]previous-parameters` (default true): keep the stack's values of parameters the
    /// command does not set.
    public var previousParameters: Bool
    /// `--[no-]execute` (default true): false leaves the change set for review.
    public var execute: Bool
    /// `--show-template`: prints the template and bootstraps nothing.
    public var showTemplate: Bool
    /// `--template FILE`: a custom bootstrap template.
    public var customTemplate: String?
    /// `--[no-]deny-external-id`, when given.
    public var denyExternalId: Bool?
    /// Other bootstrap template parameters the command sets (`FileAssetsBucketName`,
    /// `FileAssetsBucketKmsKeyId`, `InputPermissionsBoundary`, `DenyExternalId`, `Qualifier`):
    /// with `--no-previous-parameters` the ones it does not set return to their defaults.
    public var explicitParameters: Set<String>
    /// Remarks about options that do not change trust but are worth knowing.
    public var notes: [String]
    /// The words grouped by what they are, for ``corrected(target:trust:trustForLookup:untrust:qualifier:executionPolicies:)``.
    var words: [Word]

    /// A group of words of the command line and its role.
    struct Word: Sendable, Equatable {
        enum Role: Sendable, Hashable {
            case program, command, target, terminator
            case trust, trustForLookup, untrust, qualifier, executionPolicies
            /// Any other option, kept verbatim.
            case other
        }

        var role: Role
        var tokens: [String]
    }

    /// The toolkit stack the command deploys: `--toolkit-stack-name`, else the project's
    /// `toolkitStackName` setting, else `CDKToolkit`.
    public func stackName(project: CDKProjectSettings = CDKProjectSettings()) -> String {
        toolkitStackName ?? project.toolkitStackName ?? DeploymentEnvironment.defaultToolkitStackName
    }

    /// The same command for one target, with the trust options, the qualifier and the execution
    /// policies replaced where a value is given (`nil` keeps the user's words). Each account gets
    /// its own `--trust`/`--trust-for-lookup`/`--untrust`.
    public func corrected(
        target: BootstrapTarget, trust: [String]?, trustForLookup: [String]?, untrust: [String]?, qualifier: String?, executionPolicies: [String]?
    ) -> [String] {
        var replacements: [Word.Role: [String]] = [:]
        if let trust { replacements[.trust] = trust.flatMap { ["--trust", $0] } }
        if let trustForLookup { replacements[.trustForLookup] = trustForLookup.flatMap { ["--trust-for-lookup", $0] } }
        if let untrust { replacements[.untrust] = untrust.flatMap { ["--untrust", $0] } }
        if let qualifier { replacements[.qualifier] = ["--qualifier", qualifier] }
        if let executionPolicies { replacements[.executionPolicies] = ["--cloudformation-execution-policies", executionPolicies.joined(separator: ",")] }

        let program = words.filter { $0.role == .program }.flatMap(\.tokens)
        var out = (program.isEmpty ? ["cdk"] : program) + ["bootstrap", target.name]
        var emitted: Set<Word.Role> = []
        for word in words {
            switch word.role {
            case .program, .command, .target, .terminator:
                continue
            case .other:
                out += word.tokens
            default:
                guard let replacement = replacements[word.role] else {
                    out += word.tokens
                    continue
                }
                if emitted.insert(word.role).inserted { out += replacement }
            }
        }
        for role in [Word.Role.trust, .trustForLookup, .untrust, .executionPolicies, .qualifier] where !emitted.contains(role) {
            out += replacements[role] ?? []
        }
        return out
    }
}

/// Settings of a CDK project directory (`cdk.json`) that `cdk bootstrap` reads when run there.
public struct CDKProjectSettings: Sendable, Equatable {
    /// The context value `@aws-cdk/core:bootstrapQualifier`: used when no `--qualifier` is given.
    public var qualifier: String?
    /// The `toolkitStackName` setting: used when no `--toolkit-stack-name` is given.
    public var toolkitStackName: String?
    /// Where the settings were read (for messages).
    public var source: String?

    public init(qualifier: String? = nil, toolkitStackName: String? = nil, source: String? = nil) {
        self.qualifier = qualifier
        self.toolkitStackName = toolkitStackName
        self.source = source
    }
}
