// JUnitReportTests — the JUnit XML report: the golden file, python's XML parser reading it with
// counts that match what it declares, the mapping (failure, error, skipped, passing with notes),
// the gate agreeing with the exit code, and hostile values that cannot break the XML.
import Foundation
import Testing
import TrustlineCore

@testable import TrustlineReport

@Suite("JUnit report")
struct JUnitReportTests {
    @Test("golden: the mixed organisation")
    func golden() throws {
        try GoldenFile.check(JUnitReport.render(ReportFixtures.mixed), named: "mixed.junit.xml")
    }

    @Test("python's XML parser reads it, and the declared counts are the elements")
    func parsesWithMatchingCounts() throws {
        let parsed = try #require(try SARIFFixtures.parseJUnit(JUnitReport.render(ReportFixtures.mixed)))
        #expect(parsed.declared == parsed.counted)
        // 8 environments × 14 checks; failures: 1 prod eu-west-1, 2 prod us-east-1, 2 qa, 1 sandbox,
        // 2 shared, 2 staging; legacy's unreachable is the one error; legacy, prod eu-west-1 and
        // sandbox stopped after their first check: 3 × 13 skipped.
        #expect(parsed.declared == .init(tests: 112, failures: 10, errors: 1, skipped: 39))
        #expect(parsed.suites.count == 8)
        for suite in parsed.suites {
            #expect(suite.declared == suite.counted, "\(suite.name)")
            #expect(suite.cases == Check.allCases.map(\.rawValue))
            #expect(suite.classnames.count == 1)
        }
        #expect(
            parsed.suites.map(\.name) == [
                "dev (aws://222222222222/us-east-1)", "legacy (aws://999999999990/us-east-1)", "prod (aws://555555555555/eu-west-1)",
                "prod (aws://555555555555/us-east-1)", "qa (aws://666666666666/us-east-1)", "sandbox (aws://777777777777/us-east-1)",
                "shared (aws://888888888888/us-east-1)", "staging (aws://333333333333/us-east-1)",
            ])
        #expect(parsed.suites[3].classnames == ["trustline.prod.us-east-1"])
        let staging = try #require(parsed.suites.last)
        #expect(staging.texts.contains { $0.contains("Pipeline account 111111111111 (tools)") && $0.contains("stackParameter.TrustedAccounts: 444444444444") })
        #expect(
            staging.texts.contains { $0.contains("cdk bootstrap aws://333333333333/us-east-1 --profile staging --trust 111111111111 --trust 444444444444") })
    }

    @Test("the healthy organisation: every test passes")
    func healthy() throws {
        let parsed = try #require(try SARIFFixtures.parseJUnit(JUnitReport.render(ReportFixtures.healthy)))
        #expect(parsed.declared == .init(tests: 42, failures: 0, errors: 0, skipped: 0))
        #expect(parsed.declared == parsed.counted)
    }

    @Test("the file fails exactly when the audit exits non-zero, whatever --fail-on", arguments: Severity.allCases)
    func gateMatchesExitCode(_ failOn: Severity) throws {
        for base in [ReportFixtures.mixed, ReportFixtures.healthy, Self.withoutUnreachable] {
            var report = base
            report.summary = AuditReportBuilder.summary(findings: report.findings, environments: report.environments, failOn: failOn)
            let parsed = try #require(try SARIFFixtures.parseJUnit(JUnitReport.render(report)))
            #expect((parsed.counted.failures + parsed.counted.errors > 0) == (report.summary.exitCode != 0), "exit \(report.summary.exitCode)")
            #expect(parsed.counted.errors == report.summary.unreachable)
            let failing = report.findings.filter { $0.severity >= failOn && !JUnitReport.incompleteChecks.contains($0.check) }
            let failingCases = Set(failing.map { "\($0.environment)/\($0.region)/\($0.check.rawValue)" })
            #expect(parsed.counted.failures == failingCases.count)
        }
    }

    /// The mixed organisation without its unreachable environment: exit code 1, not 3.
    static var withoutUnreachable: AuditReport {
        var report = ReportFixtures.mixed
        report.environments.removeAll { $0.status == .unreachable }
        report.findings.removeAll { $0.environment == "legacy" }
        return report
    }

    @Test("a finding below --fail-on passes, with the finding in system-out")
    func belowFailOn() throws {
        let xml = JUnitReport.render(ReportFixtures.mixed)
        let outdated = try #require(testcase("bootstrap-outdated", suite: "prod (aws://555555555555/us-east-1)", in: xml))
        #expect(outdated.contains("<system-out>Below --fail-on high, so this check passes:"))
        #expect(outdated.contains("runs bootstrap version 14; the rules require at least 21."))
        #expect(!outdated.contains("<failure"))
        #expect(!outdated.contains("<skipped"))
    }

    @Test("checks an environment never got to are skipped, with the reason")
    func skippedReasons() throws {
        let xml = JUnitReport.render(ReportFixtures.mixed)
        let legacy = try #require(testcase("pipeline-trust-missing", suite: "legacy (aws://999999999990/us-east-1)", in: xml))
        #expect(legacy.contains(#"<skipped message="not checked: the environment could not be read"/>"#))
        let unreachable = try #require(testcase("environment-unreachable", suite: "legacy (aws://999999999990/us-east-1)", in: xml))
        #expect(unreachable.contains(#"<error message="Could not read aws://999999999990/us-east-1"#))
        #expect(unreachable.contains(#"type="high""#))
        let eu = try #require(testcase("wildcard-trust", suite: "prod (aws://555555555555/eu-west-1)", in: xml))
        #expect(eu.contains(#"<skipped message="not checked: the environment is not bootstrapped"/>"#))
        let sandbox = try #require(testcase("trust-drift", suite: "sandbox (aws://777777777777/us-east-1)", in: xml))
        #expect(sandbox.contains(#"<skipped message="not checked: the environment is bootstrapped under another qualifier"/>"#))
    }

    @Test("credentials reaching another account are an error, the other checks skipped")
    func profileAccountMismatch() throws {
        let environment = EnvironmentResult(
            name: "dev", account: "222222222222", region: "us-east-1", status: .unreachable, qualifier: "hnb659fds", reachedAccount: "999999999999",
            error: nil, stack: nil, roles: [], executionPolicies: [])
        let finding = Finding(
            check: .profileAccountMismatch, environment: "dev", account: "222222222222", region: "us-east-1",
            message: "Profile dev reaches account 999999999999, not 222222222222.", evidence: ["reachedAccount": "999999999999"])
        var report = ReportFixtures.healthy
        report.environments = [environment]
        report.findings = [finding]
        report.remediation = []
        report.summary = AuditReportBuilder.summary(findings: [finding], environments: [environment], failOn: .critical)
        let parsed = try #require(try SARIFFixtures.parseJUnit(JUnitReport.render(report)))
        #expect(parsed.counted == .init(tests: 14, failures: 0, errors: 1, skipped: 13))
        #expect(parsed.declared == parsed.counted)
    }

    @Test("several findings of one check are one failure listing each")
    func severalFindingsOfOneCheck() throws {
        var report = ReportFixtures.mixed
        var second = try #require(report.findings.first { $0.check == .unexpectedTrust })
        second.message = "aws://666666666666/us-east-1 trusts account 123123123123, which the topology does not name (lookup role)."
        second.evidence = ["account": "123123123123", "roles": "lookup"]
        report.findings.append(second)
        let xml = JUnitReport.render(report)
        let parsed = try #require(try SARIFFixtures.parseJUnit(xml))
        #expect(parsed.declared == .init(tests: 112, failures: 10, errors: 1, skipped: 39))
        let qa = try #require(testcase("unexpected-trust", suite: "qa (aws://666666666666/us-east-1)", in: xml))
        #expect(qa.contains(#"<failure message="2 findings: "#))
        #expect(qa.contains("account: 999999999999"))
        #expect(qa.contains("account: 123123123123"))
    }

    @Test("hostile values stay text: the XML parses and holds no injected element")
    func hostile() throws {
        let xml = JUnitReport.render(ReportFixtures.hostile())
        let parsed = try #require(try SARIFFixtures.parseJUnit(xml))
        #expect(parsed.suites.count == 2)
        #expect(parsed.declared == parsed.counted)
        #expect(!xml.contains("<script>"))
        #expect(!xml.contains("<img"))
        #expect(!xml.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(!xml.contains("\u{202E}"))
    }

    @Test("characters XML 1.0 cannot hold are made visible; markup is escaped")
    func invalidCharacters() throws {
        var report = ReportFixtures.healthy
        let controls = (0...0x1F).filter { $0 != 0x0A }.compactMap { Unicode.Scalar($0) }.map(String.init).joined()
        let nasty = "a\(controls)\u{FFFE}\u{FFFF}]]><x y=\"1\" z='2'/>&amp;b"
        report.findings = [
            Finding(
                check: .trustDrift, environment: "dev", account: "222222222222", region: "us-east-1", message: nasty, evidence: [nasty: nasty])
        ]
        report.summary = AuditReportBuilder.summary(findings: report.findings, environments: report.environments, failOn: .high)
        let xml = JUnitReport.render(report)
        let parsed = try #require(try SARIFFixtures.parseJUnit(xml))
        #expect(parsed.counted.failures == 1)
        let text = try #require(parsed.suites.first?.texts.first)
        #expect(text.contains("a\\u{0}\\u{1}\\u{2}"))
        #expect(text.contains("\\u{FFFE}\\u{FFFF}]]><x y=\"1\" z='2'/>&amp;b"))
        #expect(!xml.contains("]]>"))
        #expect(JUnitReport.attribute("a\"b'c<d>&\ne") == "a&quot;b&apos;c&lt;d&gt;&amp;␤e")
        #expect(JUnitReport.text("x\r\ny\u{0}") == "x\ny\\u{0}")
    }

    @Test("timestamps are UTC without a zone designator, as the Ant JUnit schema wants")
    func timestamp() {
        #expect(JUnitReport.timestamp(ReportFixtures.generatedAt) == "2026-11-21T10:00:00")
    }

    /// The `<testcase name=…>` element of `check` inside the suite named `suite`, as text.
    func testcase(_ check: String, suite: String, in xml: String) -> String? {
        guard let suiteStart = xml.range(of: "<testsuite name=\"\(suite)\""),
            let suiteEnd = xml.range(of: "</testsuite>", range: suiteStart.upperBound..<xml.endIndex),
            let start = xml.range(of: "<testcase name=\"\(check)\"", range: suiteStart.upperBound..<suiteEnd.lowerBound)
        else { return nil }
        let rest = xml[start.lowerBound..<suiteEnd.lowerBound]
        if let open = rest.firstIndex(of: ">"), open > rest.startIndex, rest[rest.index(before: open)] == "/" {
            return String(rest[...open])
        }
        guard let end = rest.range(of: "</testcase>") else { return nil }
        return String(rest[..<end.upperBound])
    }
}
