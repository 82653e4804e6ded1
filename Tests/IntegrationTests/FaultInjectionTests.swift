// FaultInjectionTests — trustline audit through Support/fault_proxy.py, which sits between the
// binary and the emulated organisation and answers chosen calls of ONE account (qa) with a fault:
// throttling, 5xx, resets, stalls, truncated, malformed, hostile (DOCTYPE, entity bomb, external
// entities) and oversized bodies, an HTML error page. Each run must retry as the policy says,
// report qa `environment-unreachable` with a reason naming the call and the fault, audit dev
// fully, exit 3, finish in bounded time, and never crash. Prints the fault → outcome table that
// docs/faults.md records.
import Foundation
import Testing
import TrustlineCore
import TrustlineReport

/// One rule of fault_proxy.py (see its docstring).
struct FaultRule: Encodable, Sendable {
    var name: String
    var fault: String
    var action: String
    var account: String? = FaultInjectionTests.qa
    var first: Int?
    var seconds: Double?
}

/// A fault, and what the audit must make of it.
struct FaultCase: Sendable, CustomStringConvertible {
    var rule: FaultRule
    /// Requests the proxy must see for the faulted call (attempts, retries included).
    var attempts: Int
    /// Of those, how many got the fault (the rest went through).
    var faulted: Int? = nil
    /// Substrings of qa's `environment-unreachable` message; empty: qa must be fully audited.
    var reason: [String]
    var exitCode: Int32 = 3
    var arguments: [String] = []
    var environment: [String: String] = [:]

    var description: String { rule.name }
}

/// What one run gave, for the assertions and the table.
struct FaultOutcome: Sendable {
    var fault: FaultCase
    var result: CommandResult
    var report: AuditReport?
    var stats: ProxyStats?
    var seconds: Double
    var reportText: String
}

/// fault_proxy.py's STATS.json.
struct ProxyStats: Decodable, Sendable {
    struct Count: Decodable, Sendable {
        var matched: Int
        var faulted: Int
    }
    struct Stall: Decodable, Sendable {
        var rule: String
        var closedByClientAfter: Double?
    }
    struct Request: Decodable, Sendable {
        var service: String
        var action: String
        var account: String?
        var rule: String?
    }
    var rules: [String: Count]
    var probes: Int
    var stalls: [Stall]
    var requests: [Request]
}

@Suite struct FaultInjectionTests {
    static let dev = "222222222222"
    static let qa = "333333333333"

    static let scenario = """
        # A private organisation for the fault-injection tests: two deploy targets trusting tools.
        version: 1
        name: faults
        region: us-east-1
        accounts:
          tools: "111111111111"
          dev: "222222222222"
          qa: "333333333333"
        environments:
          - name: dev
            account: dev
            region: us-east-1
            bootstrap:
              trust: [tools]
              trustForLookup: [tools]
              executionPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
          - name: qa
            account: qa
            region: us-east-1
            bootstrap:
              trust: [tools]
              trustForLookup: [tools]
              executionPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]

        """

    static let topology = """
        version: 1
        defaults:
          regions: [us-east-1]
          executionPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
        pipelines:
          - name: tools
            account: "111111111111"
        environments:
          - name: dev
            account: "222222222222"
            profile: dev
            trust: [tools]
            trustForLookup: [tools]
          - name: qa
            account: "333333333333"
            profile: qa
            trust: [tools]
            trustForLookup: [tools]
        rules:
          allowAdministratorAccess: [dev, qa]

        """

    /// Short HTTP timeouts so that stalls end in seconds (the default is 30 s).
    static let quick = ["TRUSTLINE_HTTP_TIMEOUT": "2"]

