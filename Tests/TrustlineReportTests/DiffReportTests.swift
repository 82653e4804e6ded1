// DiffReportTests — the diff as text, Markdown and JSON, and the notification: SNS's subject
// rules, Chatbot's custom-notification shape, size limits, and hostile values made harmless.
import Foundation
import Testing
import TrustlineCore

@testable import TrustlineReport

@Suite struct DiffReportTests {
    typealias R = ReportFixtures
    static let later = R.timestamp("2026-11-22T10:00:00Z")

    /// `healthy`, then dev re-bootstrapped with `--trust 444444444444`: tools lost, findings new.
    static func rebootstrap() -> (AuditReport, AuditReport, ReportDiff) {
        let before = R.healthy
        var after = R.healthy
        after.generatedAt = later
        after.environments[0].roles = R.roles("222222222222", trust: [R.tools2], lookup: [R.tools])
        after.environments[0].status = .findings
        after.findings = [
            Finding(
                check: .pipelineTrustMissing, environment: "dev", account: "222222222222", region: "us-east-1",
                message:
                    "Pipeline account 111111111111 (tools) cannot assume the deploy, file-publishing and image-publishing roles in aws://222222222222/us-east-1: it cannot deploy here."
            ),
            Finding(
                check: .unexpectedTrust, environment: "dev", account: "222222222222", region: "us-east-1",
                message: "aws://222222222222/us-east-1 trusts account 444444444444, which the topology does not name (deploy role).",
                evidence: ["account": R.tools2]),
        ]
        after.summary = AuditReportBuilder.summary(findings: after.findings, environments: after.environments, failOn: .high)
        let final = BaselineComparison(baseline: before, baselinePath: "reports/latest.json", accountNames: [R.tools: "tools"]).apply(to: after)
        let diff = ReportDiff.compare(
            baseline: before, current: final, baselinePath: "reports/latest.json", currentPath: "reports/trustline-report.json",
            accountNames: [R.tools: "tools"])
        return (before, final, diff)
    }

    @Test func textSaysWhatWasLostGainedNewAndResolved() {
        let (_, _, diff) = Self.rebootstrap()
        let text = DiffReport.text(diff)
        #expect(text.hasPrefix("trustline diff · baseline 2026-11-21T10:00:00Z (reports/latest.json) → 2026-11-22T10:00:00Z (reports/trustline-report.json)\n"))
        #expect(text.contains("Trust lost (1)\n  dev aws://222222222222/us-east-1: 111111111111 (tools) — deploy, file-publishing, image-publishing\n"))
        #expect(text.contains("Trust gained (1)\n  dev aws://222222222222/us-east-1: 444444444444 — deploy, file-publishing, image-publishing, lookup\n"))
        #expect(text.contains("New findings (3)\n  critical pipeline-trust-missing dev (us-east-1): Pipeline account 111111111111 (tools) cannot"))
        #expect(text.contains("\n  critical trust-lost dev (us-east-1): aws://222222222222/us-east-1 no longer trusts 111111111111 (tools) for deploy"))
        #expect(text.contains("Resolved findings (0)\n  none\n"))
        #expect(text.contains("counts: no findings → 2 critical, 1 high\n"))
        #expect(text.hasSuffix("trust was lost (1 account in 1 environment); 3 new, 0 resolved findings (exit 1)\n"))
    }

    @Test func unchangedTextSaysSo() {
        let diff = ReportDiff.compare(baseline: R.healthy, current: R.healthy)
        let text = DiffReport.text(diff)
        #expect(text.contains("Trust lost (0)\n  none\nTrust gained (0)\n  none\nNew findings (0)\n  none\nResolved findings (0)\n  none\n"))
        #expect(text.hasSuffix("no trust lost; 0 new, 0 resolved findings (exit 0)\n"))
    }

