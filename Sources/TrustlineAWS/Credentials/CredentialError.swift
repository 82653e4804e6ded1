// CredentialError — why credentials could not be obtained, in words a user can act on.
import Foundation

/// Credentials could not be resolved or fetched.
public struct CredentialError: Error, LocalizedError, Sendable {
    public enum Code: String, Sendable {
        /// Nothing in the chain gave credentials.
        case noCredentials
        /// The named profile is in neither file.
        case profileNotFound
        /// The profile is written in a way that cannot work (cycle, missing source…).
        case invalidProfile
        /// A source (process, container endpoint, instance metadata, token file) failed.
        case sourceFailed
        /// MFA is required and no code could be asked for.
        case mfaUnavailable
    }

    public let code: Code
    public let profile: String?
    public let detail: String

    public init(_ code: Code, profile: String?, detail: String) {
        self.code = code
        self.profile = profile
        self.detail = detail
    }

    /// Whether the fault is in the user's configuration (exit code 2) rather than a source failing.
    public var isConfigurationProblem: Bool {
        code == .profileNotFound || code == .invalidProfile || code == .noCredentials || code == .mfaUnavailable
    }

    public var errorDescription: String? {
        (profile.map { "profile '\($0)': " } ?? "") + detail
    }
}
