// CachedCredentialProvider — fetches credentials once and again only shortly before they expire.
import Foundation

/// A provider with fixed credentials (environment or file keys).
public struct StaticCredentialProvider: CredentialProvider {
    public let value: AWSCredentials
    public init(_ value: AWSCredentials) { self.value = value }
    public func credentials() async throws -> AWSCredentials { value }
}

/// Wraps a fetch (AssumeRole, web identity, a process, the container or instance endpoint):
/// concurrent callers share one fetch, and the credentials are reused until they are within
/// `refreshMargin` seconds of expiring.
public actor CachedCredentialProvider: CredentialProvider {
    public typealias Fetch = @Sendable () async throws -> AWSCredentials

    private let fetch: Fetch
    private let now: @Sendable () -> Date
    private let refreshMargin: TimeInterval
    private var cached: AWSCredentials?
    private var inFlight: Task<AWSCredentials, Error>?

    public init(refreshMargin: TimeInterval = 600, now: @escaping @Sendable () -> Date = { Date() }, fetch: @escaping Fetch) {
        self.fetch = fetch
        self.now = now
        self.refreshMargin = refreshMargin
    }

    public func credentials() async throws -> AWSCredentials {
        if let cached, !cached.expires(within: refreshMargin, of: now()) { return cached }
        if let inFlight { return try await inFlight.value }
        let task = Task { try await fetch() }
        inFlight = task
        defer { inFlight = nil }
        let fresh = try await task.value
        cached = fresh
        return fresh
    }
}
