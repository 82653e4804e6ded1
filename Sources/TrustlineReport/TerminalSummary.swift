// TerminalSummary — what `trustline audit` prints: one line per environment, counts by severity,
// where the reports are, and the verdict with its exit code. ANSI colours only when asked for;
// every value is stripped of control characters so that none can drive the terminal.
import Foundation
import TrustlineCore

/// Renders the terminal summary of an audit.
public enum TerminalSummary {
    /// Where the audit wrote its files; each is shown when present.
    public struct ReportPaths: Sendable, Equatable {
        public var json: String?
        public var markdown: String?
        public var remediation: String?
        /// Any other file written, listed with the reports.
        public var others: [String]

        public init(json: String? = nil, markdown: String? = nil, remediation: String? = nil, others: [String] = []) {
            self.json = json
            self.markdown = markdown
            self.remediation = remediation
            self.others = others
        }

        /// Sorts paths by extension: `.json` report, `.md` report, `.sh` script, anything else in `others`.
        public init(_ paths: [String]) {
            self.init()
            for path in paths {
                if path.hasSuffix(".json") && json == nil {
                    json = path
                } else if path.hasSuffix(".md") && markdown == nil {
                    markdown = path
                } else if path.hasSuffix(".sh") && remediation == nil {
                    remediation = path
                } else {
                    others.append(path)
                }
            }
        }
    }

    /// The summary, for a caller holding the list of files it wrote (see ``ReportPaths/init(_:)``).
    public static func render(_ report: AuditReport, color: Bool, reportPaths: [String]) -> String {
        render(report, color: color, paths: ReportPaths(reportPaths))
    }

    /// The summary, ending with a newline.
    ///
    /// - Parameters:
    ///   - color: use ANSI colours (the caller decides: a TTY, no `NO_COLOR`).
    ///   - paths: the files written, to point at.
    ///   - width: the longest a finding's message may be before it is cut with `…`.
    public static func render(_ report: AuditReport, color: Bool, paths: ReportPaths = ReportPaths(), width: Int = 80) -> String {
        let verdict = Verdict(report)
        let paint = Paint(enabled: color)
        var lines: [String] = []
        lines.append(
            paint.bold("trustline \(clean(report.tool.version))") + " · " + clean(report.topology) + " · "
                + "\(report.environments.count) environment\(report.environments.count == 1 ? "" : "s") · "
                + ReportTimestamp.string(from: report.generatedAt))
        lines.append("")

        let names = report.environments.map { clean(verdict.label($0)) }
        let addresses = report.environments.map { clean(Verdict.address(account: $0.account, region: $0.region)) }
        let nameWidth = names.map(\.count).max() ?? 0
        let addressWidth = addresses.map(\.count).max() ?? 0
        for (index, environment) in report.environments.enumerated() {
            let findings = verdict.findings(of: environment)
            let (mark, color) = statusStyle(environment, worst: findings.first?.severity, failOn: verdict.failOn)
            var detail = ""
            if let worst = findings.first {
                let more = findings.count > 1 ? " (+\(findings.count - 1) more)" : ""
                detail = paint.severity(worst.severity, worst.check.rawValue) + ": " + truncate(clean(worst.message), width) + more
            } else if environment.status == .unreachable, let error = environment.error {
                detail = truncate(clean(error), width)
            }
            let status = environment.status.rawValue
            var line = "  " + paint.wrap(color, mark) + " " + pad(names[index], nameWidth) + "  " + pad(addresses[index], addressWidth) + "  "
            line += detail.isEmpty ? paint.wrap(color, status) : paint.wrap(color, status) + pad("", statusWidth - status.count) + "  " + detail
            lines.append(line)
        }
        if report.environments.isEmpty { lines.append("  (no environments)") }
        lines.append("")

        lines.append(
            "Findings: "
                + verdict.counts.map { paint.severity($0.count > 0 ? $0.severity : nil, "\($0.count) \($0.severity.rawValue)") }.joined(separator: ", "))
        let reports = ([paths.json, paths.markdown].compactMap { $0 } + paths.others).map(clean)
        if !reports.isEmpty { lines.append("Reports:  " + reports.joined(separator: ", ")) }
        if let script = paths.remediation {
            let count = report.remediation.count
            lines.append(
                count == 0
                    ? "Repair:   nothing needs repair (\(clean(script)))"
                    : "Repair:   sh \(clean(ShellQuoting.quote(script)))  (\(count) command\(count == 1 ? "" : "s"); review before running)")
        } else if !report.remediation.isEmpty {
            lines.append("Repair:   \(report.remediation.count) command\(report.remediation.count == 1 ? "" : "s") in the report")
        }
        lines.append("")

        let mark = verdict.passed ? paint.green("✔ PASSED") : paint.red("✘ FAILED")
        lines.append(mark + " — " + verdict.headline(escape: clean) + " · exit \(verdict.exitCode): " + verdict.exitMeaning)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The widest status word (`not-bootstrapped`).
    private static let statusWidth = 16

    /// The mark and SGR colour of an environment's line.
    private static func statusStyle(_ environment: EnvironmentResult, worst: Severity?, failOn: Severity) -> (String, String) {
        switch environment.status {
        case .ok: return ("✔", "32")
        case .unreachable: return ("?", "31")
        case .notBootstrapped: return ("✘", "31")
        case .findings:
            if let worst, worst >= failOn { return ("✘", "31") }
            return ("!", "33")
        }
    }

    /// One line, no control characters: nothing in a value can move the cursor or recolour the terminal.
    static func clean(_ value: String) -> String {
        SafeText.singleLine(value)
    }

    private static func pad(_ value: String, _ width: Int) -> String {
        value.count >= width ? value : value + String(repeating: " ", count: width - value.count)
    }

    private static func truncate(_ value: String, _ width: Int) -> String {
        value.count <= width ? value : String(value.prefix(max(1, width - 1))) + "…"
    }

    /// ANSI SGR colouring, or none.
    private struct Paint {
        let enabled: Bool

        func wrap(_ code: String, _ text: String) -> String {
            enabled ? "\u{1B}[\(code)m" + text + "\u{1B}[0m" : text
        }

        func bold(_ text: String) -> String { wrap("1", text) }
        func red(_ text: String) -> String { wrap("31", text) }
        func green(_ text: String) -> String { wrap("32", text) }
        func yellow(_ text: String) -> String { wrap("33", text) }

        func severity(_ severity: Severity?, _ text: String) -> String {
            switch severity {
            case .critical: return wrap("1;31", text)
            case .high: return red(text)
            case .medium: return yellow(text)
            case .low: return wrap("36", text)
            case nil: return text
            }
        }
    }
}
