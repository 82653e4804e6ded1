// MarkdownReport — `trustline-report.md`, for a person woken at 2 a.m.: the verdict and exit code
// first, then the environment × check matrix, the trust graph (Mermaid), the findings by severity,
// the repair commands and the environments that could not be read. Every value that came from AWS
// or a file goes through MarkdownText, so none can inject Markdown, HTML or a code fence.
import Foundation
import TrustlineCore

/// Renders the Markdown report.
public enum MarkdownReport {
    /// The whole document, ending with a newline.
    public static func render(_ report: AuditReport) -> String {
        let verdict = Verdict(report)
        var sections: [String] = [
            header(report, verdict: verdict),
            matrix(report, verdict: verdict),
            graph(report),
            findings(report, verdict: verdict),
            remediation(report),
        ]
        if let unreachable = unreachable(report, verdict: verdict) { sections.append(unreachable) }
        sections.append(footer(report))
        return sections.joined(separator: "\n\n") + "\n"
    }

    // MARK: - Verdict

    private static func header(_ report: AuditReport, verdict: Verdict) -> String {
        let mark = verdict.passed ? "✅" : "❌"
        var lines = ["# \(mark) \(verdict.headline(escape: MarkdownText.text))", ""]
        lines.append("**Exit code \(verdict.exitCode)** — \(MarkdownText.text(verdict.exitMeaning)).")
        var facts = [
            "\(report.summary.environments) environment\(report.summary.environments == 1 ? "" : "s") audited",
            "\(report.summary.unreachable) unreachable",
            "findings: " + verdict.counts.map { "\($0.count) \($0.severity.rawValue)" }.joined(separator: ", "),
        ]
        if !report.remediation.isEmpty {
            facts.append("\(report.remediation.count) repair command\(report.remediation.count == 1 ? "" : "s")")
        }
        lines.append("")
        lines.append(facts.joined(separator: " · ") + ".")
        lines.append("")
        lines.append(
            "Topology \(MarkdownText.code(report.topology)) · \(MarkdownText.text(report.tool.name)) "
                + "\(MarkdownText.text(report.tool.version)) · \(ReportTimestamp.string(from: report.generatedAt))")
        return lines.joined(separator: "\n")
    }

    // MARK: - Matrix

    private static func matrix(_ report: AuditReport, verdict: Verdict) -> String {
        var lines = ["## Environments", ""]
        guard !report.environments.isEmpty else {
            lines.append("The topology names no environment.")
            return lines.joined(separator: "\n")
        }
        let fired = Set(report.findings.map(\.check)).sorted()
        var header = ["Environment", "Region", "Account", "Status"]
        header += fired.map(\.title)
        lines.append("| " + header.joined(separator: " | ") + " |")
        lines.append("|" + String(repeating: " --- |", count: 3) + " :---: |" + String(repeating: " :---: |", count: fired.count))
        for environment in report.environments {
            let findings = verdict.findings(of: environment)
            let notChecked =
                environment.status == .unreachable || environment.status == .notBootstrapped
                || findings.contains { Self.stoppingChecks.contains($0.check) }
            var row = [
                MarkdownText.cell(environment.name), MarkdownText.cell(environment.region), MarkdownText.cell(environment.account),
                statusCell(environment, findings: findings, failOn: verdict.failOn),
            ]
            for check in fired {
                let hits = findings.filter { $0.check == check }
                if let worst = hits.map(\.severity).max() {
                    row.append(worst >= verdict.failOn ? "❌" : "⚠️")
                } else if notChecked {
                    row.append("—")
                } else {
                    row.append("✅")
                }
            }
            lines.append("| " + row.joined(separator: " | ") + " |")
        }
        if !fired.isEmpty {
            lines.append("")
            lines.append(
                "✅ passed · ❌ found, at or above `--fail-on \(verdict.failOn.rawValue)` · ⚠️ found, below it · — not checked "
                    + "(the environment is not bootstrapped, not readable, or under another qualifier). Checks that found nothing anywhere are not shown.")
        }
        return lines.joined(separator: "\n")
    }

    /// Findings after which the audit checks nothing else in the environment.
    static let stoppingChecks: Set<Check> = [.environmentUnreachable, .profileAccountMismatch, .qualifierMismatch]

    private static func statusCell(_ environment: EnvironmentResult, findings: [Finding], failOn: Severity) -> String {
        switch environment.status {
        case .ok: return "✅ ok"
        case .notBootstrapped: return "❌ not bootstrapped"
        case .unreachable: return "❌ unreachable"
        case .findings:
            let worst = findings.first?.severity ?? .low
            return (worst >= failOn ? "❌ " : "⚠️ ") + worst.rawValue
        }
    }

    // MARK: - Trust graph

