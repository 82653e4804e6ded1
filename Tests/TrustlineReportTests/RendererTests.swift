// RendererTests — properties of the rendered reports beyond the golden files: the verdict comes
// first, the matrix marks what it could not check, colours only on request.
import Foundation
import Testing
import TrustlineCore

@testable import TrustlineReport

@Suite("Renderers")
struct RendererTests {
    @Test("Markdown starts with the verdict and the exit code")
    func verdictFirst() {
        let mixed = MarkdownReport.render(ReportFixtures.mixed).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            mixed[0]
                == "# ❌ trustline: 4 critical, 7 high, 2 medium — pipelines cannot deploy to prod (eu-west-1), sandbox, staging; audit incomplete (legacy unreachable)"
        )
        #expect(mixed[2].hasPrefix("**Exit code 3** — audit incomplete"))
        let healthy = MarkdownReport.render(ReportFixtures.healthy).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(healthy[0] == "# ✅ trustline: all 3 environments healthy")
        #expect(healthy[2].hasPrefix("**Exit code 0**"))
    }

    @Test("passing with findings below --fail-on says so")
    func passingWithFindings() {
        var report = ReportFixtures.healthy
        report.findings = [
            Finding(check: .bootstrapOutdated, environment: "dev", account: "222222222222", region: "us-east-1", message: "old", evidence: [:])
        ]
        report.summary.counts = ReportFixtures.counts(report.findings)
        report.environments[0].status = .findings
        let markdown = MarkdownReport.render(report)
        #expect(markdown.hasPrefix("# ✅ trustline: passed — 1 medium, none at or above high\n"))
        #expect(markdown.contains("| dev | us-east-1 | 222222222222 | ⚠️ medium | ⚠️ |"))
        let summary = TerminalSummary.render(report, color: false)
        #expect(summary.contains("✔ PASSED — trustline: passed — 1 medium, none at or above high · exit 0"))
    }

    @Test("the matrix: — where checks could not run, ✅ where they passed")
    func matrix() {
        let markdown = MarkdownReport.render(ReportFixtures.mixed)
        let row = { (prefix: String) in markdown.split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init) ?? "" }
        #expect(row("| legacy ").contains("❌ unreachable"))
        #expect(!row("| legacy ").contains("✅"))
        #expect(!row("| prod | eu-west-1 ").contains("✅"))
        #expect(!row("| sandbox ").contains("✅"))
        #expect(row("| dev ").filter { $0 == "✅" }.count == Set(ReportFixtures.mixed.findings.map(\.check)).count + 1)
    }

    @Test("the trust graph: solid, dotted and red edges")
    func graph() {
        let graph = MermaidTrustGraph.render(ReportFixtures.mixed)
        #expect(graph.hasPrefix("flowchart LR\n"))
        #expect(graph.contains(#"acct1_999999999999["999999999999<br/>unexpected"]:::danger"#))
        #expect(graph.contains(#"anyone(("* any account")):::danger"#))
        #expect(graph.contains(#"-.->|"lookup #40;conditional#41;"|"#))
        #expect(graph.contains(#"anyone ==>|"file-publishing"|"#))
        #expect(graph.contains("linkStyle "))
    }

    @Test("report paths given as a list are sorted by extension")
    func reportPathList() {
        let paths = TerminalSummary.ReportPaths(["out/trustline-report.json", "out/trustline-report.md", "out/remediation.sh", "out/extra.txt"])
        #expect(
            paths == .init(json: "out/trustline-report.json", markdown: "out/trustline-report.md", remediation: "out/remediation.sh", others: ["out/extra.txt"])
        )
        let text = TerminalSummary.render(ReportFixtures.mixed, color: false, reportPaths: ["out/trustline-report.json", "out/remediation.sh"])
        #expect(text.contains("Reports:  out/trustline-report.json\n"))
        #expect(text.contains("Repair:   sh out/remediation.sh  (6 commands; review before running)"))
    }

    @Test("colours only when asked for")
    func colours() {
        let plain = TerminalSummary.render(ReportFixtures.mixed, color: false)
        let coloured = TerminalSummary.render(ReportFixtures.mixed, color: true)
        #expect(!plain.contains("\u{1B}"))
        #expect(coloured.contains("\u{1B}[31m"))
        #expect(coloured.replacingOccurrences(of: #"\u001B\[[0-9;]*m"#, with: "", options: .regularExpression) == plain)
    }
}
