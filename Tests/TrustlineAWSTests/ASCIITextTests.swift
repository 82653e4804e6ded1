// ASCIITextTests — the byte-level trimming and percent-decoding against Foundation's, on the
// inputs where they must agree (and the one place they differ on purpose: Unicode white space).
import Foundation
import Testing

@testable import TrustlineAWS

@Suite("ASCII text")
struct ASCIITextTests {
    @Test("percent-decoding agrees with Foundation, including its failures")
    func percentDecoding() {
        var inputs = [
            "", "plain", "%7B%22a%22%3A1%7D", "%7b%22", "a+b", "%", "%2", "%2G", "%%", "%zz", "x%41y", "%C3%A9", "%C3", "%FF%FE",
            "%E2%82%AC", "%F0%9F%98%80", "é%20ü", "%00", "100%", "%25%32%35", "%ED%A0%80",
        ]
        var seed: UInt64 = 7
        let alphabet = Array("%%%0123456789abcdefABCDEFGz+é ".unicodeScalars)
        for _ in 0..<3_000 {
            var text = ""
            for _ in 0..<(Int(seed % 9)) {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text.unicodeScalars.append(alphabet[Int(seed >> 33) % alphabet.count])
            }
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            inputs.append(text)
        }
        for input in inputs {
            #expect(input.percentDecoded == input.removingPercentEncoding, "input \(input.debugDescription)")
        }
    }

    @Test("trimming removes ASCII white space only")
    func trimming() {
        for input in ["", " ", "\t\r\n x y \n", "x", "  x", "x  ", "\u{0B}x\u{0C}", "é ", " 日本 "] {
            #expect(input.trimmingASCIIWhitespace == input.trimmingCharacters(in: .whitespacesAndNewlines), "input \(input.debugDescription)")
        }
        #expect("\u{00A0}x\u{00A0}".trimmingASCIIWhitespace == "\u{00A0}x\u{00A0}")
        #expect(" a: b ".split(separator: ":")[1].trimmingASCIIWhitespace == "b")
    }
}
