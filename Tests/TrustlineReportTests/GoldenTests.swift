// GoldenTests — every renderer over the mixed organisation and the all-healthy one, against the
// reviewed files in Golden/ (RECORD_SNAPSHOTS=1 re-records them).
import Foundation
import Testing
import TrustlineCore

@testable import TrustlineReport

@Suite("Golden reports")
struct GoldenTests {
    static let reports: [(String, AuditReport)] = [("mixed", ReportFixtures.mixed), ("healthy", ReportFixtures.healthy)]
    static let paths = TerminalSummary.ReportPaths(
        json: "reports/trustline-report.json", markdown: "reports/trustline-report.md", remediation: "reports/remediation.sh")

    @Test("JSON", arguments: ["mixed", "healthy"])
    func json(_ name: String) throws {
        let data = try ReportJSON.encode(Self.report(name))
        try GoldenFile.check(String(decoding: data, as: UTF8.self), named: "\(name).json")
    }

    @Test("Markdown", arguments: ["mixed", "healthy"])
    func markdown(_ name: String) throws {
        try GoldenFile.check(MarkdownReport.render(Self.report(name)), named: "\(name).md")
    }

    @Test("remediation.sh", arguments: ["mixed", "healthy"])
    func remediation(_ name: String) throws {
        try GoldenFile.check(RemediationScript.render(Self.report(name)), named: "\(name).remediation.sh")
    }

    @Test("terminal summary without colour", arguments: ["mixed", "healthy"])
    func terminal(_ name: String) throws {
        try GoldenFile.check(TerminalSummary.render(Self.report(name), color: false, paths: Self.paths), named: "\(name).summary.txt")
    }

    @Test("the golden mismatch message names the first differing line")
    func mismatchMessage() {
        let message = GoldenFile.firstDifference(expected: "a\nb\nc\n", actual: "a\nB\nc\n")
        #expect(message == "line 2:\n  expected: \"b\"\n  actual:   \"B\"")
        #expect(GoldenFile.firstDifference(expected: "a\n", actual: "a\n") == nil)
        #expect(GoldenFile.firstDifference(expected: "a\n", actual: "a\nb")?.hasPrefix("line 2:") == true)
    }

    static func report(_ name: String) -> AuditReport {
        reports.first { $0.0 == name }?.1 ?? ReportFixtures.healthy
    }
}