    static let cases: [FaultCase] = [
        FaultCase(
            rule: FaultRule(name: "Throttling (400)", fault: "throttle", action: "ListRoles"), attempts: 3,
            reason: ["iam ListRoles failed: Throttling (HTTP 400)", "Rate exceeded"]),
        FaultCase(
            rule: FaultRule(name: "HTTP 429", fault: "throttle-429", action: "DescribeStacks"), attempts: 3,
            reason: ["cloudformation DescribeStacks failed: TooManyRequestsException (HTTP 429)"]),
        FaultCase(
            rule: FaultRule(name: "HTTP 500", fault: "error-500", action: "GetCallerIdentity"), attempts: 3,
            reason: ["sts GetCallerIdentity failed: InternalFailure (HTTP 500)"]),
        FaultCase(
            rule: FaultRule(name: "HTTP 503", fault: "error-503", action: "ListAttachedRolePolicies"), attempts: 3,
            reason: ["iam ListAttachedRolePolicies failed: ServiceUnavailable (HTTP 503)"]),
        FaultCase(
            rule: FaultRule(name: "connection reset", fault: "reset", action: "AssumeRole"), attempts: 3,
            reason: ["sts AssumeRole failed: connection reset after 3 attempts"]),
        FaultCase(
            rule: FaultRule(name: "stall (2 s timeout)", fault: "stall", action: "ListRoles"), attempts: 3,
            reason: ["iam ListRoles failed: timed out after 3 attempts"], environment: quick),
        FaultCase(
            rule: FaultRule(name: "truncated body", fault: "truncated", action: "DescribeStacks"), attempts: 3,
            reason: ["cloudformation DescribeStacks failed: response cut short after 3 attempts", "bytes remaining"]),
        FaultCase(
            rule: FaultRule(name: "malformed XML", fault: "malformed", action: "ListRoles"), attempts: 1,
            reason: ["iam ListRoles returned an unreadable answer", "not well-formed XML"]),
        FaultCase(
            rule: FaultRule(name: "entity bomb", fault: "entity-bomb", action: "GetCallerIdentity"), attempts: 1,
            reason: ["sts GetCallerIdentity returned an unreadable answer", "DOCTYPE"]),
        FaultCase(
            rule: FaultRule(name: "external entity (file)", fault: "xxe-file", action: "DescribeStacks"), attempts: 1,
            reason: ["cloudformation DescribeStacks returned an unreadable answer", "DOCTYPE"]),
        FaultCase(
            rule: FaultRule(name: "external entity (http)", fault: "xxe-http", action: "ListRoles"), attempts: 1,
            reason: ["iam ListRoles returned an unreadable answer", "DOCTYPE"]),
        FaultCase(
            rule: FaultRule(name: "20 MiB body", fault: "oversize", action: "ListRoles"), attempts: 1,
            reason: ["iam ListRoles failed: response body over the size limit after 1 attempt"]),
        FaultCase(
            rule: FaultRule(name: "20 MiB chunked body", fault: "oversize-chunked", action: "DescribeStacks"), attempts: 1,
            reason: ["cloudformation DescribeStacks failed: response body over the size limit after 1 attempt"]),
        FaultCase(
            rule: FaultRule(name: "HTML 502 page", fault: "html-502", action: "ListRolePolicies"), attempts: 3,
            reason: ["iam ListRolePolicies failed: HTTP502 (HTTP 502)", "not an AWS error document (text/html"]),
        FaultCase(
            rule: FaultRule(name: "Throttling ×2, then ok", fault: "throttle", action: "ListRoles", first: 2), attempts: 3, faulted: 2,
            reason: [], exitCode: 0),
        FaultCase(
            rule: FaultRule(name: "stall, --deadline 3", fault: "stall", action: "DescribeStacks"), attempts: 1,
            reason: ["deadline of 3 s exceeded while calling cloudformation:DescribeStacks for CDKToolkit in us-east-1"],
            arguments: ["--deadline", "3"]),
        FaultCase(
            rule: FaultRule(name: "stalled AssumeRole, --deadline 3", fault: "stall", action: "AssumeRole"), attempts: 1,
            reason: ["deadline of 3 s exceeded while obtaining credentials and calling sts:GetCallerIdentity"],
            arguments: ["--deadline", "3"]),
    ]

