// SARIFReportTests — the SARIF 2.1.0 log: the golden file, validation against the vendored OASIS
// schema (and broken logs rejected by it), one rule per check with GitHub's security-severity, one
// result per finding at its environment's line of the topology, and fingerprints that stay put.
import Foundation
import Testing
import TrustlineCore

@testable import TrustlineReport

@Suite("SARIF report")
struct SARIFReportTests {
    func render(_ report: AuditReport = ReportFixtures.mixed, file: String = "policies/org.yaml") throws -> String {
        SARIFReport.render(report, topology: try SARIFFixtures.topology(file: file))
    }

    func object(_ sarif: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
    }

    func run(_ sarif: String) throws -> [String: Any] {
        try #require((try object(sarif)["runs"] as? [[String: Any]])?.first)
    }

    func results(_ sarif: String) throws -> [[String: Any]] {
        try #require(try run(sarif)["results"] as? [[String: Any]])
    }

    @Test("golden: the mixed organisation")
    func golden() throws {
        try GoldenFile.check(try render(), named: "mixed.sarif.json")
    }

    @Test("the golden file validates against the SARIF 2.1.0 schema")
    func goldenValidates() throws {
        let golden = try String(contentsOf: GoldenFile.directory.appendingPathComponent("mixed.sarif.json"), encoding: .utf8)
        let errors = try SARIFFixtures.schemaErrors(golden)
        #expect(errors.isEmpty, "\(errors.joined(separator: "\n"))")
    }

    @Test("every report validates: healthy, hostile, with a home page")
    func othersValidate() throws {
        let topology = try SARIFFixtures.topology()
        for sarif in [
            try render(ReportFixtures.healthy), try render(ReportFixtures.hostile()),
            SARIFReport.render(ReportFixtures.mixed, topology: topology, informationURI: "https://example.com/trustline"),
        ] {
            let errors = try SARIFFixtures.schemaErrors(sarif)
            #expect(errors.isEmpty, "\(errors.joined(separator: "\n"))")
        }
    }

    struct Breakage: Sendable, CustomTestStringConvertible {
        let name: String
        let expected: String
        let apply: @Sendable (String) -> String
        var testDescription: String { name }
    }

