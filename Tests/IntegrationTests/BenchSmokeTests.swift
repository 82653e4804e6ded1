// BenchSmokeTests — `bench/run_bench.py` end to end on a tiny organisation (3 accounts, 1 ms):
// the fake answers every call of the audit, the boto3 reference reads what trustline reads,
// request for request, and the report passes the sanity check. Keeps the benchmark from rotting
// between the runs that measure it (which take minutes and are not part of the suite).
import Foundation
import Testing

@Suite("Benchmark smoke test")
struct BenchSmokeTests {
    @Test func aTinyBenchmarkRunsSaneWithBothScanners() throws {
        let workdir = FileManager.default.temporaryDirectory.appendingPathComponent("trustline-bench-smoke-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: workdir) }
        var environment = ProcessInfo.processInfo.environment
        environment["NO_PROXY"] = "127.0.0.1,localhost"
        let result = try run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", PackagePaths.root.appendingPathComponent("bench/run_bench.py").path, "--trustline", PackagePaths.trustline.path,
                "--accounts", "3", "--regions", "2", "--latency-ms", "1", "--concurrency", "4", "--capacity-seconds", "0",
                "--trustline-runs", "2", "--workdir", workdir.path,
            ],
            environment: environment)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("sanity: ok"))
        #expect(result.stdout.contains("trustline over 2 runs"))

        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: workdir.appendingPathComponent("results.json"))) as? [String: Any]
        let runs = try #require(results?["runs"] as? [[String: Any]])
        #expect(runs.count == 2, "trustline and the boto3 reference")
        let requests = runs.compactMap { ($0["stats"] as? [String: Any])?["actions"] as? [String: Int] }
        #expect(requests.count == 2 && requests[0] == requests[1], "the same reads, request for request: \(requests)")
        #expect((results?["trustlineRuns"] as? [Any])?.count == 2)
    }
}
