// PreflightReport — what a proposed `cdk bootstrap` would do to trust in each environment it
// names, judged against the topology; the value behind `trustline preflight`'s text and JSON.
import Foundation

/// The verdict of a preflight, with one result per target of the command.
public struct PreflightReport: Sendable, Equatable, Codable {
    /// The command checked, as given.
    public var command: [String]
    /// The same, as one shell-quoted line.
    public var commandLine: String
    public var targets: [PreflightTargetResult]
    /// Remarks about the command as a whole (options, project settings).
    public var notes: [String]

    public init(command: [String], targets: [PreflightTargetResult], notes: [String]) {
        self.command = command
        self.commandLine = ShellQuoting.line(command)
        self.targets = targets
        self.notes = notes
    }

    /// The contract's exit code: 3 when some target could not be read (an unseen environment
    /// never looks safe), else 1 when intended trust would be lost, else 2 when the CDK CLI would
    /// refuse the command, else 0.
    public var exitCode: Int {
        if targets.contains(where: { $0.status == .unreadable }) { return 3 }
        if targets.contains(where: { $0.status == .dropsIntendedTrust }) { return 1 }
        if targets.contains(where: { $0.status == .refused }) { return 2 }
        return 0
    }

    /// Whether the command can run as written.
    public var isSafe: Bool { exitCode == 0 }

    private enum CodingKeys: String, CodingKey {
        case command, commandLine, targets, notes, exitCode
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        command = try container.decode([String].self, forKey: .command)
        commandLine = try container.decode(String.self, forKey: .commandLine)
        targets = try container.decode([PreflightTargetResult].self, forKey: .targets)
        notes = try container.decode([String].self, forKey: .notes)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(command, forKey: .command)
        try container.encode(commandLine, forKey: .commandLine)
        try container.encode(targets, forKey: .targets)
        try container.encode(notes, forKey: .notes)
        try container.encode(exitCode, forKey: .exitCode)
    }
}

/// What the command would do in one `aws://ACCOUNT/REGION`.
public struct PreflightTargetResult: Sendable, Equatable, Codable {
    /// The verdict for one target.
    public enum Status: String, Sendable, Codable {
        /// Nobody the topology intends loses trust.
        case safe
        /// An account the topology names would lose deploy or lookup trust.
        case dropsIntendedTrust = "drops-intended-trust"
        /// The CDK CLI would stop before deploying (nothing changes).
        case refused
        /// The live state could not be read: nothing can be said.
        case unreadable
    }

    public var target: String
    public var account: String
    public var region: String
    /// The topology environment this target belongs to; `nil` when the topology does not name it.
    public var environment: String?
    public var status: Status
    /// The toolkit stack the command deploys.
    public var stackName: String
    /// Whether that stack exists today (a failed first creation counts as absent).
    public var stackExists: Bool
    /// The stack parameters today (`nil`: no stack).
    public var before: BootstrapParameters?
    /// The stack parameters after the command (`nil` when unreadable).
    public var after: BootstrapParameters?
    /// The qualifier the topology expects (whose roles the pipelines use).
    public var intendedQualifier: String?
    /// Trust in the deploy, file- and image-publishing roles of the intended qualifier.
    public var deploy: TrustChange
    /// Trust in the lookup role of the intended qualifier.
    public var lookup: TrustChange
    /// Findings, worst first.
    public var messages: [PreflightMessage]
    /// The command to run instead (present when the preflight as a whole fails and this target can be corrected).
    public var corrected: CorrectedBootstrapCommand?
    /// Why the target could not be read, or why the CDK CLI would refuse the command.
    public var error: String?

    public init(
        target: String, account: String, region: String, environment: String?, status: Status, stackName: String, stackExists: Bool,
        before: BootstrapParameters?, after: BootstrapParameters?, intendedQualifier: String?, deploy: TrustChange, lookup: TrustChange,
        messages: [PreflightMessage], corrected: CorrectedBootstrapCommand?, error: String?
    ) {
        self.target = target
        self.account = account
        self.region = region
        self.environment = environment
        self.status = status
        self.stackName = stackName
        self.stackExists = stackExists
        self.before = before
        self.after = after
        self.intendedQualifier = intendedQualifier
        self.deploy = deploy
        self.lookup = lookup
        self.messages = messages
        self.corrected = corrected
        self.error = error
    }
}

/// Who is trusted by a set of roles today and after the command.
public struct TrustChange: Sendable, Equatable, Codable {
    /// Accounts trusted today (live role trust, account-wide and unconditional; own account excluded).
    public var today: [String]
    /// Accounts trusted after the command.
    public var after: [String]
    /// `today` minus `after`.
    public var lost: [String]
    /// `after` minus `today`.
    public var gained: [String]
    /// The lost accounts the topology intends to keep trusted here.
    public var intendedLost: [String]

    public init(today: [String] = [], after: [String] = [], intended: Set<String> = []) {
        self.today = today.sorted()
        self.after = after.sorted()
        self.lost = Set(today).subtracting(after).sorted()
        self.gained = Set(after).subtracting(today).sorted()
        self.intendedLost = Set(lost).intersection(intended).sorted()
    }
}

/// One finding of a preflight.
public struct PreflightMessage: Sendable, Equatable, Codable {
    public enum Level: String, Sendable, Codable, Comparable {
        /// Intended trust lost, or the command refused.
        case error
        /// Worth a second look: trust to an account the topology does not name, a qualifier change…
        case warning
        /// Fine, but worth knowing.
        case info

        public static func < (lhs: Level, rhs: Level) -> Bool {
            let order: [Level] = [.error, .warning, .info]
            return order.firstIndex(of: lhs) ?? 0 < order.firstIndex(of: rhs) ?? 0
        }
    }

    public var level: Level
    public var text: String

    public init(_ level: Level, _ text: String) {
        self.level = level
        self.text = text
    }
}

/// A corrected command for one target, as a shell-safe line and as argv.
public struct CorrectedBootstrapCommand: Sendable, Equatable, Codable {
    public var command: String
    public var argv: [String]

    public init(argv: [String]) {
        self.argv = argv
        self.command = ShellQuoting.line(argv)
    }
}
