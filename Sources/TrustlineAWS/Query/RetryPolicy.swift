// RetryPolicy — the AWS SDKs' "standard" retry mode as a pure policy, plus its shared quota.
import Foundation

/// The SDKs' standard retry mode: at most `maxAttempts` attempts, full-jitter exponential
/// backoff capped at `maxBackoff`, retrying throttling, transient errors and 5xx, bounded by a
/// shared ``RetryQuota`` so an outage does not turn into a retry storm.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int = 3
    public var baseDelay: Double = 1
    public var maxBackoff: Double = 20

    public init(maxAttempts: Int = 3, baseDelay: Double = 1, maxBackoff: Double = 20) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxBackoff = maxBackoff
    }

    /// What to do after attempt `attempt` (1-based) failed with `error`.
    /// - Parameter random: a number in [0, 1), injected so tests need no sleeping or luck.
    /// - Returns: the seconds to wait before the next attempt, or `nil` to give up.
    public func delay(afterAttempt attempt: Int, error: Error, random: Double, quota: RetryQuota?) -> Double? {
        guard attempt < maxAttempts, let cost = Self.retryCost(of: error) else { return nil }
        if let quota, !quota.acquire(cost) { return nil }
        let ceiling = min(baseDelay * pow(2, Double(attempt - 1)), maxBackoff)
        return max(0, min(random, 1)) * ceiling
    }

    /// The quota cost of retrying `error`, or `nil` when it is not retryable.
    static func retryCost(of error: Error) -> Int? {
        switch error {
        case let error as TransportError:
            guard error.isTransient else { return nil }
            return error.kind == .timedOut ? RetryQuota.timeoutCost : RetryQuota.retryCost
        case let error as AWSServiceError:
            return error.isRetryable ? RetryQuota.retryCost : nil
        default:
            return nil
        }
    }
}

/// The token bucket shared by every request of a client: 500 tokens, 5 per retry (10 after a
/// timeout), refunded when a retried request succeeds, 1 back for a first-try success.
public final class RetryQuota: @unchecked Sendable {
    public static let initialTokens = 500
    static let retryCost = 5
    static let timeoutCost = 10

    private let lock = NSLock()
    private var tokens: Int
    private let capacity: Int

    public init(tokens: Int = RetryQuota.initialTokens) {
        self.tokens = tokens
        self.capacity = tokens
    }

    public var available: Int {
        lock.lock()
        defer { lock.unlock() }
        return tokens
    }

    /// Takes `cost` tokens for a retry; `false` (and nothing taken) when there are too few.
    public func acquire(_ cost: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard tokens >= cost else { return false }
        tokens -= cost
        return true
    }

    /// Returns tokens after a success: the retries' cost, or 1 when no retry was needed.
    public func release(_ amount: Int) {
        lock.lock()
        tokens = min(capacity, tokens + amount)
        lock.unlock()
    }
}
