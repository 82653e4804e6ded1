// XMLDocumentParserTests — hardened parsing: shapes kept, hostile documents refused.
import Foundation
import Testing

@testable import TrustlineAWS

@Suite struct XMLDocumentParserTests {
    @Test func localNamesTextAndEntities() throws {
        let root = try XMLDocumentParser.parse(
            "<a:Root xmlns:a=\"urn:x\"><a:Item>one &amp; two &lt;3&gt; &#65;</a:Item><Item><![CDATA[<raw>]]></Item></a:Root>")
        #expect(root.name == "Root")
        #expect(root.children("Item").map(\.text) == ["one & two <3> A", "<raw>"])
    }

    @Test func firstNamedSearchesDepthFirst() throws {
        let root = try XMLDocumentParser.parse("<A><B><C>deep</C></B><C>shallow</C></A>")
        #expect(root.first(named: "C")?.text == "deep")
        #expect(root["B", "C"]?.text == "deep")
        #expect(root.string("Missing") == nil)
    }

    @Test(arguments: [
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><lolz>&lol2;</lolz>",
        "<?xml version=\"1.0\"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><foo>&xxe;</foo>",
        "<!DOCTYPE html><html><body>error</body></html>",
        "<!doctype x SYSTEM \"http://127.0.0.1:1/x.dtd\"><x/>",
        "<x><!ENTITY y \"z\"></x>",
    ])
    func declarationsAreRefused(document: String) {
        #expect(throws: XMLParseError(.doctypeNotAllowed)) { try XMLDocumentParser.parse(document) }
    }

    @Test func oversizeIsRefusedBeforeParsing() {
        let big = Data(("<a>" + String(repeating: "x", count: 2000) + "</a>").utf8)
        #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(big, maxSize: 1000) }
        #expect((try? XMLDocumentParser.parse(big, maxSize: 4000))?.text.count == 2000)
    }

    @Test(arguments: ["", "<a>", "<a></b>", "not xml", "<a>\u{0}</a>", "<html><body><h1>502 Bad Gateway</h1></body>"])
    func malformedIsAnErrorNotACrash(document: String) {
        #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(Data(document.utf8)) }
    }

    /// Found by fuzzing: libxml2 2.9 compares each attribute with every earlier one, so 40,000
    /// attributes on one element took 16 s. Refused by a linear scan before libxml2 runs.
    @Test func attributeBombIsRefusedQuickly() throws {
        let bomb = "<a " + (0..<40_000).map { "a\($0)=\"x\"" }.joined(separator: " ") + "/>"
        #expect(throws: XMLParseError(.tooManyAttributes, detail: "limit 64")) { try XMLDocumentParser.parse(bomb) }
        // Namespace declarations and a few attributes, `=` inside quoted values or comments: fine.
        let normal = #"<R xmlns="https://sts.amazonaws.com/doc/2011-06-15/" a="1=2" b='3'><!-- x=1 y=2 --><C>k=v</C></R>"#
        #expect(try XMLDocumentParser.parse(normal).child("C")?.text == "k=v")
    }

    @Test func deepNestingIsRefused() {
        let deep = String(repeating: "<a>", count: 200) + String(repeating: "</a>", count: 200)
        #expect(throws: XMLParseError(.tooDeep)) { try XMLDocumentParser.parse(deep) }
    }

    @Test func timestamps() throws {
        let base = try #require(AWSTimestamp.parse("2026-11-21T10:00:00Z")).timeIntervalSince1970
        #expect(base == 1_795_255_200)
        #expect(AWSTimestamp.parse("2026-11-21T10:00:00.5Z")?.timeIntervalSince1970 == base + 0.5)
        #expect(abs((AWSTimestamp.parse("2026-11-21T10:00:00.123456Z")?.timeIntervalSince1970 ?? 0) - (base + 0.123456)) < 1e-6)
        #expect(AWSTimestamp.parse("2026-11-21T12:00:00+02:00")?.timeIntervalSince1970 == base)
        #expect(AWSTimestamp.parse("2026-11-21T09:30:00-0030")?.timeIntervalSince1970 == base)
        #expect(AWSTimestamp.parse("2026-11-21T10:00:00")?.timeIntervalSince1970 == base)
        #expect(AWSTimestamp.parse("2024-02-29T00:00:00Z")?.timeIntervalSince1970 == 1_709_164_800)
        for bad in ["", "yesterday", "2026-13-01T00:00:00Z", "2026-11-21T10:00:00Zjunk", "2026-11-21"] {
            #expect(AWSTimestamp.parse(bad) == nil, "\(bad)")
        }
    }
}
