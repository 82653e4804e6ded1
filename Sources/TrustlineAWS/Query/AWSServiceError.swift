// AWSServiceError — an error answer from an AWS service, with everything needed to act on it.
import Foundation

/// An error that an AWS service answered with. Keeps the code, message, HTTP status and request id.
public struct AWSServiceError: Error, LocalizedError, Sendable, Equatable {
    public let service: String
    public let action: String
    public let code: String
    public let message: String
    public let httpStatus: Int
    public let requestId: String?
    /// `Sender` or `Receiver`, when the service says.
    public let type: String?

    public init(service: String, action: String, code: String, message: String, httpStatus: Int, requestId: String?, type: String? = nil) {
        self.service = service
        self.action = action
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.requestId = requestId
        self.type = type
    }

    public var errorDescription: String? {
        var text = "\(service) \(action) failed: \(code) (HTTP \(httpStatus))"
        if !message.isEmpty { text += ": \(message)" }
        if let requestId, !requestId.isEmpty { text += " [request id \(requestId)]" }
        return text
    }

    /// Codes the SDKs treat as throttling.
    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    ]

    /// Codes the SDKs treat as transient.
    static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "ServiceUnavailable",
        "IDPCommunicationError",
    ]

    public var isThrottling: Bool { Self.throttlingCodes.contains(code) || httpStatus == 429 }

    /// Whether the SDKs' standard retry mode retries this answer.
    public var isRetryable: Bool {
        isThrottling || Self.transientCodes.contains(code) || [500, 502, 503, 504].contains(httpStatus)
    }

    /// Whether the caller's credentials are at fault (bad key, bad signature, expired token).
    public var isCredentialProblem: Bool {
        [
            "SignatureDoesNotMatch", "InvalidClientTokenId", "UnrecognizedClientException", "ExpiredToken",
            "ExpiredTokenException", "InvalidAccessKeyId", "IncompleteSignature", "MissingAuthenticationToken",
            "AuthFailure", "InvalidSignatureException",
        ].contains(code)
    }

    /// Decodes an AWS Query error body: `<ErrorResponse><Error>…` (or moto's `<Errors><Error>`).
    /// Falls back to a generic error for bodies that are not AWS XML (an HTML error page, say).
    public static func decode(service: String, action: String, status: Int, headers: [String: String], body: Data) -> AWSServiceError {
        let headerRequestId = headers["x-amzn-requestid"] ?? headers["x-amz-request-id"]
        if let root = try? XMLDocumentParser.parse(body), let error = root.first(named: "Error") {
            let code = error.string("Code") ?? "Unknown"
            return AWSServiceError(
                service: service, action: action, code: code,
                message: (error.string("Message") ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
                httpStatus: status,
                requestId: root.first(named: "RequestId")?.text ?? error.string("RequestId") ?? headerRequestId,
                type: error.string("Type"))
        }
        let code: String
        switch status {
        case 429: code = "TooManyRequestsException"
        case 500: code = "InternalFailure"
        case 503: code = "ServiceUnavailable"
        default: code = "HTTP\(status)"
        }
        let contentType = headers["content-type"] ?? "unknown content type"
        return AWSServiceError(
            service: service, action: action, code: code,
            message: "the answer was not an AWS error document (\(contentType), \(body.count) bytes)",
            httpStatus: status, requestId: headerRequestId)
    }
}
