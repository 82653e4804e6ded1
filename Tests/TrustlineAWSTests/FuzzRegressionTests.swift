// FuzzRegressionTests — the `xml` fuzz target's inputs, replayed: every file of Fuzz/corpus/xml
// (seeds and the minimized crashes of past runs, see docs/fuzzing.md) is parsed or refused
// with an XMLParseError, and decodes to an AWSServiceError, without crashing; and the slow inputs
// found with the fuzz build, which must be refused quickly.
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

    /// `<m a0="0" a1="1" …/>`: libxml2 2.9 checks each attribute against all before it, so 40,000
    /// attributes (578 KB, well under the 16 MiB limit) took 16 s in the fuzz build; refused up front now.
    static func attributeBomb(_ count: Int, quote: String = "\"") -> String {
        "<m " + (0..<count).map { "a\($0)=\(quote)\($0)\(quote)" }.joined(separator: " ") + "/>"
    }

    @Test(.timeLimit(.minutes(1))) func attributeBombIsRefusedQuickly() {
        #expect(throws: XMLParseError(.tooManyAttributes, detail: "limit 64")) {
            try XMLDocumentParser.parse("<r>" + Self.attributeBomb(40_000) + "</r>")
        }
        // A quote in a comment, CDATA or processing instruction does not hide the tag that follows.
        for hiding in ["<!-- \" -->", "<![CDATA[ \" ]]>", "<?pi \" ?>"] {
            #expect(throws: XMLParseError.self) {
                try XMLDocumentParser.parse("<r>\(hiding)" + Self.attributeBomb(40_000, quote: "'") + "</r>")
            }
        }
        // Nor does re-encoding: documents are read as UTF-8 whatever they declare.
        var utf16 = Data([0xFF, 0xFE])
        for unit in ("<r>" + Self.attributeBomb(40_000) + "</r>").utf16 { utf16.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
        #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(utf16) }
    }

    @Test func attributesUpToTheLimitAreRead() throws {
        let root = try XMLDocumentParser.parse("<r xmlns=\"urn:x\">" + Self.attributeBomb(64) + "<n v=\"a=b>c\" w='=='>text = x</n></r>")
        #expect(root.children.map(\.name) == ["m", "n"])
        #expect(root["n"]?.text == "text = x")
        #expect(!XMLDocumentParser.hasTooManyAttributes(Data(("<r>" + String(repeating: "=", count: 500) + "</r>").utf8)))
    }
}
