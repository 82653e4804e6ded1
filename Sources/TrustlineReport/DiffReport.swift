// DiffReport — renders what changed between two reports: terminal text (`trustline diff`),
// GitHub Markdown, deterministic JSON, and the short notification `audit --notify` publishes
// (chat markdown for AWS Chatbot, plain text for e-mail). Every value that came from AWS or a
// file is made safe for its output first.
import Foundation
import TrustlineCore

/// Renders a ``ReportDiff`` and audit notifications.
public enum DiffReport {
    /// Items listed per section before "… and N more".
    public static let defaultLimit = 50

    // MARK: - Text

    /// `trustline diff` as plain text, ending with a newline.
    ///
    /// - Parameter heading: the first words (`audit --baseline` says "since the baseline").
    public static func text(_ diff: ReportDiff, heading: String = "trustline diff", limit: Int = defaultLimit) -> String {
        let clean = SafeText.singleLine
        var lines: [String] = []
        lines.append("\(heading) · baseline \(side(diff.baseline, clean)) → \(side(diff.current, clean))")
        for note in diff.notes { lines.append("note: " + clean(note)) }
        lines.append("")

        for (title, changes) in trustSections(diff) {
            lines.append("\(title) (\(changes.count))")
            if changes.isEmpty { lines.append("  none") }
            for change in changes.prefix(limit) {
                lines.append(
                    "  \(clean(change.environment)) \(clean(address(change))): \(clean(diff.label(change.trustedAccount))) — \(roles(change.roles))")
            }
            if changes.count > limit { lines.append("  … and \(changes.count - limit) more") }
        }
        for (title, findings) in findingSections(diff) where !findings.isEmpty || title.hasPrefix("New") || title.hasPrefix("Resolved") {
            lines.append("\(title) (\(findings.count))")
            if findings.isEmpty { lines.append("  none") }
            for finding in findings.prefix(limit) {
                lines.append(
                    "  \(finding.severity.rawValue) \(finding.check.rawValue) \(clean(finding.environment)) (\(clean(finding.region))): \(clean(finding.message))"
                )
            }
            if findings.count > limit { lines.append("  … and \(findings.count - limit) more") }
        }
        if !diff.uncompared.isEmpty {
            lines.append("Not compared (\(diff.uncompared.count))")
            for item in diff.uncompared {
                lines.append("  \(clean(item.environment)) \(clean(Verdict.address(account: item.account, region: item.region))): \(reason(item.reason))")
            }
        }
        lines.append("")
        lines.append("counts: \(counts(diff.baseline.counts)) → \(counts(diff.current.counts))")
        lines.append(verdict(diff))
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Markdown

    /// The diff as GitHub-flavoured Markdown (for a pull request, an issue, a wiki page).
    public static func markdown(_ diff: ReportDiff, limit: Int = defaultLimit) -> String {
        let text = MarkdownText.text
        var out: [String] = []
        out.append("# trustline diff")
        out.append("")
        out.append("**\(text(verdict(diff)))**")
        out.append("")
        out.append("- baseline: \(text(side(diff.baseline, SafeText.singleLine)))")
        out.append("- compared: \(text(side(diff.current, SafeText.singleLine)))")
        out.append("- findings: \(text(counts(diff.baseline.counts))) → \(text(counts(diff.current.counts)))")
        for note in diff.notes { out.append("- note: \(text(note))") }
        for (title, changes) in trustSections(diff) where !changes.isEmpty {
            out.append("")
            out.append("## \(title)")
            out.append("")
            out.append("| environment | target | account | roles |")
            out.append("|---|---|---|---|")
            for change in changes.prefix(limit) {
                out.append(
                    "| \(MarkdownText.cell(change.environment)) | \(MarkdownText.code(address(change))) | \(MarkdownText.cell(diff.label(change.trustedAccount))) | \(roles(change.roles)) |"
                )
            }
            if changes.count > limit { out.append("\n… and \(changes.count - limit) more") }
        }
        for (title, findings) in findingSections(diff) where !findings.isEmpty {
            out.append("")
            out.append("## \(title)")
            out.append("")
            for finding in findings.prefix(limit) {
                out.append(
                    "- **\(finding.severity.rawValue)** `\(finding.check.rawValue)` \(text(finding.environment)) (\(text(finding.region))): \(text(finding.message))"
                )
            }
            if findings.count > limit { out.append("- … and \(findings.count - limit) more") }
        }
        if !diff.uncompared.isEmpty {
            out.append("")
            out.append("## Not compared")
            out.append("")
            for item in diff.uncompared {
                out.append(
                    "- \(text(item.environment)) \(MarkdownText.code(Verdict.address(account: item.account, region: item.region))): \(text(reason(item.reason)))"
                )
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: - JSON

    /// The diff as JSON: sorted keys, whole-second UTC dates, trailing newline.
    public static func json(_ diff: ReportDiff) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ReportTimestamp.string(from: date))
        }
        var data = try encoder.encode(JSONDiff(diff))
        data.append(contentsOf: Array("\n".utf8))
        return data
    }

    /// The encoded shape: the diff plus the verdict a script needs.
    private struct JSONDiff: Encodable {
        var diff: ReportDiff
        init(_ diff: ReportDiff) { self.diff = diff }

        enum CodingKeys: String, CodingKey { case trustLost, hasChanges, exitCode }

        func encode(to encoder: any Encoder) throws {
            try diff.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(diff.hasLostTrust, forKey: .trustLost)
            try container.encode(diff.hasChanges, forKey: .hasChanges)
            try container.encode(diff.hasLostTrust ? 1 : 0, forKey: .exitCode)
        }
    }

    // MARK: - Notification

    /// What `audit --notify` publishes.
    public struct Notification: Sendable, Equatable {
        /// ASCII printable, at most 100 characters (SNS's rules for a subject).
        public var subject: String
        /// For people reading plain text (e-mail).
        public var text: String
        /// For chat (Slack markdown): `*bold*`, `•` bullets, code spans; `<`, `>`, `&` escaped.
        public var chatTitle: String
        public var chatDescription: String

        /// An AWS Chatbot (Amazon Q Developer in chat applications) custom notification.
        public func chatbotJSON(id: String? = nil) -> String {
            var object: [String: Any] = [
                "version": "1.0", "source": "custom",
                "content": ["textType": "client-markdown", "title": chatTitle, "description": chatDescription],
                "metadata": ["summary": subject, "eventType": "trustline-audit"],
            ]
            if let id { object["id"] = id }
            return DiffReport.jsonText(object)
        }

        /// An SNS message of `MessageStructure=json`: the Chatbot notification for every protocol
        /// (HTTPS for Chatbot, SQS, Lambda…), the plain text for e-mail.
        public func snsMessage(id: String? = nil) -> String {
            DiffReport.jsonText(["default": chatbotJSON(id: id), "email": text])
        }
    }

    /// Longest chat description: AWS Chatbot truncates or refuses longer ones.
    public static let chatDescriptionLimit = 8000
    /// SNS's limit on a whole message, in bytes.
    public static let snsMessageLimit = 262_144

    /// The notification for an audit: verdict, trust lost, new and resolved findings (or, without
    /// a baseline, the findings at or above `--fail-on`), counts, and where the report is.
    ///
    /// - Parameter reportLocation: a path or URL where people find the full report.
    public static func notification(report: AuditReport, diff: ReportDiff?, reportLocation: String?, limit: Int = 20) -> Notification {
        var limit = limit
        while true {
            let note = render(report: report, diff: diff, reportLocation: reportLocation, limit: limit)
            if limit <= 1 || note.snsMessage().utf8.count <= snsMessageLimit - 4096 { return note }
            limit /= 2
        }
    }

    private static func render(report: AuditReport, diff: ReportDiff?, reportLocation: String?, limit: Int) -> Notification {
        let verdict = Verdict(report)
        let status = verdict.passed ? "passed" : report.summary.exitCode == 3 ? "INCOMPLETE" : "FAILED"
        var headline = verdict.headline { $0 }
        if headline.hasPrefix("trustline: ") { headline.removeFirst("trustline: ".count) }

        // Sections as (title, items) of raw text; each renderer escapes.
        var sections: [(String, [String])] = []
        var summaryParts: [String] = []
        if let diff {
            let lost = diff.accountChanges(\.lost)
            if !lost.isEmpty {
                sections.append(
                    (
                        "Trust lost",
                        lost.map { "\($0.environment) \(address($0)): \(diff.label($0.trustedAccount)) — \(roles($0.roles))" }
                    ))
                summaryParts.append("trust lost in " + Array(Set(lost.map(\.environment))).sorted().joined(separator: ", "))
            }
            sections.append(("New findings", diff.newFindings.map(findingLine)))
            sections.append(("Resolved findings", diff.resolvedFindings.map(findingLine)))
            if !diff.acceptedFindings.isEmpty {
                sections.append(("No longer reported (the topology does not require the account)", diff.acceptedFindings.map(findingLine)))
            }
            if !diff.uncompared.isEmpty {
                sections.append(
                    (
                        "Not compared",
                        diff.uncompared.map { "\($0.environment) \(Verdict.address(account: $0.account, region: $0.region)): \(reason($0.reason))" }
                    ))
            }
            if !diff.newFindings.isEmpty { summaryParts.append("\(diff.newFindings.count) new") }
            if !diff.resolvedFindings.isEmpty { summaryParts.append("\(diff.resolvedFindings.count) resolved") }
        } else {
            let failing = report.findings.filter { $0.severity >= report.summary.failOn }
            sections.append(("Findings at or above \(report.summary.failOn.rawValue)", failing.map(findingLine)))
            summaryParts.append("\(failing.count) finding\(failing.count == 1 ? "" : "s") at or above \(report.summary.failOn.rawValue)")
        }

        var facts: [String] = []
        if let diff {
            facts.append("Compared with the baseline of \(ReportTimestamp.string(from: diff.baseline.generatedAt)).")
            facts.append("Findings: \(counts(diff.baseline.counts)) then, \(counts(report.summary.counts)) now.")
        } else {
            facts.append("No baseline: this is the first audit. Findings: \(counts(report.summary.counts)).")
        }
        facts.append("Exit code \(report.summary.exitCode) (\(verdict.exitMeaning)).")
        facts.append("Topology \(report.topology), audited \(ReportTimestamp.string(from: report.generatedAt)).")
        if let reportLocation { facts.append("Report: \(reportLocation)") }

        // Plain text.
        let clean = SafeText.singleLine
        var text: [String] = ["trustline audit \(status): \(clean(headline))", ""]
        for (title, items) in sections where !items.isEmpty {
            text.append("\(title) (\(items.count)):")
            text += items.prefix(limit).map { "  - " + clean($0) }
            if items.count > limit { text.append("  - … and \(items.count - limit) more (see the report)") }
            text.append("")
        }
        text += facts.map(clean)

        // Chat markdown.
        var chat: [String] = []
        for (title, items) in sections where !items.isEmpty {
            chat.append("*\(chatText(title)) (\(items.count))*")
            chat += items.prefix(limit).map { "• " + chatText($0) }
            if items.count > limit { chat.append("• … and \(items.count - limit) more (see the report)") }
            chat.append("")
        }
        chat += facts.map(chatText)
        var description = chat.joined(separator: "\n")
        if description.count > chatDescriptionLimit {
            let marker = "\n… (cut short; see the report)"
            var kept = String(description.prefix(chatDescriptionLimit - marker.count))
            if let newline = kept.lastIndex(of: "\n") { kept = String(kept[..<newline]) }
            description = kept + marker
        }

        let summary = summaryParts.isEmpty ? "" : " - " + summaryParts.joined(separator: ", ")
        return Notification(
            subject: subject("trustline \(status)\(summary) (exit \(report.summary.exitCode))"),
            text: text.joined(separator: "\n") + "\n",
            chatTitle: chatText("trustline audit \(status): \(headline)"),
            chatDescription: description)
    }

    /// A subject SNS accepts: ASCII printable only (others become `?`), one line, at most 100 characters.
    public static func subject(_ raw: String) -> String {
        var out = ""
        for scalar in raw.unicodeScalars {
            switch scalar {
            case "—", "–": out += "-"
            case "·": out += "-"
            case " "..."~": out.unicodeScalars.append(scalar)
            default: out += "?"
            }
        }
        if out.count > 100 { out = String(out.prefix(97)) + "..." }
        return out.isEmpty ? "trustline" : out
    }

    /// Text for chat markdown: one line, control characters made visible, and `&`, `<`, `>`
    /// escaped, so that no value can mention a channel (`<!channel>`) or hide a link.
    static func chatText(_ value: String) -> String {
        SafeText.singleLine(value).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    // MARK: - Shared pieces

    static func trustSections(_ diff: ReportDiff) -> [(String, [ReportDiff.AccountChange])] {
        var out: [(String, [ReportDiff.AccountChange])] = [
            ("Trust lost", diff.accountChanges(\.lost)), ("Trust gained", diff.accountChanges(\.gained)),
        ]
        let removed = diff.accountChanges(\.removed)
        if !removed.isEmpty { out.append(("Trust removed (flagged in the baseline)", removed)) }
        return out
    }

    static func findingSections(_ diff: ReportDiff) -> [(String, [Finding])] {
        [
            ("New findings", diff.newFindings), ("Resolved findings", diff.resolvedFindings),
            ("No longer reported, trust still gone (the topology does not require the account)", diff.acceptedFindings),
            ("Not verified (the environment was not read this time)", diff.unverifiedFindings),
        ]
    }

    static func verdict(_ diff: ReportDiff) -> String {
        func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
        let findings = "\(diff.newFindings.count) new, \(count(diff.resolvedFindings.count, "resolved finding"))"
        guard diff.hasLostTrust else { return "no trust lost; \(findings) (exit 0)" }
        let lost = diff.accountChanges(\.lost)
        let accounts = Set(lost.map(\.trustedAccount)).count
        let environments = Set(lost.map { "\($0.environment)/\($0.account)/\($0.region)" }).count
        return "trust was lost (\(count(accounts, "account")) in \(count(environments, "environment"))); \(findings) (exit 1)"
    }

    static func findingLine(_ finding: Finding) -> String {
        "\(finding.severity.rawValue) \(finding.check.rawValue) in \(finding.environment) (\(finding.region)): \(finding.message)"
    }

    static func side(_ side: ReportDiff.Side, _ clean: (String) -> String) -> String {
        ReportTimestamp.string(from: side.generatedAt) + (side.path.map { " (\(clean($0)))" } ?? "")
    }

    static func address(_ change: ReportDiff.AccountChange) -> String {
        Verdict.address(account: change.account, region: change.region)
    }

    static func roles(_ roles: [RoleKind]) -> String {
        roles.sorted().map(\.rawValue).joined(separator: ", ")
    }

    static func counts(_ counts: [String: Int]) -> String {
        let parts = Severity.allCases.reversed().compactMap { severity -> String? in
            guard let count = counts[severity.rawValue], count > 0 else { return nil }
            return "\(count) \(severity.rawValue)"
        }
        return parts.isEmpty ? "no findings" : parts.joined(separator: ", ")
    }

    static func reason(_ reason: ReportDiff.Uncompared.Reason) -> String {
        switch reason {
        case .added: return "new in this report: nothing to compare with"
        case .removed: return "no longer in the report"
        case .unreachableThen: return "the baseline could not read it"
        case .unreachableNow: return "could not be read this time: its trust is unknown"
        }
    }

    /// Compact JSON with sorted keys (deterministic), slashes unescaped.
    static func jsonText(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