    static let breakages: [Breakage] = [
        Breakage(name: "a level SARIF does not know", expected: "'critical' is not one of") {
            $0.replacingOccurrences(of: #""level": "error""#, with: #""level": "critical""#)
        },
        Breakage(name: "another SARIF version", expected: "'2.0.0' is not one of") {
            $0.replacingOccurrences(of: #""version": "2.1.0""#, with: #""version": "2.0.0""#)
        },
        Breakage(name: "a result without a message", expected: "'message' is a required property") {
            $0.replacingOccurrences(of: #""message": {"#, with: #""note": {"#)
        },
        Breakage(name: "a line number of 0", expected: "startLine") {
            $0.replacingOccurrences(of: #""startLine": 16"#, with: #""startLine": 0"#)
        },
        Breakage(name: "a property SARIF does not define", expected: "Additional properties are not allowed") {
            $0.replacingOccurrences(of: #""ruleId": "#, with: #""checkId": "x", "ruleId": "#)
        },
    ]

    @Test("the schema rejects broken logs", arguments: breakages)
    func rejected(_ breakage: Breakage) throws {
        let sarif = try render()
        let broken = breakage.apply(sarif)
        #expect(broken != sarif, "the breakage changed nothing")
        let errors = try SARIFFixtures.schemaErrors(broken)
        #expect(errors.contains { $0.contains(breakage.expected) }, "\(errors.joined(separator: "\n"))")
    }

    @Test("one rule per check, with GitHub's security-severity and the level of its severity")
    func rules() throws {
        let sarif = try render()
        let root = try object(sarif)
        #expect(root["version"] as? String == "2.1.0")
        #expect(root["$schema"] as? String == SARIFReport.schemaURI)
        let driver = try #require((try run(sarif)["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "trustline")
        #expect(driver["version"] as? String == "0.1.0")
        #expect(driver["informationUri"] == nil)
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == Check.allCases.map(\.rawValue))
        let expected: [Severity: (String, String)] = [.critical: ("9.5", "error"), .high: ("8.0", "error"), .medium: ("5.5", "warning"), .low: ("3.0", "note")]
        for (rule, check) in zip(rules, Check.allCases) {
            let properties = try #require(rule["properties"] as? [String: Any])
            #expect(properties["security-severity"] as? String == expected[check.severity]?.0)
            #expect((properties["tags"] as? [String])?.contains("security") == true)
            #expect((rule["defaultConfiguration"] as? [String: Any])?["level"] as? String == expected[check.severity]?.1)
            for key in ["shortDescription", "fullDescription", "help"] {
                #expect(((rule[key] as? [String: Any])?["text"] as? String)?.isEmpty == false, "\(check.rawValue) \(key)")
            }
            #expect(((rule["help"] as? [String: Any])?["markdown"] as? String)?.contains("`\(check.rawValue)`") == true)
        }
        #expect(SARIFReport.ruleName(.pipelineTrustMissing) == "PipelineTrustMissing")
        #expect(SARIFReport.securitySeverity(.low) == "3.0")
        let home = SARIFReport.render(ReportFixtures.mixed, topology: try SARIFFixtures.topology(), informationURI: "https://example.com/trustline")
        #expect(home.contains(#""informationUri": "https://example.com/trustline""#))
    }

    @Test("one result per finding, at its environment's line of the topology file")
    func resultsAndLocations() throws {
        let report = ReportFixtures.mixed
        let results = try results(try render(report))
        #expect(results.count == report.findings.count)
        for (result, finding) in zip(results, report.findings.sorted()) {
            #expect(result["ruleId"] as? String == finding.check.rawValue)
            #expect(result["ruleIndex"] as? Int == Check.allCases.firstIndex(of: finding.check))
            #expect(result["level"] as? String == SARIFReport.level(finding.severity))
            let text = try #require((result["message"] as? [String: Any])?["text"] as? String)
            #expect(text.hasPrefix("\(finding.environment) (aws://\(finding.account)/\(finding.region)): "))
            let physical = try #require(((result["locations"] as? [[String: Any]])?.first)?["physicalLocation"] as? [String: Any])
            #expect((physical["artifactLocation"] as? [String: Any])?["uri"] as? String == "policies/org.yaml")
            #expect((physical["region"] as? [String: Any])?["startLine"] as? Int == SARIFFixtures.lines[finding.environment])
        }
        let topology = try SARIFFixtures.topology()
        for (name, line) in SARIFFixtures.lines {
            #expect(topology.environment(named: name)?.line == line, "\(name)")
        }
        let staging = try #require(results.first { $0["ruleId"] as? String == "pipeline-trust-missing" })
        let text = try #require((staging["message"] as? [String: Any])?["text"] as? String)
        #expect(text.contains("- stackParameter.TrustedAccounts: 444444444444"))
        #expect(text.contains("Repair (review first): cdk bootstrap aws://333333333333/us-east-1 --profile staging --trust 111111111111 --trust 444444444444"))
    }

    @Test("an environment the topology does not name is placed at line 1")
    func unknownEnvironment() throws {
        var report = ReportFixtures.mixed
        report.findings = report.findings.map { finding in
            var renamed = finding
            renamed.environment = "elsewhere"
            return renamed
        }
        for result in try results(try render(report)) {
            let physical = ((result["locations"] as? [[String: Any]])?.first)?["physicalLocation"] as? [String: Any]
            #expect((physical?["region"] as? [String: Any])?["startLine"] as? Int == 1)
        }
    }

    @Test(
        "the topology path becomes a relative URI reference",
        arguments: [
            ("policies/org.yaml", "policies/org.yaml"), ("./policies/org.yaml", "policies/org.yaml"),
            ("infra/my policies/org#1.yaml", "infra/my%20policies/org%231.yaml"), ("política.yaml", "pol%C3%ADtica.yaml"),
        ])
    func artifactURI(_ file: String, _ expected: String) {
        #expect(SARIFReport.artifactURI(file) == expected)
    }

    @Test("fingerprints stay the same across runs, and tell findings apart")
    func fingerprints() throws {
        let report = ReportFixtures.mixed
        let prints = report.findings.map(SARIFReport.fingerprint)
        #expect(Set(prints).count == prints.count)
        #expect(prints.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })

        // Tomorrow's run: other time, other wording, other request id in the evidence.
        var tomorrow = report
        tomorrow.generatedAt = ReportFixtures.timestamp("2026-11-22T02:00:00Z")
        tomorrow.findings = report.findings.map { finding in
            var changed = finding
            changed.message += " (reworded)"
            if changed.evidence["error"] != nil { changed.evidence["error"] = "AccessDenied (request 00000000-0000-0000-0000-000000000000)" }
            return changed
        }
        #expect(tomorrow.findings.map(SARIFReport.fingerprint) == prints)
        func fingerprintsIn(_ sarif: String) throws -> [String] {
            try results(sarif).map { (($0["partialFingerprints"] as? [String: String])?["trustlineFinding/v1"]) ?? "" }
        }
        #expect(try fingerprintsIn(try render(tomorrow)) == fingerprintsIn(try render(report)))

        // Two unknown accounts trusted in one environment, two pipelines locked out: separate alerts.
        let qa = try #require(report.findings.first { $0.check == .unexpectedTrust })
        var other = qa
        other.evidence["account"] = "123123123123"
        #expect(SARIFReport.fingerprint(qa) != SARIFReport.fingerprint(other))
        let locked = try #require(report.findings.first { $0.check == .pipelineTrustMissing })
        #expect(SARIFReport.subject(of: locked) == "111111111111")
        var second = locked
        second.message = second.message.replacingOccurrences(of: "111111111111 (tools)", with: "444444444444 (tools2)")
        #expect(SARIFReport.fingerprint(locked) != SARIFReport.fingerprint(second))
    }

    @Test("FNV-1a 128 matches the reference vectors")
    func fnv() {
        #expect(FNV1a128.hex([]) == "6c62272e07bb014262b821756295c58d")
        #expect(FNV1a128.hex(Array("a".utf8)) == "d228cb696f1a8caf78912b704e4a8964")
        #expect(FNV1a128.hex(Array("foobar".utf8)) == "343e1662793c64bf6f0d3597ba446f18")
    }

    @Test("hostile values: valid JSON that round-trips, no raw control character in messages")
    func hostile() throws {
        let report = ReportFixtures.hostile()
        let sarif = try render(report)
        let results = try results(sarif)
        #expect(results.count == 2)
        let text = try #require((results.first?["message"] as? [String: Any])?["text"] as? String)
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0 == "\u{202E}" })
        let evidence = try #require((results.first?["properties"] as? [String: Any])?["evidence"] as? [String: String])
        #expect(evidence == report.findings.sorted().first?.evidence)
        #expect(SARIFJSON.quote("a\"\\\n\u{1}\u{2028}é") == #""a\"\\\n\u0001\u2028é""#)
    }

    @Test("the same report renders to the same bytes")
    func deterministic() throws {
        #expect(try render() == render())
    }
}
