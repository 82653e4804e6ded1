// ChangePlan — what must happen, in order, before a pipeline change that deploys to new or
// changed environments is pushed; and what breaks if it is pushed first.
import Foundation

/// The ordered steps of a change, and its blockers.
public struct ChangePlan: Sendable, Codable, Equatable {
    /// One step: a command to run, or a check to make.
    public struct Step: Sendable, Codable, Equatable {
        public enum Kind: String, Sendable, Codable {
            /// Bootstrap an environment that is not (correctly) bootstrapped.
            case bootstrap
            /// Re-bootstrap an existing environment with the union of its trusts.
            case rebootstrap
            /// Restore a hand-edited role.
            case restore
            /// Run the audit to confirm.
            case verify
            /// Push the pipeline change.
            case push
        }

        public var number: Int
        public var kind: Kind
        public var environment: String?
        public var region: String?
        public var title: String
        /// The command, shell-safe; `nil` for a manual step.
        public var command: String?
        public var argv: [String]?
        public var notes: [String]
    }

    /// An environment the pipeline cannot deploy to yet, and what happens if the change is pushed first.
    public struct Blocker: Sendable, Codable, Equatable {
        public var environment: String
        public var account: String
        public var region: String
        /// Why: the checks that fail there.
        public var checks: [Check]
        /// Whether the environment was deployable before (a broken base) or is new in the topology.
        public var existing: Bool
        public var ifPushedFirst: String
    }

    public var topology: String
    public var steps: [Step]
    public var blockers: [Blocker]
    /// Environments that could not be read: the plan cannot vouch for them.
    public var unreachable: [String]
    /// 0 nothing to do, 1 blockers exist, 3 something could not be read.
    public var exitCode: Int
}
