// BootstrapCommandError — why a proposed `cdk bootstrap` command line cannot be checked,
// naming the argument at fault.
import Foundation

/// A `cdk bootstrap` command line that `BootstrapCommandParser` cannot read, or that the CDK CLI
/// would reject before touching any account.
public struct BootstrapCommandError: Error, LocalizedError, Sendable, Equatable {
    /// The kind of problem, comparable in tests (`error.code == .unknownOption`).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case empty = "empty command"
            case notBootstrap = "not a bootstrap command"
            case unknownOption = "unknown option"
            case missingValue = "missing value"
            case invalidValue = "invalid value"
            case repeatedOption = "option given more than once"
            case conflictingOptions = "conflicting options"
            case invalidTarget = "invalid environment"
            case noTarget = "no environment"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Nothing after `--`.
        public static let empty = Code(.empty)
        /// Another program or another `cdk` subcommand than `bootstrap`.
        public static let notBootstrap = Code(.notBootstrap)
        /// An option the CDK CLI does not define for `cdk bootstrap` (it would ignore it silently).
        public static let unknownOption = Code(.unknownOption)
        /// An option that takes a value was given none.
        public static let missingValue = Code(.missingValue)
        /// A value that cannot work (not an account id, not a boolean…).
        public static let invalidValue = Code(.invalidValue)
        /// A single-valued option given twice (yargs would turn it into a list).
        public static let repeatedOption = Code(.repeatedOption)
        /// Options that exclude each other, or an account both trusted and untrusted.
        public static let conflictingOptions = Code(.conflictingOptions)
        /// An environment that is not `aws://ACCOUNT/REGION` with a real account and region.
        public static let invalidTarget = Code(.invalidTarget)
        /// No environment named: the CDK CLI would pick them from the app.
        public static let noTarget = Code(.noTarget)

        public var description: String { base.rawValue }
    }

    /// What is wrong.
    public var code: Code
    /// The argument at fault, as written (empty when the problem is the whole command).
    public var argument: String
    /// One sentence for people.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, argument: String, _ message: String) {
        self.code = code
        self.argument = argument
        self.message = message
    }

    public var errorDescription: String? {
        argument.isEmpty ? "the bootstrap command: \(message)" : "the bootstrap command, at \(argument): \(message)"
    }
}