    func scratch(_ label: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tl-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// The private organisation (never shared: nothing else sees the faults' topology).
    func organisation() async throws -> OrganisationState {
        let directory = try scratch("faults-scenario")
        let file = directory.appendingPathComponent("faults.yaml")
        try Self.scenario.write(to: file, atomically: true, encoding: .utf8)
        return try await EmulatedOrganisation.shared.state(scenarioFile: file, key: "faults")
    }

    /// Runs one case: its own proxy, its own report directory.
    func run(_ fault: FaultCase, org: OrganisationState, topology: URL) async throws -> FaultOutcome {
        let directory = try scratch("fault")
        defer { try? FileManager.default.removeItem(at: directory) }
        let rules = directory.appendingPathComponent("rules.json")
        try JSONEncoder().encode(["rules": [fault.rule]]).write(to: rules)
        let proxy = try FaultProxy(upstream: org.endpoint, rules: rules, directory: directory)
        defer { proxy.stop() }
        let endpoint = try await proxy.waitUntilReady()

        let out = directory.appendingPathComponent("reports")
        let arguments = ["audit", "--topology", topology.path, "--out", out.path, "--no-color"] + fault.arguments
        let environment = org.environment(["AWS_ENDPOINT_URL": endpoint].merging(fault.environment) { $1 })
        // Timed on the Dispatch thread that waits for the process: the Swift pool may be busy.
        let (result, seconds) = try await offThePool {
            let started = Date()
            let result = try trustline(arguments, environment: environment)
            return (result, Date().timeIntervalSince(started))
        }
        proxy.stop()
        let reportData = FileManager.default.contents(atPath: out.appendingPathComponent("trustline-report.json").path)
        return FaultOutcome(
            fault: fault, result: result, report: try reportData.map { try ReportJSON.decode($0) }, stats: proxy.stats(),
            seconds: seconds, reportText: reportData.map { String(decoding: $0, as: UTF8.self) } ?? "")
    }

    @Test func everyFaultOnOneAccountLeavesTheOthersAudited() async throws {
        let org = try await organisation()
        let directory = try scratch("faults-topology")
        defer { try? FileManager.default.removeItem(at: directory) }
        let topology = directory.appendingPathComponent("faults.yaml")
        try Self.topology.write(to: topology, atomically: true, encoding: .utf8)

        // Three at a time: the stalls and backoffs overlap, yet the timings stay readable.
        var outcomes: [FaultOutcome] = []
        try await withThrowingTaskGroup(of: FaultOutcome.self) { group in
            var pending = Self.cases[...]
            for _ in 0..<3 {
                if let next = pending.popFirst() { group.addTask { try await run(next, org: org, topology: topology) } }
            }
            while let outcome = try await group.next() {
                outcomes.append(outcome)
                if let next = pending.popFirst() { group.addTask { try await run(next, org: org, topology: topology) } }
            }
        }
        outcomes.sort { a, b in
            (Self.cases.firstIndex { $0.rule.name == a.fault.rule.name } ?? 0) < (Self.cases.firstIndex { $0.rule.name == b.fault.rule.name } ?? 0)
        }
        print(Self.table(outcomes))

        for outcome in outcomes { check(outcome, org: org) }
    }

    func check(_ outcome: FaultOutcome, org: OrganisationState) {
        let fault = outcome.fault
        let name = fault.rule.name
        let output = "\(name): \(outcome.result.stdout.suffix(1500))\(outcome.result.stderr.suffix(1500))"
        #expect(outcome.result.status == fault.exitCode, "\(output)")
        expectClean(outcome.result, secrets: [org.adminSecretAccessKey])
        #expect(outcome.seconds < 60, "\(name) took \(outcome.seconds) s")
        guard let report = outcome.report else {
            Issue.record("\(name): no report written. \(output)")
            return
        }
        #expect(report.summary.exitCode == Int(fault.exitCode), "\(name)")

        // dev is fully audited whatever happens to qa.
        let dev = report.environments.first { $0.name == "dev" }
        #expect(dev?.status == .ok, "\(name): dev \(String(describing: dev?.status))")
        #expect(dev?.roles.count == 5, "\(name)")
        #expect(report.findings.filter { $0.environment == "dev" }.isEmpty, "\(name): \(report.findings.map(\.message))")

        let qa = report.environments.first { $0.name == "qa" }
        let qaFindings = report.findings.filter { $0.environment == "qa" }
        if fault.reason.isEmpty {
            #expect(qa?.status == .ok, "\(name): qa \(qaFindings.map(\.message))")
            #expect(qa?.roles.count == 5, "\(name)")
        } else {
            #expect(qa?.status == .unreachable, "\(name)")
            #expect(qaFindings.map(\.check) == [.environmentUnreachable], "\(name): \(qaFindings.map(\.message))")
            let message = qaFindings.first?.message ?? ""
            for part in fault.reason {
                #expect(message.contains(part), "\(name): “\(part)” not in “\(message)”")
            }
        }

        // The retries the policy promises, no more and no fewer.
        let count = outcome.stats?.rules[name]
        #expect(count?.matched == fault.attempts, "\(name): \(String(describing: count))")
        #expect(count?.faulted == (fault.faulted ?? fault.attempts), "\(name): \(String(describing: count))")
        // Only qa was ever faulted.
        let faultedAccounts = Set(outcome.stats?.requests.filter { $0.rule != nil }.map { $0.account ?? "?" } ?? [])
        #expect(faultedAccounts == [Self.qa], "\(name)")

        // Hostile documents were never expanded or followed.
        #expect(outcome.stats?.probes == 0, "\(name): an external entity was fetched")
        #expect(!outcome.reportText.contains("root:x:0:0"), "\(name): /etc/passwd leaked into the report")
        #expect(!outcome.reportText.contains("lollollol"), "\(name): an entity was expanded")

        // A stall ends with trustline hanging up (timeout or deadline), never with the proxy giving up.
        for stall in outcome.stats?.stalls ?? [] {
            #expect(stall.closedByClientAfter != nil, "\(name): a stalled request was never abandoned")
        }
    }

    /// The fault → outcome table, Markdown, as docs/faults.md shows it.
    static func table(_ outcomes: [FaultOutcome]) -> String {
        var lines = [
            "| fault (on qa) | call | attempts seen | qa's finding | exit | time |",
            "|---|---|---|---|---|---|",
        ]
        for outcome in outcomes {
            let count = outcome.stats?.rules[outcome.fault.rule.name]
            let attempts = count.map { $0.matched == $0.faulted ? "\($0.matched)" : "\($0.matched) (\($0.faulted) faulted)" } ?? "?"
            let qa = outcome.report?.findings.first { $0.environment == "qa" }
            let finding: String
            if let qa {
                let reason = qa.evidence["error"] ?? qa.message
                finding = "`\(qa.check.rawValue)`: \(reason.replacingOccurrences(of: "|", with: "\\|").prefix(150))"
            } else {
                finding = "none (status \(outcome.report?.environments.first { $0.name == "qa" }?.status.rawValue ?? "?"))"
            }
            lines.append(
                "| \(outcome.fault.rule.name) | \(outcome.fault.rule.action) | \(attempts) | \(finding) | \(outcome.result.status) | \(String(format: "%.1f", outcome.seconds)) s |"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Runs blocking work (a child process) on a Dispatch thread, not on Swift's small cooperative pool.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}

/// One fault_proxy.py process, stopped when its stdin closes.
final class FaultProxy: @unchecked Sendable {
    private let process = Process()
    private let stdin = Pipe()
    private let ready: URL
    private let statsFile: URL
    private let log: URL
    private let lock = NSLock()
    private var stopped = false

    init(upstream: String, rules: URL, directory: URL) throws {
        ready = directory.appendingPathComponent("proxy.port")
        statsFile = directory.appendingPathComponent("proxy-stats.json")
        log = directory.appendingPathComponent("proxy.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", PackagePaths.support.appendingPathComponent("fault_proxy.py").path, "--upstream", upstream, "--rules", rules.path,
            "--ready", ready.path, "--stats", statsFile.path, "--until-stdin-eof",
        ]
        let handle = try FileHandle(forWritingTo: log)
        process.standardInput = stdin
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// The proxy's endpoint, once it listens.
    func waitUntilReady() async throws -> String {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let data = FileManager.default.contents(atPath: ready.path), let port = Int(String(decoding: data, as: UTF8.self)) {
                return "http://127.0.0.1:\(port)"
            }
            if !process.isRunning {
                throw EmulatorError(message: "fault_proxy.py exited: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw EmulatorError(message: "fault_proxy.py did not start within 20 s")
    }

    func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    func stats() -> ProxyStats? {
        guard let data = FileManager.default.contents(atPath: statsFile.path) else { return nil }
        return try? JSONDecoder().decode(ProxyStats.self, from: data)
    }
}
