// RequestPacer — a token bucket that spaces out the requests of one account to one service, so a
// wide audit never hammers an API that has no published rate (IAM).
import Foundation

/// Paces requests with a token bucket: `burst` requests may go at once, then `rate` per second.
///
/// Each ``acquire()`` takes one token; when none is left the caller waits until one has been
/// refilled. Tokens are reserved when asked for (the bucket may go negative), so concurrent
/// callers queue up in order instead of all waking at once. The clock and the sleep come from a
/// ``ClientEnvironment``: tests drive ``reserve()`` with a fake clock and never sleep.
public final class RequestPacer: @unchecked Sendable {
    /// Requests per second once the burst is spent.
    public let rate: Double
    /// Requests that may go back to back.
    public let burst: Int

    private let now: @Sendable () -> Date
    private let sleep: @Sendable (Double) async throws -> Void
    private let lock = NSLock()
    private var tokens: Double
    private var updated: Date?

    /// - Parameters:
    ///   - rate: tokens refilled per second (at least a tiny positive number).
    ///   - burst: the bucket's size, and the tokens it starts with.
    public init(rate: Double, burst: Int, environment: ClientEnvironment = ClientEnvironment()) {
        self.rate = max(rate, 0.001)
        self.burst = max(1, burst)
        self.now = environment.now
        self.sleep = environment.sleep
        self.tokens = Double(max(1, burst))
    }

    /// Takes a token, waiting as long as the bucket says. Throws only when the task is cancelled.
    public func acquire() async throws {
        try Task.checkCancellation()
        let wait = reserve()
        if wait > 0 { try await sleep(wait) }
    }

    /// Takes a token now and returns how many seconds the caller must wait before sending
    /// (0 while the burst lasts).
    public func reserve() -> Double {
        lock.lock()
        defer { lock.unlock() }
        let current = now()
        if let updated {
            // A clock that steps back refills nothing (and is not trusted to refill twice).
            let elapsed = max(0, current.timeIntervalSince(updated))
            tokens = min(Double(burst), tokens + elapsed * rate)
            self.updated = max(updated, current)
        } else {
            updated = current
        }
        tokens -= 1
        return tokens >= 0 ? 0 : -tokens / rate
    }

    /// Tokens in the bucket at the last reservation (negative: callers are queued).
    public var available: Double {
        lock.lock()
        defer { lock.unlock() }
        return tokens
    }
}
