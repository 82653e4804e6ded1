// RequestPacerTests — the token bucket on a fake clock (no sleeping), and its use by QueryClient.
import Foundation
import Testing

@testable import TrustlineAWS

/// A clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_800_000_000)

    var now: Date { lock.withLock { current } }

    func advance(_ seconds: Double) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }
}

@Suite struct RequestPacerTests {
    func pacer(rate: Double = 15, burst: Int = 15, clock: ManualClock, waits: RecordedWaits = RecordedWaits()) -> RequestPacer {
        RequestPacer(rate: rate, burst: burst, environment: ClientEnvironment(now: { clock.now }, sleep: { waits.append($0) }, random: { 0 }))
    }

    @Test func theBurstGoesAtOnceThenOneRequestPerInterval() {
        let clock = ManualClock()
        let pacer = pacer(clock: clock)
        let waits = (0..<18).map { _ in pacer.reserve() }
        #expect(waits.prefix(15).allSatisfy { $0 == 0 })
        // Reservations queue up: the 16th waits one interval, the 17th two, …
        #expect(abs(waits[15] - 1.0 / 15) < 1e-9)
        #expect(abs(waits[16] - 2.0 / 15) < 1e-9)
        #expect(abs(waits[17] - 3.0 / 15) < 1e-9)
    }

    @Test func tokensRefillWithTimeUpToTheBurst() {
        let clock = ManualClock()
        let pacer = pacer(rate: 10, burst: 5, clock: clock)
        for _ in 0..<5 { #expect(pacer.reserve() == 0) }
        #expect(abs(pacer.reserve() - 0.1) < 1e-9)  // empty: the 6th waits one interval
        clock.advance(1)  // 10 tokens' worth (one of them for the 6th), capped at the burst of 5
        for _ in 0..<5 { #expect(pacer.reserve() == 0) }
        #expect(abs(pacer.reserve() - 0.1) < 1e-9)
        clock.advance(3600)  // an idle hour refills the burst, never more
        for _ in 0..<5 { #expect(pacer.reserve() == 0) }
        #expect(abs(pacer.available) < 1e-9)
        #expect(pacer.reserve() > 0)
    }

    @Test func aSustainedLoadRunsAtTheRate() {
        let clock = ManualClock()
        let pacer = pacer(rate: 15, burst: 15, clock: clock)
        // 300 requests, each sent as soon as the pacer allows: 15 at once, then 15 a second.
        for _ in 0..<300 { clock.advance(pacer.reserve()) }
        let elapsed = clock.now.timeIntervalSince(Date(timeIntervalSince1970: 1_800_000_000))
        #expect(abs(elapsed - Double(300 - 15) / 15) < 0.5)  // ≈ 19 s, never faster
    }

    @Test func aClockThatStepsBackRefillsNothing() {
        let clock = ManualClock()
        let pacer = pacer(rate: 1, burst: 2, clock: clock)
        #expect(pacer.reserve() == 0)
        #expect(pacer.reserve() == 0)
        clock.advance(-30)
        #expect(abs(pacer.reserve() - 1) < 1e-9)
        clock.advance(30)  // back where it was: still nothing refilled
        #expect(abs(pacer.reserve() - 2) < 1e-9)
    }

    @Test func acquireSleepsThroughTheInjectedSleep() async throws {
        let clock = ManualClock()
        let waits = RecordedWaits()
        let pacer = pacer(rate: 2, burst: 1, clock: clock, waits: waits)
        try await pacer.acquire()
        try await pacer.acquire()
        try await pacer.acquire()
        #expect(waits.all == [0.5, 1.0])
    }

    @Test func concurrentCallersAreSpacedOut() async throws {
        let clock = ManualClock()
        let waits = RecordedWaits()
        let pacer = pacer(rate: 4, burst: 2, clock: clock, waits: waits)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<6 { group.addTask { try await pacer.acquire() } }
            try await group.waitForAll()
        }
        #expect(waits.all.sorted() == [0.25, 0.5, 0.75, 1.0])
    }

    @Test func anAuditsFewIAMCallsPerAccountNeverWait() {
        // ListRoles (one page), then per region ListAttachedRolePolicies, ListRolePolicies and a
        // GetRolePolicy or two: well inside the burst, so a normal audit is not slowed at all.
        let clock = ManualClock()
        let pacer = pacer(clock: clock)
        for _ in 0..<6 { #expect(pacer.reserve() == 0) }
    }

    @Test func aCancelledTaskTakesNoToken() async {
        let clock = ManualClock()
        let pacer = pacer(rate: 1, burst: 1, clock: clock)
        let task = Task<Void, Error> {
            withUnsafeCurrentTask { $0?.cancel() }
            try await pacer.acquire()
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(pacer.available == 1)
    }
}

@Suite struct QueryClientPacingTests {
    @Test func everyAttemptRetriesIncludedIsPaced() async throws {
        let clock = ManualClock()
        let paced = RecordedWaits()
        let pacer = RequestPacer(
            rate: 1, burst: 1, environment: ClientEnvironment(now: { clock.now }, sleep: { paced.append($0) }, random: { 0 }))
        let http = FakeHTTPClient(responses: [
            .success(xmlResponse(Fixture.throttling, status: 400)),
            .success(xmlResponse(Fixture.getCallerIdentity)),
        ])
        let client = QueryClient(
            http: http, credentials: StaticCredentialProvider(testCredentials), region: "us-east-1",
            endpoints: EndpointResolver(environment: [:]), environment: testEnvironment(), pacer: pacer)
        _ = try await STS(client: client).getCallerIdentity()
        #expect(http.requests.count == 2)
        #expect(paced.all == [1])  // the retry waited for a token (the clock did not move)
    }

    @Test func derivedClientsKeepThePacerAndCanDropIt() {
        let pacer = RequestPacer(rate: 15, burst: 15)
        let client = QueryClient(http: FakeHTTPClient(responses: []), credentials: nil, region: "us-east-1", pacer: pacer)
        #expect(client.with(region: "eu-west-1").pacer === pacer)
        #expect(client.with(credentials: nil).pacer === pacer)
        #expect(client.with(pacer: nil).pacer == nil)
        let unpaced = QueryClient(http: FakeHTTPClient(responses: []), credentials: nil, region: "us-east-1")
        #expect(unpaced.pacer == nil)
        #expect(unpaced.with(pacer: pacer).pacer === pacer)
    }
}
