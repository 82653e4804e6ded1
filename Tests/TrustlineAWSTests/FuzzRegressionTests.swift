// FuzzRegressionTests — the `xml` fuzz target's inputs, replayed: every file of Fuzz/corpus/xml
// (seeds and the minimized crashes of past runs, see docs/fuzzing.md) is parsed or refused
// with an XMLParseError, and decodes to an AWSServiceError, without crashing.
import Foundation
import Testing

@testable import TrustlineAWS

@Suite("Fuzz regressions: XML")
struct FuzzRegressionTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus/xml")

    static func inputs() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: corpus, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// What FuzzXML does with one input: parse, then decode as an error body.
    static func exercise(_ body: Data) {
        do {
            _ = try XMLDocumentParser.parse(body)
        } catch {
            #expect(error is XMLParseError, "untyped error \(error)")
        }
        let error = AWSServiceError.decode(service: "iam", action: "GetRole", status: 400, headers: [:], body: body)
        #expect(!error.code.isEmpty)
        _ = error.errorDescription
    }

    @Test func corpusIsThere() throws {
        #expect(try Self.inputs().count >= 5)
    }

    @Test func corpusReplays() throws {
        for url in try Self.inputs() {
            Self.exercise(try Data(contentsOf: url))
        }
    }
}
