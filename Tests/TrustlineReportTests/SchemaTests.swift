// SchemaTests — schemas/trustline-report.schema.json describes what ReportJSON writes: sample
// reports validate (python3 + jsonschema, Draft 2020-12), broken ones are rejected, and the
// schema's enums are the model's.
import Foundation
import Testing
import TrustlineCore

@testable import TrustlineReport

@Suite("Report JSON Schema")
struct SchemaTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let schemaURL = repository.appendingPathComponent("schemas/trustline-report.schema.json")

    /// Validates each instance file against the schema; prints one line per error and exits 1 on any.
    static let validator = """
        import json, sys
        import jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        with open(sys.argv[2]) as f:
            instance = json.load(f)
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
        for e in errors:
            print("/".join(map(str, e.absolute_path)) + ": " + e.message)
        sys.exit(1 if errors else 0)
        """

    /// The errors jsonschema finds in `data` (empty when it is valid).
    static func validate(_ data: Data) throws -> [String] {
        let directory = try Subprocess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let instance = directory.appendingPathComponent("report.json")
        try data.write(to: instance)
        let result = try Subprocess.run("/usr/bin/env", ["python3", "-c", validator, schemaURL.path, instance.path])
        if result.status != 0 && result.output.isEmpty {
            Issue.record("python3 with jsonschema did not run (scripts/setup installs it): \(result.stderr)")
            return ["validator failed"]
        }
        return result.output.split(separator: "\n").map(String.init)
    }

    @Test("encoded reports validate", arguments: ["mixed", "healthy"])
    func validReports(_ name: String) throws {
        let errors = try Self.validate(ReportJSON.encode(GoldenTests.report(name)))
        #expect(errors.isEmpty, "\(errors.joined(separator: "\n"))")
    }

    @Test("a report with every optional field absent validates")
    func minimal() throws {
        var report = ReportFixtures.healthy
        report.environments = [
            EnvironmentResult(
                name: "dev", account: "222222222222", region: "us-east-1", status: .unreachable, qualifier: "hnb659fds", reachedAccount: nil,
                error: nil,
                stack: StackSummary(
                    name: "CDKToolkit", status: "CREATE_FAILED", bootstrapVersion: nil, lastUpdatedTime: nil, creationTime: nil, parameters: [:]),
                roles: [], executionPolicies: [])
        ]
        let errors = try Self.validate(ReportJSON.encode(report))
        #expect(errors.isEmpty, "\(errors.joined(separator: "\n"))")
    }

    struct Breakage: Sendable, CustomTestStringConvertible {
        let name: String
        let expected: String
        let apply: @Sendable (inout [String: Any]) -> Void
        var testDescription: String { name }
    }

    static let breakages: [Breakage] = [
        Breakage(name: "unknown check id", expected: "findings/0/check") { report in
            report.edit("findings", 0) { $0["check"] = "trust-vibes" }
        },
        Breakage(name: "severity that is not the check's", expected: "findings/0/severity") { report in
            report.edit("findings", 0) { $0["severity"] = "low" }
        },
        Breakage(name: "missing summary", expected: "'summary' is a required property") { report in
            report["summary"] = nil
        },
        Breakage(name: "extra top-level field", expected: "Additional properties are not allowed") { report in
            report["verdict"] = "fine"
        },
        Breakage(name: "schemaVersion 2", expected: "schemaVersion") { report in
            report["schemaVersion"] = 2
        },
        Breakage(name: "date with fractions of a second", expected: "generatedAt") { report in
            report["generatedAt"] = "2026-11-21T10:00:00.123Z"
        },
        Breakage(name: "account that is not 12 digits", expected: "environments/0/account") { report in
            report.edit("environments", 0) { $0["account"] = "2222" }
        },
        Breakage(name: "unknown environment status", expected: "environments/0/status") { report in
            report.edit("environments", 0) { $0["status"] = "sleeping" }
        },
        Breakage(name: "unknown role kind", expected: "kind") { report in
            report.edit("environments", 0) { environment in
                var roles = environment["roles"] as? [[String: Any]] ?? []
                roles[0]["kind"] = "admin"
                environment["roles"] = roles
            }
        },
        Breakage(name: "null instead of an absent optional", expected: "environments/0/error") { report in
            report.edit("environments", 0) { $0["error"] = NSNull() }
        },
        Breakage(name: "a severity missing from counts", expected: "'low' is a required property") { report in
            var summary = report["summary"] as? [String: Any] ?? [:]
            var counts = summary["counts"] as? [String: Any] ?? [:]
            counts["low"] = nil
            summary["counts"] = counts
            report["summary"] = summary
        },
        Breakage(name: "exit code 2 in a report", expected: "summary/exitCode") { report in
            var summary = report["summary"] as? [String: Any] ?? [:]
            summary["exitCode"] = 2
            report["summary"] = summary
        },
        Breakage(name: "empty argv", expected: "remediation/0/argv") { report in
            report.edit("remediation", 0) { $0["argv"] = [String]() }
        },
    ]

    @Test("broken reports are rejected", arguments: breakages)
    func rejected(_ breakage: Breakage) throws {
        var object = try #require(try JSONSerialization.jsonObject(with: ReportJSON.encode(ReportFixtures.mixed)) as? [String: Any])
        breakage.apply(&object)
        let errors = try Self.validate(JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        #expect(!errors.isEmpty)
        #expect(errors.contains { $0.contains(breakage.expected) }, "\(errors.joined(separator: "\n"))")
    }

    @Test("the schema's enums and header match the model")
    func enumsMatchModel() throws {
        let data = try Data(contentsOf: Self.schemaURL)
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let defs = try #require(schema["$defs"] as? [String: Any])
        func values(_ name: String) -> [String] {
            ((defs[name] as? [String: Any])?["enum"] as? [String]) ?? []
        }
        #expect(values("check") == Check.allCases.map(\.rawValue))
        #expect(values("severity") == Severity.allCases.map(\.rawValue))
        #expect(values("roleKind") == RoleKind.allCases.map(\.rawValue))
        let statuses: [EnvironmentResult.Status] = [.ok, .findings, .notBootstrapped, .unreachable]
        #expect(values("environmentStatus") == statuses.map(\.rawValue))
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect((schema["$comment"] as? String)?.contains("schemaVersion 1") == true)
        #expect(((schema["properties"] as? [String: Any])?["schemaVersion"] as? [String: Any])?["const"] as? Int == ReportJSON.schemaVersion)

        // The severity each finding must carry is the check's.
        let finding = try #require(defs["finding"] as? [String: Any])
        let rules = try #require(finding["allOf"] as? [[String: Any]])
        var severityOf: [String: String] = [:]
        for rule in rules {
            let checks = ((((rule["if"] as? [String: Any])?["properties"] as? [String: Any])?["check"] as? [String: Any])?["enum"] as? [String]) ?? []
            let severity = (((rule["then"] as? [String: Any])?["properties"] as? [String: Any])?["severity"] as? [String: Any])?["const"] as? String
            for check in checks { severityOf[check] = severity }
        }
        #expect(severityOf == Dictionary(uniqueKeysWithValues: Check.allCases.map { ($0.rawValue, $0.severity.rawValue) }))
    }
}

extension Dictionary where Key == String, Value == Any {
    /// Edits the `index`th object of the array under `key`.
    mutating func edit(_ key: String, _ index: Int, _ change: (inout [String: Any]) -> Void) {
        var array = self[key] as? [[String: Any]] ?? []
        guard index < array.count else { return }
        change(&array[index])
        self[key] = array
    }
}
