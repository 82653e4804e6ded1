// HTTPClient — the seam between the AWS layer and the network: a request value in, a response value out.
import Foundation

/// An HTTP request as the AWS layer builds it.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    public var url: URL
    /// Header fields in the order they are sent. Names are compared case-insensitively.
    public var headers: [(name: String, value: String)]
    public var body: Data
    /// Total time allowed for the transfer, in seconds. `nil` uses the client's default.
    public var timeout: Double?

    public init(method: String, url: URL, headers: [(name: String, value: String)] = [], body: Data = Data(), timeout: Double? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// The value of the first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
        lhs.method == rhs.method && lhs.url == rhs.url && lhs.body == rhs.body && lhs.timeout == rhs.timeout
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}

/// An HTTP response: status, headers (names lower-cased) and the whole body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Sends HTTP requests. The production implementation is ``CurlHTTPClient``; tests use fakes.
public protocol HTTPClient: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// A failure below HTTP: the request got no complete response.
public struct TransportError: Error, LocalizedError, Sendable, Equatable {
    public enum Kind: String, Sendable {
        case connectFailed = "connection failed"
        case timedOut = "timed out"
        case connectionReset = "connection reset"
        /// The connection closed before the whole body arrived (fewer bytes than Content-Length).
        case truncated = "response cut short"
        case bodyTooLarge = "response body over the size limit"
        case protocolNotAllowed = "URL scheme not allowed"
        case tlsFailed = "TLS failure"
        case other = "transfer failed"
    }

    public let kind: Kind
    /// The host the request went to (never the path or query, which could carry data).
    public let host: String
    public let detail: String

    public init(kind: Kind, host: String, detail: String) {
        self.kind = kind
        self.host = host
        self.detail = detail
    }

    public var errorDescription: String? {
        "HTTP request to \(host) failed: \(kind.rawValue)\(detail.isEmpty ? "" : " (\(detail))")"
    }

    /// Whether the SDKs' standard retry mode retries this failure.
    public var isTransient: Bool {
        switch kind {
        case .connectFailed, .timedOut, .connectionReset, .truncated, .other: return true
        case .bodyTooLarge, .protocolNotAllowed, .tlsFailed: return false
        }
    }
}

extension URL {
    /// Whether the URL names a loopback host (where plain http is allowed).
    var isLoopback: Bool {
        guard let host = host?.lowercased() else { return false }
        return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}
