// RetryPolicyTests — the standard retry mode as a pure function: no sleeping, no luck.
import Foundation
import Testing

@testable import TrustlineAWS

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy()
    let throttled = AWSServiceError(service: "iam", action: "GetRole", code: "Throttling", message: "", httpStatus: 400, requestId: nil)

    @Test func fullJitterExponentialBackoff() {
        #expect(policy.delay(afterAttempt: 1, error: throttled, random: 0.99, quota: nil) == 0.99)
        #expect(policy.delay(afterAttempt: 2, error: throttled, random: 0.5, quota: nil) == 1.0)
        #expect(policy.delay(afterAttempt: 1, error: throttled, random: 0, quota: nil) == 0)
        #expect(policy.delay(afterAttempt: 3, error: throttled, random: 0.5, quota: nil) == nil)  // 3 attempts in all
    }

    @Test func backoffIsCappedAtTwentySeconds() {
        let many = RetryPolicy(maxAttempts: 10)
        #expect(many.delay(afterAttempt: 6, error: throttled, random: 1, quota: nil) == 20)
        #expect(many.delay(afterAttempt: 9, error: throttled, random: 0.5, quota: nil) == 10)
    }

    @Test(arguments: [
        ("Throttling", 400, true), ("ThrottlingException", 400, true), ("RequestLimitExceeded", 400, true),
        ("TooManyRequestsException", 400, true), ("SlowDown", 503, true), ("Anything", 429, true),
        ("InternalError", 500, true), ("HTTP502", 502, true), ("ServiceUnavailable", 503, true), ("HTTP504", 504, true),
        ("RequestTimeout", 400, true), ("IDPCommunicationError", 400, true),
        ("AccessDenied", 403, false), ("SignatureDoesNotMatch", 403, false), ("ValidationError", 400, false),
        ("NoSuchEntity", 404, false), ("ExpiredToken", 400, false),
    ])
    func whichServiceErrorsAreRetried(code: String, status: Int, retried: Bool) {
        let error = AWSServiceError(service: "sts", action: "X", code: code, message: "", httpStatus: status, requestId: nil)
        #expect((policy.delay(afterAttempt: 1, error: error, random: 0.1, quota: nil) != nil) == retried)
    }

    @Test(arguments: [
        (TransportError.Kind.connectFailed, true), (.timedOut, true), (.connectionReset, true), (.truncated, true), (.other, true),
        (.bodyTooLarge, false), (.protocolNotAllowed, false), (.tlsFailed, false),
    ])
    func whichTransportErrorsAreRetried(kind: TransportError.Kind, retried: Bool) {
        let error = TransportError(kind: kind, host: "h", detail: "")
        #expect((policy.delay(afterAttempt: 1, error: error, random: 0.1, quota: nil) != nil) == retried)
    }

    @Test func otherErrorsAreNotRetried() {
        #expect(policy.delay(afterAttempt: 1, error: CancellationError(), random: 0.1, quota: nil) == nil)
    }

    @Test func quotaStopsRetryStorms() {
        let quota = RetryQuota(tokens: 12)
        let timeout = TransportError(kind: .timedOut, host: "h", detail: "")
        #expect(policy.delay(afterAttempt: 1, error: timeout, random: 0.5, quota: quota) != nil)  // costs 10
        #expect(quota.available == 2)
        #expect(policy.delay(afterAttempt: 1, error: throttled, random: 0.5, quota: quota) == nil)  // needs 5
        quota.release(10)
        #expect(quota.available == 12)  // never above capacity
        #expect(policy.delay(afterAttempt: 1, error: throttled, random: 0.5, quota: quota) != nil)
        #expect(quota.available == 7)
    }
}
