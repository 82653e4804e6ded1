// MarkdownText — how untrusted values enter a Markdown document: as escaped inline text, as code
// spans, or as fenced blocks whose fence no value can close. Nothing from AWS or a file can start
// a heading, a list, a link, a table cell, raw HTML or a code block of its own.
import Foundation

/// Escaping for GitHub-flavoured Markdown.
enum MarkdownText {
    /// Characters that are backslash-escaped wherever they appear (`$` starts GitHub math, `@` a mention).
    private static let escaped: Set<Character> = ["\\", "`", "*", "_", "[", "]", "|", "~", "#", "$", "@"]

    /// A value as inline text, on one line: Markdown punctuation backslash-escaped, `<`, `>` and `&`
    /// as entities (no raw HTML), control characters made visible, and a leading `-`, `+`, `=` or
    /// `1.` escaped so that the value cannot start a list or a heading underline.
    static func text(_ value: String) -> String {
        isPlain(value) ? value : escapedText(value)
    }

    /// The character-by-character escaping (what the plain-text shortcut must agree with).
    static func escapedText(_ value: String) -> String {
        let characters = Array(SafeText.singleLine(value))
        var out = ""
        out.reserveCapacity(characters.count)
        var leadingDigits = true
        for (index, character) in characters.enumerated() {
            let atStart = index == 0
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case _ where escaped.contains(character):
                out += "\\" + String(character)
            case "-" where atStart, "+" where atStart, "=" where atStart:
                out += "\\" + String(character)
            case "." where leadingDigits && !atStart, ")" where leadingDigits && !atStart:
                // `1.` or `1)` followed by a space or the end would start an ordered list.
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                out += (next == " " ? "\\" : "") + String(character)
            default:
                out.append(character)
            }
            leadingDigits = leadingDigits && character.isASCII && character.isNumber
        }
        return out
    }

    /// Text that needs no escape: it starts with an ASCII letter (so no list, heading or numbered
    /// item can start) and holds only letters, digits, spaces and `:/,-.()'"`, none of them
    /// Markdown or HTML syntax after a letter.
    private static func isPlain(_ value: String) -> Bool {
        guard let first = value.utf8.first, isLetter(first) else { return false }
        return value.utf8.allSatisfy { byte in
            isLetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || plainPunctuation.contains(byte)
        }
    }

    private static let plainPunctuation: Set<UInt8> = Set(" :/,-.()'\"".utf8)

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    /// A value as a code span, on one line, whose backtick fence is longer than any run inside it.
    static func code(_ value: String) -> String {
        let line = SafeText.singleLine(value)
        let fence = String(repeating: "`", count: longestBacktickRun(line) + 1)
        let pad = line.hasPrefix("`") || line.hasSuffix("`") || line.hasPrefix(" ") || line.hasSuffix(" ") || line.isEmpty ? " " : ""
        return fence + pad + line + pad + fence
    }

    /// A fenced code block, each line indented by `indent`, with a fence no line of the content can
    /// close (longer than any backtick run in it). Control characters other than line breaks are made visible.
    static func fencedBlock(_ content: String, info: String = "", indent: String = "") -> String {
        let body = SafeText.multiline(content)
        let fence = String(repeating: "`", count: max(3, longestBacktickRun(body) + 1))
        var lines = [indent + fence + info]
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append(line.isEmpty ? "" : indent + line)
        }
        lines.append(indent + fence)
        return lines.joined(separator: "\n")
    }

    /// A table cell: inline text (which already escapes `|` and folds line breaks).
    static func cell(_ value: String) -> String {
        text(value)
    }

    static func longestBacktickRun(_ value: String) -> Int {
        var longest = 0, current = 0
        for character in value {
            if character == "`" {
                current += 1
                longest = max(longest, current)
            } else {
                current = 0
            }
        }
        return longest
    }
}
