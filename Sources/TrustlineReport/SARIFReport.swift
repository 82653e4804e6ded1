// SARIFReport — the audit as SARIF 2.1.0, for GitHub code scanning (`--sarif FILE`): one rule per
// check, one result per finding, located at the environment's entry in the topology file, with a
// fingerprint that stays the same from one nightly run to the next so that GitHub tracks each alert
// rather than opening a new one. The JSON is written by hand, in a fixed key order, so the same
// report always gives the same bytes; `schemas/sarif-2.1.0.json` is the standard it is tested against.
import Foundation
import TrustlineCore

/// Renders the SARIF 2.1.0 log (`--sarif FILE`).
public enum SARIFReport {
    /// The SARIF version written.
    public static let version = "2.1.0"
    /// The schema URI the log names (the OASIS standard's published schema).
    public static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    /// The whole log, pretty-printed, ending with a newline.
    ///
    /// - Parameters:
    ///   - report: the audit.
    ///   - topology: the topology the audit was made against: its `file` (relative to the
    ///     repository root, as given on the command line) is each result's location, and each
    ///     environment's `line` the result's line (line 1 for an environment it does not name).
    ///   - informationURI: the tool's home page, shown by code-scanning views; left out when nil.
    public static func render(_ report: AuditReport, topology: Topology, informationURI: String? = nil) -> String {
        var driver: [(String, SARIFJSON)] = [
            ("name", .string(report.tool.name)),
            ("version", .string(report.tool.version)),
            ("semanticVersion", .string(report.tool.version)),
        ]
        if let informationURI { driver.append(("informationUri", .string(informationURI))) }
        driver.append(("rules", .array(Check.allCases.map(rule))))

        let artifact = artifactURI(topology.file)
        let run: SARIFJSON = .object([
            ("tool", .object([("driver", .object(driver))])),
            (
                "invocations",
                .array([
                    .object([
                        ("executionSuccessful", .bool(true)),
                        ("exitCode", .int(report.summary.exitCode)),
                        ("exitCodeDescription", .string(Verdict(report).exitMeaning)),
                        ("endTimeUtc", .string(ReportTimestamp.string(from: report.generatedAt))),
                    ])
                ])
            ),
            ("artifacts", .array([.object([("location", .object([("uri", .string(artifact))]))])])),
            ("results", .array(report.findings.sorted().map { result($0, report: report, topology: topology, artifact: artifact) })),
            (
                "properties",
                .object([
                    ("topology", .string(report.topology)),
                    ("failOn", .string(report.summary.failOn.rawValue)),
                    ("passed", .bool(report.summary.passed)),
                    ("environments", .int(report.summary.environments)),
                    ("unreachable", .int(report.summary.unreachable)),
                ])
            ),
        ])
        let log: SARIFJSON = .object([
            ("$schema", .string(schemaURI)),
            ("version", .string(version)),
            ("runs", .array([run])),
        ])
        return log.rendered(indent: "") + "\n"
    }

    // MARK: - Rules

    /// `security-severity` as GitHub reads it: a number from 0.0 to 10.0, written as a string.
    static func securitySeverity(_ severity: Severity) -> String {
        switch severity {
        case .critical: return "9.5"
        case .high: return "8.0"
        case .medium: return "5.5"
        case .low: return "3.0"
        }
    }

    /// SARIF's level: `error` for critical and high, `warning` for medium, `note` for low.
    static func level(_ severity: Severity) -> String {
        switch severity {
        case .critical, .high: return "error"
        case .medium: return "warning"
        case .low: return "note"
        }
    }

