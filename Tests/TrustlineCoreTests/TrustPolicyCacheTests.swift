// TrustPolicyCacheTests — the audit-wide cache of parsed trust policies gives exactly what a
// fresh parse gives (policy, error, whom it trusts, per partition), from many threads at once,
// and stays within its bound.
import Foundation
import Testing

@testable import TrustlineCore

@Suite("Trust policy cache")
struct TrustPolicyCacheTests {
    static let documents: [String] = [
        CDKBootstrapPolicy.deployRole(trusted: [Fixture.pipeline]),
        CDKBootstrapPolicy.deployRole(trusted: []),
        CDKBootstrapPolicy.deployRole(trusted: [Fixture.pipeline, Fixture.other], denyExternalID: false),
        #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}"#,
        #"{"Statement":[{"Effect":"Allow","Principal":{"Service":"cloudformation.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"sts:AssumeRole"}]}"#,
        "not json",
        #"{"Statement":[{"Effect":"Maybe"}]}"#,
    ]

    static func same(_ a: TrustPolicyCache.Entry, _ b: TrustPolicyCache.Entry) -> Bool {
        a.policy == b.policy && a.trust == b.trust
    }

    @Test("a hit is what a fresh parse gives, per partition")
    func hitsEqualFreshParses() {
        let cache = TrustPolicyCache()
        for partition in ["aws", "aws-cn", "aws-us-gov"] {
            for document in Self.documents {
                let fresh = TrustPolicyCache.Entry(document: document, partition: partition)
                #expect(Self.same(cache.entry(document: document, partition: partition), fresh))
                #expect(Self.same(cache.entry(document: document, partition: partition), fresh))
            }
        }
        #expect(cache.count == Self.documents.count * 3)
        // The partition is part of the key: a bare account id is an account of the partition audited.
        let cn = cache.entry(document: Self.documents[5], partition: "aws-cn").trust
        let aws = cache.entry(document: Self.documents[5], partition: "aws").trust
        #expect(cn != aws)
    }

    @Test("many threads, one answer each")
    func concurrentUse() {
        let cache = TrustPolicyCache()
        let expected = Self.documents.map { TrustPolicyCache.Entry(document: $0, partition: "aws") }
        let mismatches = Counter()
        DispatchQueue.concurrentPerform(iterations: 400) { iteration in
            let index = iteration % Self.documents.count
            if !Self.same(cache.entry(document: Self.documents[index], partition: "aws"), expected[index]) { mismatches.increment() }
        }
        #expect(mismatches.value == 0)
        #expect(cache.count == Self.documents.count)
    }

    @Test("bounded: past its capacity it starts over")
    func bounded() {
        let cache = TrustPolicyCache(capacity: 3)
        for document in Self.documents { _ = cache.entry(document: document, partition: "aws") }
        #expect(cache.count <= 3)
        #expect(Self.same(cache.entry(document: Self.documents[0], partition: "aws"), TrustPolicyCache.Entry(document: Self.documents[0], partition: "aws")))
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