    private static func graph(_ report: AuditReport) -> String {
        var lines = ["## Trust graph", ""]
        lines.append(
            "Who can assume each environment's bootstrap roles (an environment's trust in its own account is left out). "
                + "Solid: any principal of the account; dotted: only some principals, or only under conditions; "
                + "red: anyone, or an account the topology does not name.")
        lines.append("")
        lines.append(MarkdownText.fencedBlock(MermaidTrustGraph.render(report), info: "mermaid"))
        return lines.joined(separator: "\n")
    }

    // MARK: - Findings

    private static func findings(_ report: AuditReport, verdict: Verdict) -> String {
        var lines = ["## Findings"]
        guard !report.findings.isEmpty else {
            lines.append("")
            lines.append("None.")
            return lines.joined(separator: "\n")
        }
        let sorted = report.findings.sorted()
        for severity in Severity.allCases.reversed() {
            let group = sorted.filter { $0.severity == severity }
            guard !group.isEmpty else { continue }
            let mark = severity >= verdict.failOn ? "❌" : "⚠️"
            lines.append("")
            lines.append("### \(mark) \(severity.rawValue.capitalized) (\(group.count))")
            lines.append("")
            for finding in group {
                lines.append(
                    "- **\(MarkdownText.text(finding.environment))** · \(MarkdownText.code(Verdict.address(account: finding.account, region: finding.region)))"
                        + " · `\(finding.check.rawValue)` — \(MarkdownText.text(finding.message))")
                for key in finding.evidence.keys.sorted() {
                    lines.append(contentsOf: evidence(key: key, value: finding.evidence[key] ?? ""))
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// One evidence entry as a nested list item: short values in a code span; JSON documents
    /// (policies) pretty-printed and values on several lines in a fenced block.
    private static func evidence(key: String, value: String) -> [String] {
        let item = "  - \(MarkdownText.text(key)):"
        if let json = prettyJSON(value), json.contains("\n") {
            return [item, MarkdownText.fencedBlock(json, info: "json", indent: "    ")]
        }
        if value.contains(where: { $0.isNewline }) {
            return [item, MarkdownText.fencedBlock(value, indent: "    ")]
        }
        return [item + " " + (value.isEmpty ? "_(empty)_" : MarkdownText.code(value))]
    }

    /// A JSON object or array longer than a short line, re-indented with sorted keys; otherwise nil.
    static func prettyJSON(_ value: String) -> String? {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count > 60, trimmed.hasPrefix("{") || trimmed.hasPrefix("["),
            let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]),
            let text = String(data: data, encoding: .utf8)
        else { return nil }
        return text
    }

    // MARK: - Remediation

    private static func remediation(_ report: AuditReport) -> String {
        var lines = ["## Remediation"]
        guard !report.remediation.isEmpty else {
            lines.append("")
            lines.append("Nothing needs repair.")
            return lines.joined(separator: "\n")
        }
        lines.append("")
        lines.append(
            "One command per environment. Each `--trust` list keeps every account trusted today, so nobody loses trust; "
                + "accounts to remove are a separate, commented `--untrust` suggestion to review. The same commands are in `remediation.sh`.")
        for command in report.remediation {
            lines.append("")
            lines.append(
                "### \(MarkdownText.text(command.environment)) · \(MarkdownText.text(Verdict.address(account: command.account, region: command.region)))")
            lines.append("")
            if !command.fixes.isEmpty {
                lines.append("Fixes " + command.fixes.map { "`\($0.rawValue)`" }.joined(separator: ", ") + ".")
                lines.append("")
            }
            for note in command.notes {
                lines.append("- " + MarkdownText.text(note))
            }
            if !command.notes.isEmpty { lines.append("") }
            var block = [ShellQuoting.line(command.argv)]
            for followUp in command.followUp {
                block.append("# " + SafeText.singleLine(followUp.purpose))
                block.append(ShellQuoting.line(followUp.argv))
            }
            if let untrust = command.untrustCommand {
                block.append("# Review first: stop trusting " + SafeText.singleLine(command.untrust.joined(separator: ", ")))
                block.append("# " + SafeText.singleLine(untrust))
            }
            lines.append(MarkdownText.fencedBlock(block.joined(separator: "\n"), info: "sh"))
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Unreachable

    private static func unreachable(_ report: AuditReport, verdict: Verdict) -> String? {
        let environments = report.environments.filter { $0.status == .unreachable }
        guard !environments.isEmpty else { return nil }
        var lines = ["## Not audited", ""]
        lines.append("These environments could not be read, so the audit is incomplete (exit code 3) — fix access and run it again.")
        lines.append("")
        for environment in environments {
            let reason = environment.error.map(MarkdownText.text) ?? "no reason recorded"
            lines.append(
                "- **\(MarkdownText.text(verdict.label(environment)))** · "
                    + "\(MarkdownText.text(Verdict.address(account: environment.account, region: environment.region))): \(reason)")
        }
        return lines.joined(separator: "\n")
    }

    private static func footer(_ report: AuditReport) -> String {
        "---\n\n_Generated by trustline; regenerate with_ " + MarkdownText.code("trustline audit --topology " + ShellQuoting.quote(report.topology))
    }
}
