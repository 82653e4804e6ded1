// QueryClient — signed AWS Query API calls (STS, IAM, CloudFormation, SNS) with retries and paging.
import Foundation

/// Supplies credentials for signing; implementations cache and refresh as needed.
public protocol CredentialProvider: Sendable {
    func credentials() async throws -> AWSCredentials
}

/// One Query API call: `Action=…&Version=…` plus parameters (lists as `Name.member.N`).
public struct QueryRequest: Sendable {
    public var service: AWSService
    public var action: String
    public var parameters: [(String, String)]

    public init(_ service: AWSService, _ action: String, _ parameters: [(String, String)] = []) {
        self.service = service
        self.action = action
        self.parameters = parameters
    }

    /// The form-encoded body: everything but `A-Za-z0-9-_.~` percent-encoded.
    public var body: String {
        ([("Action", action), ("Version", service.apiVersion)] + parameters)
            .map { "\(SigV4Signer.percentEncode($0.0))=\(SigV4Signer.percentEncode($0.1))" }
            .joined(separator: "&")
    }
}

/// A request the client refused to send because it is not on its allowlist.
public struct ActionNotPermittedError: Error, LocalizedError, Sendable {
    public let service: String
    public let action: String
    public var errorDescription: String? {
        "refusing to call \(service):\(action): trustline only makes read-only calls (and those named for notifications)"
    }
}

/// The environment a client runs in: clock, sleep and randomness, injected for tests.
public struct ClientEnvironment: Sendable {
    public var now: @Sendable () -> Date
    public var sleep: @Sendable (Double) async throws -> Void
    public var random: @Sendable () -> Double

    public init(
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Double) async throws -> Void = { seconds in
            try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
        },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.now = now
        self.sleep = sleep
        self.random = random
    }
}

/// Sends Query API requests for one set of credentials in one region.
public struct QueryClient: Sendable {
    /// Every action trustline may send: reads, plus the STS calls that obtain credentials.
    public static let readOnlyActions: Set<String> = [
        "sts:GetCallerIdentity", "sts:AssumeRole", "sts:AssumeRoleWithWebIdentity",
        "iam:GetRole", "iam:ListRoles", "iam:ListRoleTags", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies",
        "iam:GetRolePolicy", "iam:GetPolicy", "iam:GetPolicyVersion",
        "cloudformation:DescribeStacks", "cloudformation:ListStacks",
    ]

    public let http: HTTPClient
    public let credentials: CredentialProvider?
    public let region: String
    public let endpoints: EndpointResolver
    public let retry: RetryPolicy
    public let quota: RetryQuota
    public let environment: ClientEnvironment
    public let permittedActions: Set<String>
    /// Paces every attempt (retries included) when set: see ``RequestPacer``.
    public let pacer: RequestPacer?

    /// - Parameter credentials: `nil` for unsigned calls (`AssumeRoleWithWebIdentity`).
    public init(
        http: HTTPClient, credentials: CredentialProvider?, region: String, endpoints: EndpointResolver = EndpointResolver(),
        retry: RetryPolicy = RetryPolicy(), quota: RetryQuota = RetryQuota(), environment: ClientEnvironment = ClientEnvironment(),
        permittedActions: Set<String> = QueryClient.readOnlyActions, pacer: RequestPacer? = nil
    ) {
        self.http = http
        self.credentials = credentials
        self.region = region
        self.endpoints = endpoints
        self.retry = retry
        self.quota = quota
        self.environment = environment
        self.permittedActions = permittedActions
        self.pacer = pacer
    }

    /// The same client with other credentials (sharing transport, quota, environment and pacer).
    public func with(credentials: CredentialProvider?) -> QueryClient {
        QueryClient(
            http: http, credentials: credentials, region: region, endpoints: endpoints, retry: retry, quota: quota,
            environment: environment, permittedActions: permittedActions, pacer: pacer)
    }

    /// The same client in another region.
    public func with(region: String) -> QueryClient {
        QueryClient(
            http: http, credentials: credentials, region: region, endpoints: endpoints, retry: retry, quota: quota,
            environment: environment, permittedActions: permittedActions, pacer: pacer)
    }

    /// The same client, its requests paced by `pacer` (`nil`: unpaced).
    public func with(pacer: RequestPacer?) -> QueryClient {
        QueryClient(
            http: http, credentials: credentials, region: region, endpoints: endpoints, retry: retry, quota: quota,
            environment: environment, permittedActions: permittedActions, pacer: pacer)
    }

