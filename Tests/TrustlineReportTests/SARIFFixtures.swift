// SARIFFixtures — the topology of ReportFixtures.mixed, parsed from YAML whose line numbers the
// SARIF tests know, and the python3 helpers that parse XML and validate SARIF against the schema.
import Foundation
import Testing
import TrustlineCore

enum SARIFFixtures {
    /// The mixed organisation's topology; each environment's entry starts at the line in `lines`.
    static let yaml = """
        version: 1
        defaults:
          regions: [us-east-1]
          executionPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
        pipelines:
          - name: tools
            account: "111111111111"
          - name: tools2
            account: "444444444444"
        environments:
          - name: dev
            account: "222222222222"
            profile: dev
            trust: [tools]
            trustForLookup: [tools]
          - name: legacy
            account: "999999999990"
            access: {roleName: TrustlineAudit}
            trust: [tools]
          - name: prod
            account: "555555555555"
            regions: [us-east-1, eu-west-1]
            access: {roleName: TrustlineAudit}
            trust: [tools]
            trustForLookup: [tools]
            executionPolicies: [arn:aws:iam::555555555555:policy/CdkDeployPolicy]
          - name: qa
            account: "666666666666"
            profile: qa
            trust: [tools]
            trustForLookup: [tools]
            executionPolicies: [arn:aws:iam::666666666666:policy/CdkDeployPolicy]
          - name: sandbox
            account: "777777777777"
            profile: sandbox
            trust: [tools]
            trustForLookup: [tools]
          - name: shared
            account: "888888888888"
            profile: shared
            trust: [tools]
            trustForLookup: [tools]
          - name: staging
            account: "333333333333"
            profile: staging
            trust: [tools, tools2]
            trustForLookup: [tools]
        rules:
          minBootstrapVersion: 21
          allowAdministratorAccess: [dev, qa, sandbox, shared, staging]

        """

    /// The line of each environment's `- name:` entry in `yaml`.
    static let lines = ["dev": 11, "legacy": 16, "prod": 20, "qa": 27, "sandbox": 33, "shared": 38, "staging": 43]

    static func topology(file: String = "policies/org.yaml") throws -> Topology {
        try TopologyParser.parse(yaml, file: file)
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let schemaURL = repository.appendingPathComponent("schemas/sarif-2.1.0.json")

    /// Validates a SARIF log against the vendored schema, with the validator of the draft the schema
    /// declares (draft-04) and again with draft-07's; prints one line per error, exits 1 on any.
    static let validator = """
        import json, sys
        import jsonschema
        schema = json.load(open(sys.argv[1]))
        with open(sys.argv[2]) as f:
            instance = json.load(f)
        errors = set()
        for cls in (jsonschema.validators.validator_for(schema), jsonschema.Draft7Validator):
            cls.check_schema(schema)
            for e in cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(instance):
                errors.add("/".join(map(str, e.absolute_path)) + ": " + e.message)
        for line in sorted(errors):
            print(line)
        sys.exit(1 if errors else 0)
        """

    /// The schema errors of a SARIF log (empty when it is valid).
    static func schemaErrors(_ sarif: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        let directory = try Subprocess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let instance = directory.appendingPathComponent("trustline.sarif")
        try Data(sarif.utf8).write(to: instance)
        let result = try Subprocess.run("/usr/bin/env", ["python3", "-c", validator, schemaURL.path, instance.path])
        if result.status != 0 && result.output.isEmpty {
            Issue.record("python3 with jsonschema did not run (scripts/setup installs it): \(result.stderr)", sourceLocation: sourceLocation)
            return ["validator failed"]
        }
        return result.output.split(separator: "\n").map(String.init)
    }

    /// Parses a JUnit document with python's XML parser and counts what it holds: per suite and in
    /// total, the declared `tests/failures/errors/skipped` attributes next to the elements counted.
    static let junitCounter = """
        import json, sys
        import xml.etree.ElementTree as E
        root = E.parse(sys.argv[1]).getroot()
        assert root.tag == "testsuites", root.tag
        def counted(cases):
            return {
                "tests": len(cases),
                "failures": sum(1 for c in cases if c.find("failure") is not None),
                "errors": sum(1 for c in cases if c.find("error") is not None),
                "skipped": sum(1 for c in cases if c.find("skipped") is not None),
            }
        def declared(element):
            return {k: int(element.get(k)) for k in ("tests", "failures", "errors", "skipped")}
        suites = []
        for suite in root.findall("testsuite"):
            cases = suite.findall("testcase")
            suites.append({
                "name": suite.get("name"),
                "declared": declared(suite),
                "counted": counted(cases),
                "cases": [c.get("name") for c in cases],
                "classnames": sorted({c.get("classname") for c in cases}),
                "texts": [(c.find("failure") if c.find("failure") is not None else c.find("error")).text or ""
                          for c in cases if c.find("failure") is not None or c.find("error") is not None],
            })
        all_cases = root.findall("testsuite/testcase")
        print(json.dumps({"declared": declared(root), "counted": counted(all_cases), "suites": suites}))
        """

    struct JUnitCounts: Decodable, Equatable {
        var tests: Int
        var failures: Int
        var errors: Int
        var skipped: Int
    }

    struct JUnitSuite: Decodable {
        var name: String
        var declared: JUnitCounts
        var counted: JUnitCounts
        var cases: [String]
        var classnames: [String]
        var texts: [String]
    }

    struct JUnitParse: Decodable {
        var declared: JUnitCounts
        var counted: JUnitCounts
        var suites: [JUnitSuite]
    }

    /// What python's XML parser reads in a JUnit document; nil (with the parser's complaint
    /// recorded) when it does not parse.
    static func parseJUnit(_ xml: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> JUnitParse? {
        let directory = try Subprocess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("junit.xml")
        try Data(xml.utf8).write(to: file)
        let result = try Subprocess.run("/usr/bin/env", ["python3", "-c", junitCounter, file.path])
        guard result.status == 0 else {
            Issue.record("the JUnit XML does not parse: \(result.stderr)", sourceLocation: sourceLocation)
            return nil
        }
        return try JSONDecoder().decode(JUnitParse.self, from: result.stdout)
    }
}
