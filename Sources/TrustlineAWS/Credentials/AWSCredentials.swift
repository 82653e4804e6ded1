// AWSCredentials — an access key pair, optional session token and expiry; never printed.
import Foundation

/// Credentials that sign AWS requests. `description` never shows the secret or the token.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// When temporary credentials stop working; `nil` for long-term keys.
    public var expiration: Date?
    /// Where they came from, for `whoami` and error messages (e.g. "assume-role profile dev").
    public var source: String

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil, source: String = "") {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.source = source
    }

    /// Whether they expire within `margin` seconds of `now` (or have expired).
    public func expires(within margin: TimeInterval, of now: Date) -> Bool {
        guard let expiration else { return false }
        return expiration.timeIntervalSince(now) < margin
    }

    public var description: String {
        "AWSCredentials(accessKeyId: \(accessKeyId), source: \(source)\(expiration.map { ", expires: \($0)" } ?? ""))"
    }

    public var debugDescription: String { description }
}
