// JUnitReport — the audit as JUnit XML, for the test-report views of CodeBuild, GitLab and Jenkins:
// one <testsuite> per environment (aws://ACCOUNT/REGION), one <testcase> per check. A finding at or
// above --fail-on is a <failure>; an environment that could not be read is an <error>; a finding
// below --fail-on passes and carries the finding in <system-out>; checks an environment never got
// to are <skipped>. So the file fails exactly when `trustline audit` exits non-zero. Every value
// is XML-escaped, and characters XML 1.0 cannot hold are made visible, never written raw.
import Foundation
import TrustlineCore

/// Renders the JUnit XML report (`--junit FILE`).
///
/// Mapping, per environment and check (see `docs/ci.md`):
/// - `environment-unreachable`, `profile-account-mismatch` → `<error>` whatever `--fail-on` is:
///   the audit is incomplete there (exit code 3);
/// - another finding at or above the report's `failOn` → `<failure type="SEVERITY">`;
/// - a finding below `failOn` → a passing test case whose `<system-out>` holds the finding;
/// - a check that did not run because the environment is unreachable, not bootstrapped or under
///   another qualifier → `<skipped message="not checked: …"/>`;
/// - otherwise a passing test case.
public enum JUnitReport {
    /// The whole document, ending with a newline.
    public static func render(_ report: AuditReport) -> String {
        let suites = report.environments.map { suite(for: $0, in: report) }
        let totals = suites.reduce(into: Counts()) { $0.add($1.counts) }
        var lines = [#"<?xml version="1.0" encoding="UTF-8"?>"#]
        lines.append(
            "<testsuites name=\"trustline\" \(totals.attributes) time=\"0\" timestamp=\"\(timestamp(report.generatedAt))\">")
        for suite in suites {
            lines += suite.lines
        }
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Mapping

    /// What became of one check in one environment.
    enum Outcome: Equatable {
        case passed
        /// Passed, with findings below `--fail-on` to show.
        case passedWithNotes
        case failure
        case error
        case skipped(reason: String)
    }

    /// Checks whose finding means the environment was not (fully) read: never a mere failure.
    static let incompleteChecks: Set<Check> = [.environmentUnreachable, .profileAccountMismatch]

    /// Why the other checks did not run in an environment, or nil when they all ran.
    static func stopReason(_ environment: EnvironmentResult, findings: [Finding]) -> String? {
        let fired = Set(findings.map(\.check))
        if fired.contains(.environmentUnreachable) { return "not checked: the environment could not be read" }
        if fired.contains(.profileAccountMismatch) { return "not checked: the credentials reach another account" }
        if fired.contains(.qualifierMismatch) { return "not checked: the environment is bootstrapped under another qualifier" }
        switch environment.status {
        case .unreachable: return "not checked: the environment could not be read"
        case .notBootstrapped: return "not checked: the environment is not bootstrapped"
        case .ok, .findings: return nil
        }
    }

    /// The outcome of `check` given the environment's findings of that check.
    static func outcome(of check: Check, findings: [Finding], stopReason: String?, failOn: Severity) -> Outcome {
        guard let worst = findings.map(\.severity).max() else {
            return stopReason.map { .skipped(reason: $0) } ?? .passed
        }
        if incompleteChecks.contains(check) { return .error }
        return worst >= failOn ? .failure : .passedWithNotes
    }

    // MARK: - Elements

    struct Counts {
        var tests = 0
        var failures = 0
        var errors = 0
        var skipped = 0

        mutating func add(_ other: Counts) {
            tests += other.tests
            failures += other.failures
            errors += other.errors
            skipped += other.skipped
        }

        var attributes: String {
            "tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\""
        }
    }

    private struct Suite {
        var counts = Counts()
        var lines: [String] = []
    }

    private static func suite(for environment: EnvironmentResult, in report: AuditReport) -> Suite {
        let findings = report.findings.filter { Verdict.belongs($0, to: environment) }.sorted()
        let reason = stopReason(environment, findings: findings)
        let repair = report.remediation.first { Verdict.belongs($0, to: environment) }
        let classname = attribute("trustline.\(environment.name).\(environment.region)")
        var suite = Suite()
        var cases: [String] = []
        for check in Check.allCases {
            let hits = findings.filter { $0.check == check }
            let result = outcome(of: check, findings: hits, stopReason: reason, failOn: report.summary.failOn)
            suite.counts.tests += 1
            let open = "    <testcase name=\"\(check.rawValue)\" classname=\"\(classname)\" time=\"0\""
            switch result {
            case .passed:
                cases.append(open + "/>")
            case .skipped(let reason):
                suite.counts.skipped += 1
                cases.append(open + ">")
                cases.append("      <skipped message=\"\(attribute(reason))\"/>")
                cases.append("    </testcase>")
            case .passedWithNotes:
                let body = "Below --fail-on \(report.summary.failOn.rawValue), so this check passes:\n\n" + details(hits, repair: repair)
                cases.append(open + ">")
                cases.append("      <system-out>\(text(body))</system-out>")
                cases.append("    </testcase>")
            case .failure, .error:
                let element = result == .error ? "error" : "failure"
                if result == .error { suite.counts.errors += 1 } else { suite.counts.failures += 1 }
                let message = hits.count == 1 ? hits[0].message : "\(hits.count) findings: " + hits.map(\.message).joined(separator: " · ")
                let severity = hits.map(\.severity).max() ?? check.severity
                cases.append(open + ">")
                cases.append(
                    "      <\(element) message=\"\(attribute(message))\" type=\"\(severity.rawValue)\">\(text(details(hits, repair: repair)))</\(element)>")
                cases.append("    </testcase>")
            }
        }
        let name = "\(environment.name) (\(Verdict.address(account: environment.account, region: environment.region)))"
        suite.lines.append(
            "  <testsuite name=\"\(attribute(name))\" \(suite.counts.attributes) time=\"0\" timestamp=\"\(timestamp(report.generatedAt))\">")
        suite.lines.append("    <properties>")
        var properties: [(String, String)] = [
            ("environment", environment.name), ("account", environment.account), ("region", environment.region),
            ("status", environment.status.rawValue), ("qualifier", environment.qualifier), ("failOn", report.summary.failOn.rawValue),
        ]
        if let error = environment.error { properties.append(("error", error)) }
        if let repair { properties.append(("remediation", repair.command)) }
        for (key, value) in properties {
            suite.lines.append("      <property name=\"\(attribute(key))\" value=\"\(attribute(value))\"/>")
        }
        suite.lines.append("    </properties>")
        suite.lines += cases
        suite.lines.append("  </testsuite>")
        return suite
    }

    /// The findings of one check, with their evidence and the environment's repair command.
    private static func details(_ findings: [Finding], repair: RemediationCommand?) -> String {
        var blocks: [String] = []
        for finding in findings {
            var lines = [
                "\(finding.severity.rawValue) · \(finding.check.rawValue) · \(finding.environment) · "
                    + Verdict.address(account: finding.account, region: finding.region),
                finding.message,
            ]
            if !finding.evidence.isEmpty {
                lines.append("Evidence:")
                for key in finding.evidence.keys.sorted() {
                    lines.append("  \(SafeText.singleLine(key)): \(SafeText.singleLine(finding.evidence[key] ?? ""))")
                }
            }
            blocks.append(lines.joined(separator: "\n"))
        }
        if let repair, findings.contains(where: { repair.fixes.contains($0.check) }) {
            blocks.append("Repair (review first; the same command is in remediation.sh):\n  " + ShellQuoting.line(repair.argv))
        }
        return blocks.joined(separator: "\n\n")
    }

    // MARK: - Escaping

    /// `2026-11-21T10:00:00`: ISO 8601 in UTC without a zone designator, as the Ant JUnit schema wants.
    static func timestamp(_ date: Date) -> String {
        let text = ReportTimestamp.string(from: date)
        return text.hasSuffix("Z") ? String(text.dropLast()) : text
    }

    /// A value for inside `"…"`: on one line, control characters made visible, `& < > " '` as entities.
    static func attribute(_ value: String) -> String {
        escape(SafeText.singleLine(value), quotes: true)
    }

    /// Character data: line breaks kept, other control characters made visible, `& < >` as entities.
    static func text(_ value: String) -> String {
        escape(SafeText.multiline(value), quotes: false)
    }

    /// Entity-escapes markup characters. SafeText has already replaced every C0 control but the line
    /// break; the two noncharacters XML 1.0 also forbids (U+FFFE, U+FFFF) are made visible here.
    private static func escape(_ value: String, quotes: Bool) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            case "'" where quotes: out += "&apos;"
            case "\u{FFFE}", "\u{FFFF}": out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