    /// `PipelineTrustMissing` for `pipeline-trust-missing`.
    static func ruleName(_ check: Check) -> String {
        check.rawValue.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    private static func rule(_ check: Check) -> SARIFJSON {
        let text = RuleText.of(check)
        let help = text.help + "\n\nThe audit prints the repair command for each environment in remediation.sh and the Markdown report."
        let helpMarkdown =
            "**\(text.short).**\n\n\(text.full)\n\n**How to fix:** \(text.help)\n\n"
            + "The audit prints the repair command for each environment in `remediation.sh` and the Markdown report "
            + "(`trustline audit --out DIR`). Severity: **\(check.severity.rawValue)**; check id `\(check.rawValue)`."
        return .object([
            ("id", .string(check.rawValue)),
            ("name", .string(ruleName(check))),
            ("shortDescription", .object([("text", .string(text.short))])),
            ("fullDescription", .object([("text", .string(text.full))])),
            ("help", .object([("text", .string(help)), ("markdown", .string(helpMarkdown))])),
            ("defaultConfiguration", .object([("level", .string(level(check.severity)))])),
            (
                "properties",
                .object([
                    ("tags", .array(["security", "aws", "cdk", "iam"].map(SARIFJSON.string))),
                    ("precision", .string("very-high")),
                    ("problem.severity", .string(level(check.severity) == "note" ? "recommendation" : level(check.severity))),
                    ("security-severity", .string(securitySeverity(check.severity))),
                    ("trustline-severity", .string(check.severity.rawValue)),
                ])
            ),
        ])
    }

    // MARK: - Results

    private static func result(_ finding: Finding, report: AuditReport, topology: Topology, artifact: String) -> SARIFJSON {
        let line = topology.environment(named: finding.environment)?.line ?? 1
        var text = [
            "\(finding.environment) (\(Verdict.address(account: finding.account, region: finding.region))): \(finding.message)"
        ]
        if !finding.evidence.isEmpty {
            text.append("")
            text.append("Evidence:")
            for key in finding.evidence.keys.sorted() {
                text.append("- \(SafeText.singleLine(key)): \(SafeText.singleLine(finding.evidence[key] ?? ""))")
            }
        }
        let repair = report.remediation.first {
            $0.environment == finding.environment && $0.account == finding.account && $0.region == finding.region && $0.fixes.contains(finding.check)
        }
        if let repair {
            text.append("")
            text.append("Repair (review first): " + ShellQuoting.line(repair.argv))
        }
        var properties: [(String, SARIFJSON)] = [
            ("environment", .string(finding.environment)),
            ("account", .string(finding.account)),
            ("region", .string(finding.region)),
            ("severity", .string(finding.severity.rawValue)),
            ("evidence", .object(finding.evidence.keys.sorted().map { ($0, .string(finding.evidence[$0] ?? "")) })),
        ]
        if let repair { properties.append(("remediation", .array(repair.argv.map(SARIFJSON.string)))) }
        return .object([
            ("ruleId", .string(finding.check.rawValue)),
            ("ruleIndex", .int(Check.allCases.firstIndex(of: finding.check) ?? 0)),
            ("level", .string(level(finding.severity))),
            ("message", .object([("text", .string(SafeText.multiline(text.joined(separator: "\n"))))])),
            (
                "locations",
                .array([
                    .object([
                        (
                            "physicalLocation",
                            .object([
                                ("artifactLocation", .object([("uri", .string(artifact)), ("index", .int(0))])),
                                ("region", .object([("startLine", .int(max(1, line)))])),
                            ])
                        ),
                        (
                            "logicalLocations",
                            .array([
                                .object([
                                    ("name", .string(finding.environment)),
                                    ("fullyQualifiedName", .string(Verdict.address(account: finding.account, region: finding.region))),
                                    ("kind", .string("environment")),
                                ])
                            ])
                        ),
                    ])
                ])
            ),
            ("partialFingerprints", .object([("trustlineFinding/v1", .string(fingerprint(finding)))])),
            ("properties", .object(properties)),
        ])
    }

    /// What tells one finding from another of the same check in the same environment: the account
    /// it is about. `unexpected-trust` and `trust-lost` name it in their evidence; the two
    /// missing-trust checks (one finding per pipeline account) in their message.
    static func subject(of finding: Finding) -> String {
        if let account = finding.evidence["account"] { return account }
        guard finding.check == .pipelineTrustMissing || finding.check == .lookupTrustMissing,
            let range = finding.message.range(of: "Pipeline account ")
        else { return "" }
        return String(finding.message[range.upperBound...].prefix { $0.isASCII && $0.isNumber })
    }

    /// A fingerprint that is the same in every run while the finding lasts: a 128-bit FNV-1a hash of
    /// the check, environment, account, region and subject — never of the message, whose wording may
    /// change between versions, nor of evidence such as request ids or update times.
    static func fingerprint(_ finding: Finding) -> String {
        let key = [finding.check.rawValue, finding.environment, finding.account, finding.region, subject(of: finding)].joined(separator: "\u{1F}")
        return FNV1a128.hex(Array(key.utf8))
    }

    /// The topology file as a URI reference: `./` dropped, and every byte outside the unreserved
    /// characters and `/` percent-encoded (a space, `#` or `?` would otherwise change its meaning).
    static func artifactURI(_ file: String) -> String {
        var path = file
        while path.hasPrefix("./") { path.removeFirst(2) }
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/".utf8)
        var out = ""
        for byte in path.utf8 {
            if allowed.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out.isEmpty ? "topology.yaml" : out
    }
}

/// 128-bit FNV-1a (offset basis and prime of the FNV specification), as 32 hex digits.
enum FNV1a128 {
    static func hex(_ bytes: [UInt8]) -> String {
        // The 128-bit state as two 64-bit halves (high, low); prime = 2^88 + 0x13B.
        var high: UInt64 = 0x6C62_272E_07BB_0142
        var low: UInt64 = 0x62B8_2175_6295_C58D
        for byte in bytes {
            low ^= UInt64(byte)
            // (high·2^64 + low) × (2^88 + 0x13B) mod 2^128
            let (productHigh, productLow) = low.multipliedFullWidth(by: 0x13B)
            let newHigh = high &* 0x13B &+ productHigh &+ (low << 24)
            high = newHigh
            low = productLow
        }
        return hex64(high) + hex64(low)
    }

    private static func hex64(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// A JSON value with keys in the order given: enough for a deterministic, readable SARIF log.
enum SARIFJSON {
    case string(String)
    case int(Int)
    case bool(Bool)
    case array([SARIFJSON])
    case object([(String, SARIFJSON)])

    /// Pretty-printed with two-space indentation; empty containers as `[]` and `{}`.
    func rendered(indent: String) -> String {
        switch self {
        case .string(let value): return SARIFJSON.quote(value)
        case .int(let value): return String(value)
        case .bool(let value): return value ? "true" : "false"
        case .array(let items):
            guard !items.isEmpty else { return "[]" }
            let inner = indent + "  "
            return "[\n" + items.map { inner + $0.rendered(indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            let inner = indent + "  "
            return "{\n" + members.map { inner + SARIFJSON.quote($0.0) + ": " + $0.1.rendered(indent: inner) }.joined(separator: ",\n") + "\n" + indent + "}"
        }
    }

    /// A JSON string literal: `"` and `\` escaped, control characters as `\n`, `\t`… or `\u00XX`,
    /// and U+2028/U+2029 escaped too (they end a line in JavaScript); everything else as UTF-8.
    static func quote(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let digits = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// What each rule says: a line for the alert title, a paragraph on what is wrong and why it matters,
/// and how to fix it.
fileprivate struct RuleText {
    let short: String
    let full: String
    let help: String

    // swift-format-ignore
    static func of(_ check: Check) -> RuleText {
        switch check {
        case .notBootstrapped:
            return RuleText(
                short: "Environment not bootstrapped",
                full: "The topology expects this environment (account and region) to be bootstrapped for CDK, but it has no bootstrap stack and no bootstrap roles: no pipeline can deploy to it.",
                help: "Bootstrap the environment with the command trustline prints (cdk bootstrap aws://ACCOUNT/REGION with every --trust the topology names), before the pipeline change that targets it is pushed.")
        case .pipelineTrustMissing:
            return RuleText(
                short: "Pipeline account cannot deploy",
                full: "The live trust policy of the deploy, file-publishing or image-publishing role does not let a pipeline account the topology names assume it. The pipeline will fail at its deploy stage with an sts:AssumeRole AccessDenied. Usual cause: cdk bootstrap was re-run with a --trust list that replaced the old one.",
                help: "Re-bootstrap with the command trustline prints: its --trust list is the union of the intended accounts and every account trusted today, so nobody else loses trust.")
        case .wildcardTrust:
            return RuleText(
                short: "Bootstrap role trusts any AWS account",
                full: "A bootstrap role's trust policy names a wildcard principal: any AWS account can assume it and publish assets or deploy stacks here.",
                help: "Restore the bootstrap template's trust policy (the printed follow-up aws iam update-assume-role-policy command) and re-bootstrap without '*' in --trust.")
        case .trustLost:
            return RuleText(
                short: "Trust lost since the baseline",
                full: "A trust present in the baseline report is gone: an account that could assume a bootstrap role yesterday no longer can. The stack's update time is given as evidence.",
                help: "Check who re-bootstrapped the environment at the stack's update time, then re-bootstrap with the printed command, which trusts both the old and the intended accounts.")
        case .unexpectedTrust:
            return RuleText(
                short: "Bootstrap role trusts an unknown account",
                full: "A bootstrap role trusts an account that the topology does not name as a pipeline or as trusted for this environment.",
                help: "Confirm whether the account should deploy here. If so, add it to the topology; if not, run the commented --untrust command trustline prints, after review.")
        case .trustDrift:
            return RuleText(
                short: "Role trust edited by hand",
                full: "The live trust of a bootstrap role differs from the bootstrap stack's TrustedAccounts or TrustedAccountsForLookup parameters: the role was edited outside CloudFormation, which cannot see or undo the edit.",
                help: "Run the printed cdk bootstrap command and its follow-up aws iam update-assume-role-policy, which puts back the trust policy the bootstrap template gives.")
        case .executionPolicyMismatch:
            return RuleText(
                short: "Execution policies differ from the intended ones",
                full: "The CloudFormation execution (cfn-exec) role does not carry the execution policies the topology names: deployments run with other permissions than reviewed.",
                help: "Re-bootstrap with the printed command; its --cloudformation-execution-policies are the topology's.")
        case .executionPolicyAdmin:
            return RuleText(
                short: "Deployments run as administrator",
                full: "The CloudFormation execution role carries AdministratorAccess, or a policy allowing every action on every resource, in an environment where the topology's rules forbid it.",
                help: "Re-bootstrap with a least-privilege policy (the printed command uses the topology's executionPolicies), or list the environment in rules.allowAdministratorAccess if that is intended.")
        case .bootstrapStackUnhealthy:
            return RuleText(
                short: "Bootstrap stack failed or stuck",
                full: "The bootstrap stack is in a failed, rolled-back or in-progress state: the bootstrap resources may be missing or out of date.",
                help: "Look at the stack's events in CloudFormation, fix the cause, then re-bootstrap with the printed command.")
        case .qualifierMismatch:
            return RuleText(
                short: "Bootstrapped under another qualifier",
                full: "The environment is bootstrapped only under another qualifier than the topology's: the cdk-QUALIFIER-* roles the apps use do not exist, so their deployments fail.",
                help: "Bootstrap with the intended qualifier (the printed command names it), or change the topology and the apps to the qualifier in use.")
        case .profileAccountMismatch:
            return RuleText(
                short: "Credentials reach another account",
                full: "The profile or role used for this environment reaches another account than the topology names. Nothing else was checked, to avoid auditing the wrong account; the audit is incomplete (exit code 3).",
                help: "Fix the profile or the account id in the topology; trustline whoami --profile P shows the account a profile reaches.")
        case .environmentUnreachable:
            return RuleText(
                short: "Environment could not be audited",
                full: "Credentials or read access failed for this environment, so it was not audited: the audit is incomplete (exit code 3) and must not be read as clean.",
                help: "Check the credentials (trustline whoami) and that the audit role has the read-only permissions listed in the README, then run the audit again.")
        case .lookupTrustMissing:
            return RuleText(
                short: "Pipeline cannot look up context",
                full: "The lookup role does not let an account named in trustForLookup assume it: cdk synth in the pipeline cannot look up context (VPCs, AMIs…) in this environment.",
                help: "Re-bootstrap with the printed command; it keeps --trust-for-lookup for every intended account.")
        case .bootstrapOutdated:
            return RuleText(
                short: "Bootstrap version outdated",
                full: "The bootstrap stack's version is below the minimum the topology's rules require; newer CDK apps may need resources or permissions it lacks.",
                help: "Re-bootstrap with a current CDK CLI, using the printed command so that no trusted account is dropped.")
        }
    }
}