    /// Sends the request, retrying as the policy says, and returns the `<ActionResult>` element
    /// (or the root element when the answer has none).
    ///
    /// Errors: the service's answer as ``AWSServiceError``; a 2xx answer that is not a readable
    /// document as ``MalformedResponseError``; no complete answer as ``QueryTransportError`` (naming
    /// the call and the attempts made); the credential provider's own error unchanged (it was
    /// retried by the provider, never again here); `CancellationError` when the task is cancelled.
    public func send(_ request: QueryRequest) async throws -> XMLElement {
        guard permittedActions.contains("\(request.service.rawValue):\(request.action)") else {
            throw ActionNotPermittedError(service: request.service.rawValue, action: request.action)
        }
        let endpoint = try endpoints.endpoint(for: request.service, region: region)
        var attempt = 1
        var retryCost = 0
        while true {
            try Task.checkCancellation()
            do {
                try await pacer?.acquire()
                let root = try await attemptOnce(request, endpoint: endpoint)
                quota.release(retryCost > 0 ? retryCost : 1)
                return root.child("\(request.action)Result") ?? root
            } catch let failure as CredentialFetchFailure {
                // The provider's own client already retried; retrying here would multiply the attempts.
                throw failure.underlying
            } catch {
                guard let wait = retry.delay(afterAttempt: attempt, error: error, random: environment.random(), quota: quota) else {
                    if let transport = error as? TransportError {
                        throw QueryTransportError(service: request.service.rawValue, action: request.action, attempts: attempt, underlying: transport)
                    }
                    throw error
                }
                retryCost += (RetryPolicy.retryCost(of: error) ?? 0)
                try await environment.sleep(wait)
                attempt += 1
            }
        }
    }

    /// Sends a paged request until the service says there is no more, collecting each page's result.
    /// - Parameters:
    ///   - tokenName: `Marker` (IAM: continue while `IsTruncated` is true) or `NextToken` (CloudFormation, SNS).
    public func sendPaged(_ request: QueryRequest, tokenName: String, maxPages: Int = 1000) async throws -> [XMLElement] {
        var pages: [XMLElement] = []
        var token: String?
        repeat {
            var paged = request
            if let token { paged.parameters.append((tokenName, token)) }
            let result = try await send(paged)
            pages.append(result)
            if tokenName == "Marker" {
                token = result.string("IsTruncated") == "true" ? result.string("Marker") : nil
            } else {
                token = result.string(tokenName)
            }
            if let value = token, value.isEmpty { token = nil }
        } while token != nil && pages.count < maxPages
        return pages
    }

    private func attemptOnce(_ request: QueryRequest, endpoint: Endpoint) async throws -> XMLElement {
        var http = HTTPRequest(
            method: "POST", url: endpoint.url,
            headers: [(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8")],
            body: Data(request.body.utf8))
        if let credentials {
            let current: AWSCredentials
            do {
                current = try await credentials.credentials()
            } catch {
                throw CredentialFetchFailure(underlying: error)
            }
            SigV4Signer(credentials: current, region: endpoint.signingRegion, service: request.service.signingName)
                .sign(&http, at: environment.now())
        }
        let response = try await self.http.send(http)
        guard (200..<300).contains(response.status) else {
            throw AWSServiceError.decode(
                service: request.service.rawValue, action: request.action, status: response.status,
                headers: response.headers, body: response.body)
        }
        do {
            return try XMLDocumentParser.parse(response.body)
        } catch let error as XMLParseError {
            throw MalformedResponseError(service: request.service.rawValue, action: request.action, detail: error.localizedDescription)
        }
    }
}

/// A 2xx answer whose body could not be read as the expected document.
public struct MalformedResponseError: Error, LocalizedError, Sendable {
    public let service: String
    public let action: String
    public let detail: String
    public var errorDescription: String? { "\(service) \(action) returned an unreadable answer: \(detail)" }
}

/// A Query call that got no complete answer (connection failed or reset, timed out, body over the
/// limit…) after every attempt the retry policy allowed.
public struct QueryTransportError: Error, LocalizedError, Sendable {
    public let service: String
    public let action: String
    /// Attempts made, the last one included.
    public let attempts: Int
    /// The last attempt's failure.
    public let underlying: TransportError

    public init(service: String, action: String, attempts: Int, underlying: TransportError) {
        self.service = service
        self.action = action
        self.attempts = attempts
        self.underlying = underlying
    }

    public var errorDescription: String? {
        let tries = attempts == 1 ? "1 attempt" : "\(attempts) attempts"
        let detail = underlying.detail.isEmpty ? "" : ": \(underlying.detail)"
        return "\(service) \(action) failed: \(underlying.kind.rawValue) after \(tries) (HTTP request to \(underlying.host)\(detail))"
    }
}

/// The credential provider failed during an attempt: passed through ``QueryClient/send(_:)`` unretried.
private struct CredentialFetchFailure: Error {
    let underlying: Error
}
