// TextShortcutTests — the shortcuts of the text renderers (printable ASCII left as it is, plain
// Markdown text not escaped) give what the full scalar-by-scalar rendering gives, on generated
// strings mixing plain and hostile characters.
import Foundation
import Testing

@testable import TrustlineReport

@Suite("Text renderer shortcuts")
struct TextShortcutTests {
    static let alphabet: [String] = [
        "a", "Z", "0", "9", " ", ":", "/", ",", "-", ".", "(", ")", "'", "\"", "_", "*", "`", "<", ">", "&", "#", "$", "@", "|", "[", "]",
        "~", "\\", "+", "=", "\n", "\r", "\t", "\u{1B}", "\u{7F}", "\u{85}", "\u{2028}", "\u{202E}", "é", "日", "👩‍💻",
    ]

    static func samples() -> [String] {
        var seed: UInt64 = 99
        var out = ["", "a", "1. item", "1) item", "- item", "+x", "=x", "arn:aws:iam::222222222222:role/cdk-hnb659fds-deploy-role", "Could not read (x)."]
        for _ in 0..<5_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var text = ""
            let length = Int(seed >> 60)
            for _ in 0..<length {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                // Mostly plain characters, so that the shortcuts are taken often.
                let pick = Int(seed >> 33) % (seed >> 62 == 0 ? alphabet.count : 13)
                text += alphabet[pick]
            }
            out.append(text)
        }
        return out
    }

    @Test func safeTextShortcutAgrees() {
        for value in Self.samples() {
            #expect(SafeText.singleLine(value) == SafeText.renderScalars(value, keepLineBreaks: false), "\(value.debugDescription)")
            #expect(SafeText.multiline(value) == SafeText.renderScalars(value, keepLineBreaks: true), "\(value.debugDescription)")
        }
    }

    @Test func markdownShortcutAgrees() {
        var plain = 0
        for value in Self.samples() {
            #expect(MarkdownText.text(value) == MarkdownText.escapedText(value), "\(value.debugDescription)")
            if MarkdownText.text(value) == value { plain += 1 }
        }
        #expect(plain > 500, "the samples must exercise the shortcut")
    }

    @Test func mermaidLettersAndDigitsAreFoundationsOnASCII() {
        for value in UInt32(0)..<128 {
            let scalar = Unicode.Scalar(value)!
            #expect(MermaidTrustGraph.isASCIILetterOrDigit(scalar) == CharacterSet.alphanumerics.contains(scalar), "U+\(value)")
        }
    }
}