    @Test func markdownHasTablesAndSections() {
        let (_, _, diff) = Self.rebootstrap()
        let markdown = DiffReport.markdown(diff)
        #expect(markdown.hasPrefix("# trustline diff\n\n**trust was lost"))
        #expect(
            markdown.contains(
                "## Trust lost\n\n| environment | target | account | roles |\n|---|---|---|---|\n| dev | `aws://222222222222/us-east-1` | 111111111111 (tools) | deploy, file-publishing, image-publishing |"
            ))
        #expect(markdown.contains("## New findings\n\n- **critical** `pipeline-trust-missing` dev (us-east-1): "))
        #expect(markdown.contains("\n- **critical** `trust-lost` dev (us-east-1): aws://222222222222/us-east-1 no longer trusts"))
        #expect(!markdown.contains("## Resolved findings"))
    }

    @Test func jsonCarriesTheVerdict() throws {
        let (_, _, diff) = Self.rebootstrap()
        let data = try DiffReport.json(diff)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["trustLost"] as? Bool == true)
        #expect(object["hasChanges"] as? Bool == true)
        #expect(object["exitCode"] as? Int == 1)
        #expect((object["newFindings"] as? [Any])?.count == 3)
        #expect((object["baseline"] as? [String: Any])?["generatedAt"] as? String == "2026-11-21T10:00:00Z")
        #expect(String(decoding: data, as: UTF8.self).hasSuffix("}\n"))
        #expect(try DiffReport.json(diff) == data, "deterministic")
    }

    @Test func notificationAfterALoss() throws {
        let (_, final, diff) = Self.rebootstrap()
        let note = DiffReport.notification(report: final, diff: diff, reportLocation: "reports/history/2026-11-22T100000Z.json")
        #expect(note.subject == "trustline FAILED - trust lost in dev, 3 new (exit 1)")
        #expect(note.text.hasPrefix("trustline audit FAILED: 2 critical, 1 high — pipelines cannot deploy to dev\n"))
        #expect(note.chatTitle == "trustline audit FAILED: 2 critical, 1 high — pipelines cannot deploy to dev")
        #expect(note.text.contains("Trust lost (1):\n  - dev aws://222222222222/us-east-1: 111111111111 (tools) — deploy, file-publishing, image-publishing\n"))
        #expect(note.text.contains("New findings (3):\n  - critical pipeline-trust-missing in dev (us-east-1): "))
        #expect(note.text.contains("\n  - critical trust-lost in dev (us-east-1): aws://222222222222/us-east-1 no longer trusts"))
        #expect(note.text.contains("Compared with the baseline of 2026-11-21T10:00:00Z."))
        #expect(note.text.contains("Findings: no findings then, 2 critical, 1 high now."))
        #expect(note.text.hasSuffix("Report: reports/history/2026-11-22T100000Z.json\n"))
        #expect(note.chatDescription.contains("*Trust lost (1)*\n• dev aws://222222222222/us-east-1: 111111111111 (tools) — deploy"))

        // The SNS message: Chatbot's custom notification by default, plain text for e-mail.
        let message = try #require(try JSONSerialization.jsonObject(with: Data(note.snsMessage(id: "n-1").utf8)) as? [String: String])
        #expect(Set(message.keys) == ["default", "email"])
        #expect(message["email"] == note.text)
        let chatbot = try #require(try JSONSerialization.jsonObject(with: Data((message["default"] ?? "").utf8)) as? [String: Any])
        #expect(chatbot["version"] as? String == "1.0")
        #expect(chatbot["source"] as? String == "custom")
        #expect(chatbot["id"] as? String == "n-1")
        let content = try #require(chatbot["content"] as? [String: Any])
        #expect(content["textType"] as? String == "client-markdown")
        #expect(content["title"] as? String == note.chatTitle)
        #expect(content["description"] as? String == note.chatDescription)
        #expect((chatbot["metadata"] as? [String: Any])?["summary"] as? String == note.subject)
        #expect(try SNS_checkedJSON(note.snsMessage()))
    }

    @Test func notificationWithoutABaselineListsWhatFails() {
        let (_, final, _) = Self.rebootstrap()
        let note = DiffReport.notification(report: final, diff: nil, reportLocation: nil)
        #expect(note.subject == "trustline FAILED - 3 findings at or above high (exit 1)")
        #expect(note.text.contains("Findings at or above high (3):"))
        #expect(note.text.contains("No baseline: this is the first audit."))
        #expect(!note.text.contains("Report:"))
    }

    @Test func hostileValuesCannotFormatTheMessages() {
        let report = R.hostile(payload: "<!channel> @here <http://evil|click>")
        var before = report
        before.findings = []
        before.generatedAt = R.generatedAt.addingTimeInterval(-86_400)
        let diff = ReportDiff.compare(baseline: before, current: report)
        let note = DiffReport.notification(report: report, diff: diff, reportLocation: "s3://bucket/<!channel>")
        for text in [note.chatTitle, note.chatDescription] {
            #expect(!text.contains("<!channel>"))
            #expect(!text.contains("<http"))
            #expect(text.contains("&lt;!channel&gt;"))
            #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0 == "\u{202E}" })
        }
        #expect(!note.text.unicodeScalars.contains { $0.value == 0x1B || $0 == "\u{202E}" || $0.value == 0x07 })
        #expect(note.subject.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value <= 0x7E })
        #expect(note.subject.count <= 100)
        let text = DiffReport.text(diff)
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0 == "\u{202E}" })
        let markdown = DiffReport.markdown(diff)
        #expect(!markdown.contains("\n# Injected heading"))
        #expect(!markdown.contains("<img"))
    }

    @Test func subjectsAreASCIIAndShort() {
        #expect(DiffReport.subject("trustline passed — ok · dev") == "trustline passed - ok - dev")
        #expect(DiffReport.subject("caf\u{E9}\n\u{1B}x") == "caf???x")
        let long = DiffReport.subject(String(repeating: "a", count: 150))
        #expect(long.count == 100)
        #expect(long.hasSuffix("..."))
        #expect(DiffReport.subject("") == "trustline")
    }

    @Test func largeChangesStayWithinChatbotAndSNSLimits() {
        let before = R.healthy
        var after = R.healthy
        after.generatedAt = Self.later
        after.findings = (0..<3000).map { index in
            Finding(
                check: .unexpectedTrust, environment: "dev", account: "222222222222", region: "us-east-1",
                message: String(repeating: "long message ", count: 20) + "\(index)", evidence: ["account": String(format: "9%011d", index)])
        }
        after.summary = AuditReportBuilder.summary(findings: after.findings, environments: after.environments, failOn: .high)
        let diff = ReportDiff.compare(baseline: before, current: after)
        let note = DiffReport.notification(report: after, diff: diff, reportLocation: "r.json")
        #expect(note.chatDescription.count <= DiffReport.chatDescriptionLimit)
        #expect(note.snsMessage().utf8.count <= DiffReport.snsMessageLimit)
        #expect(note.text.contains("New findings (3000):"))
        #expect(note.text.contains("… and 2980 more (see the report)"))
        #expect(note.chatDescription.contains("Report: r.json") || note.chatDescription.hasSuffix("(cut short; see the report)"))
    }

    /// What SNS checks of a `MessageStructure=json` message (kept here so this target needs no AWS layer).
    func SNS_checkedJSON(_ message: String) throws -> Bool {
        guard let object = try JSONSerialization.jsonObject(with: Data(message.utf8)) as? [String: Any] else { return false }
        return object["default"] is String && object.values.allSatisfy { $0 is String } && message.utf8.count <= 262_144
    }
}
