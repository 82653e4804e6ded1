// SafeText — neutralises control characters in values that came from AWS or a file before any
// renderer puts them in front of a person: no terminal escape sequence, no newline that ends a
// comment or a table row, no bidirectional override that makes text read differently than it runs.
import Foundation

/// Makes untrusted text safe to show on one line (or, for code blocks, on several).
public enum SafeText {
    /// Shown in place of a line break folded into one line.
    public static let lineBreakMark = "␤"

    /// The value on one line: line breaks become `␤`, a tab a space, and every other control or
    /// invisible formatting character a visible `\u{…}`-style escape (`\u{1B}` for ESC).
    public static func singleLine(_ value: String) -> String {
        render(value, keepLineBreaks: false)
    }

    /// The value with its line breaks kept as `\n` (`\r\n` and `\r` included) and every other
    /// control character escaped as in ``singleLine(_:)``. For fenced code blocks.
    public static func multiline(_ value: String) -> String {
        render(value, keepLineBreaks: true)
    }

    /// Whether a scalar must not reach an output verbatim.
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true  // C0, DEL, C1 (CSI 0x9B, NEL 0x85…)
        case 0x2028, 0x2029: return true  // line and paragraph separators
        case 0x200B, 0x200E, 0x200F, 0x2060...0x2064, 0xFEFF: return true  // zero-width space, LRM/RLM, BOM (ZWJ stays: emoji)
        case 0x202A...0x202E, 0x2066...0x2069: return true  // bidirectional embeddings, overrides, isolates
        default: return false
        }
    }

    private static func render(_ value: String, keepLineBreaks: Bool) -> String {
        // Printable ASCII needs nothing (the common case: ids, ARNs, messages).
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return value }
        return renderScalars(value, keepLineBreaks: keepLineBreaks)
    }

    /// The scalar-by-scalar rendering (what the ASCII shortcut must agree with).
    static func renderScalars(_ value: String, keepLineBreaks: Bool) -> String {
        var out = String.UnicodeScalarView()
        var scalars = value.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            switch scalar {
            case "\r", "\n", "\u{2028}", "\u{2029}", "\u{85}":
                if scalar == "\r" && pending == "\n" { pending = scalars.next() }  // CRLF is one break
                if keepLineBreaks {
                    out.append("\n")
                } else {
                    out.append(contentsOf: lineBreakMark.unicodeScalars)
                }
            case "\t":
                out.append(" ")
            default:
                if isUnsafe(scalar) {
                    out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
                } else {
                    out.append(scalar)
                }
            }
        }
        return String(out)
    }
}
