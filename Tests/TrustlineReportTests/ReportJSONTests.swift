// ReportJSONTests — the JSON encoding is deterministic and round-trips; decoding says clearly
// why a file is not a report trustline can read.
import Foundation
import Testing
import TrustlineCore

@testable import TrustlineReport

@Suite("Report JSON")
struct ReportJSONTests {
    @Test("encode → decode gives the same report", arguments: ["mixed", "healthy"])
    func roundTrip(_ name: String) throws {
        let report = GoldenTests.report(name)
        let decoded = try ReportJSON.decode(ReportJSON.encode(report))
        #expect(decoded == report)
        #expect(try ReportJSON.encode(decoded) == ReportJSON.encode(report))
    }

    /// `encode` writes the arrays one element at a time (to keep memory down): byte for byte
    /// what one JSONEncoder pass over the whole report writes, whatever is empty or present.
    @Test("element-wise encoding equals the whole-value encoding")
    func elementWise() throws {
        var reports = [
            GoldenTests.report("mixed"), GoldenTests.report("healthy"), ReportFixtures.hostile(), ReportFixtures.hostile(payload: "]\n  ]\n\"x\" : ["),
            try ShardedOrg.unsharded(), try ShardedOrg.shard(2, of: 4),
        ]
        var sparse = GoldenTests.report("mixed")
        sparse.findings = []
        reports.append(sparse)
        sparse.environments = []
        reports.append(sparse)
        sparse.remediation = []
        reports.append(sparse)
        for report in reports {
            let streamed = try ReportJSON.encode(report)
            #expect(streamed == (try ReportJSON.encodeWhole(report)))
            #expect(try ReportJSON.decode(streamed) == report)
        }
    }

    @Test("sorted keys, whole-second UTC dates, unescaped slashes, trailing newline")
    func format() throws {
        var report = ReportFixtures.healthy
        report.generatedAt = Date(timeIntervalSince1970: 1_795_255_200.987)  // 2026-11-21T10:00:00.987Z
        let text = String(decoding: try ReportJSON.encode(report), as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"environments\" : ["))
        #expect(text.hasSuffix("}\n"))
        #expect(text.contains(#""generatedAt" : "2026-11-21T10:00:00Z""#))
        #expect(text.contains("arn:aws:iam::aws:policy/AdministratorAccess"))
        #expect(!text.contains(#"\/"#))
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(keys == ["environments", "findings", "generatedAt", "remediation", "schemaVersion", "summary", "tool", "topology"])
        #expect(try ReportJSON.encode(report) == ReportJSON.encode(report))
    }

    @Test("timestamps: whole seconds, UTC, before 1970 and after 2038")
    func timestamps() {
        #expect(ReportTimestamp.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(ReportTimestamp.string(from: Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59Z")
        #expect(ReportTimestamp.string(from: Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
        #expect(ReportTimestamp.string(from: Date(timeIntervalSince1970: 4_102_444_799)) == "2099-12-31T23:59:59Z")
        #expect(ReportTimestamp.date(from: "2026-11-21T10:00:00Z") == Date(timeIntervalSince1970: 1_795_255_200))
        #expect(ReportTimestamp.date(from: "2026-11-21T11:00:00+01:00") == Date(timeIntervalSince1970: 1_795_255_200))
        #expect(ReportTimestamp.date(from: "2026-11-21T10:00:00.250Z") == Date(timeIntervalSince1970: 1_795_255_200.25))
        #expect(ReportTimestamp.date(from: "yesterday") == nil)
    }

    struct BadInput: Sendable, CustomTestStringConvertible {
        let name: String
        let json: String
        let code: ReportDecodingError.Code
        let mentions: String
        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = [
        BadInput(name: "not JSON", json: "# trustline report\n", code: .notJSON, mentions: "not JSON"),
        BadInput(name: "an array", json: "[1, 2]", code: .notAReport, mentions: "not an object"),
        BadInput(name: "no schemaVersion", json: #"{"findings": []}"#, code: .notAReport, mentions: "no schemaVersion"),
        BadInput(
            name: "schemaVersion 2", json: #"{"schemaVersion": 2}"#, code: .unsupportedVersion,
            mentions: "schemaVersion is 2; this trustline reads schemaVersion 1"),
        BadInput(name: "schemaVersion as a string", json: #"{"schemaVersion": "1"}"#, code: .unsupportedVersion, mentions: #"the string "1""#),
        BadInput(name: "schemaVersion true", json: #"{"schemaVersion": true}"#, code: .unsupportedVersion, mentions: "not a number"),
        BadInput(name: "a report missing its summary", json: #"{"schemaVersion": 1}"#, code: .invalidContent, mentions: "is missing"),
    ]

    @Test("decode errors say why", arguments: badInputs)
    func decodeErrors(_ input: BadInput) throws {
        let error = try #require(throws: ReportDecodingError.self) { try ReportJSON.decode(Data(input.json.utf8)) }
        #expect(error.code == input.code)
        let text = error.errorDescription ?? ""
        #expect(text.hasPrefix("not a trustline report: "))
        #expect(text.contains(input.mentions), "\(text)")
    }

    @Test("a wrong value is located by its path, and the file is named")
    func wrongValue() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: ReportJSON.encode(ReportFixtures.mixed)) as? [String: Any])
        var environments = try #require(object["environments"] as? [[String: Any]])
        environments[2]["status"] = "sleeping"
        object["environments"] = environments
        let data = try JSONSerialization.data(withJSONObject: object)
        let error = try #require(throws: ReportDecodingError.self) { try ReportJSON.decode(data, source: "reports/old.json") }
        #expect(error.code == .invalidContent)
        let text = error.errorDescription ?? ""
        #expect(text.hasPrefix("reports/old.json: not a trustline report: environments[2].status"), "\(text)")
    }

    @Test("a bad date is reported as such")
    func badDate() throws {
        let text = String(decoding: try ReportJSON.encode(ReportFixtures.healthy), as: UTF8.self)
            .replacingOccurrences(of: "\"2026-11-21T10:00:00Z\"", with: "\"21/11/2026\"")
        let error = try #require(throws: ReportDecodingError.self) { try ReportJSON.decode(Data(text.utf8)) }
        #expect(error.errorDescription?.contains("generatedAt: '21/11/2026' is not an ISO 8601 date-time") == true, "\(error)")
    }
}
