// HostileValueTests — values from AWS or a topology file (newlines, Markdown, HTML, backticks,
// terminal escapes, bidi overrides) come out inert in the Markdown, the script and the terminal.
import Foundation
import Testing
import TrustlineCore

@testable import TrustlineReport

@Suite("Hostile values")
struct HostileValueTests {
    static let report = ReportFixtures.hostile()

    /// The lines of a Markdown document outside fenced code blocks.
    static func linesOutsideCode(_ markdown: String) -> [String] {
        var outside: [String] = []
        var fence: String?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.drop { $0 == " " }
            let run = String(trimmed.prefix { $0 == "`" })
            if let open = fence {
                if run.count >= open.count && trimmed.allSatisfy({ $0 == "`" }) { fence = nil }
                continue
            }
            if run.count >= 3 {
                fence = run
                continue
            }
            outside.append(line)
        }
        #expect(fence == nil, "a code fence is left open")
        return outside
    }

    /// A line with its code spans removed (escaped backticks are not delimiters).
    static func withoutCodeSpans(_ line: String) -> String {
        line.replacingOccurrences(of: "\\`", with: "")
            .replacingOccurrences(of: #"(`+)[^`].*?\1"#, with: "", options: .regularExpression)
    }

    @Test("Markdown: no HTML, no injected line, table rows intact, fences closed")
    func markdown() {
        let markdown = MarkdownReport.render(Self.report)
        #expect(!markdown.unicodeScalars.contains { SafeText.isUnsafe($0) && $0 != "\n" })
        let outside = Self.linesOutsideCode(markdown)
        for line in outside {
            #expect(!line.hasPrefix("rm -rf"), "injected line: \(line)")
            #expect(!line.hasPrefix("# Injected"), "injected heading: \(line)")
            // HTML and links only inside code spans, where Markdown shows them as text.
            let text = Self.withoutCodeSpans(line)
            #expect(!text.contains("<script") && !text.contains("<img"), "HTML: \(line)")
            #expect(!text.contains("[x](javascript:"), "link: \(line)")
        }
        // Every table row has as many unescaped cell separators as the header.
        let rows = outside.filter { $0.hasPrefix("| ") || $0.hasPrefix("|:") || $0.hasPrefix("| -") }
        let separators = rows.map { row in
            var count = 0, escaped = false
            for character in row {
                if character == "|" && !escaped { count += 1 }
                escaped = character == "\\" && !escaped
            }
            return count
        }
        #expect(rows.count == 4)
        #expect(Set(separators).count == 1, "\(rows)")
        // The backticks of the environment name are escaped, not a code span.
        #expect(markdown.contains(##"dev\`rm -rf /\`␤\# Injected heading"##))
        // The script's line comes from argv, never from the `command` string.
        #expect(!markdown.contains("a command string that lies"))
        #expect(markdown.contains(#"--profile 'dev'\''; rm -rf /; echo '\'''"#))
        // The commented untrust suggestion stays one comment line.
        #expect(markdown.contains("# cdk bootstrap --untrust 999999999999␤rm -rf /"))
    }

    @Test("Markdown escaping of single values")
    func markdownText() {
        #expect(MarkdownText.text("a|b<c>&d") == #"a\|b&lt;c&gt;&amp;d"#)
        #expect(MarkdownText.text("- item") == #"\- item"#)
        #expect(MarkdownText.text("1. first") == #"1\. first"#)
        #expect(MarkdownText.text("12) x") == #"12\) x"#)
        #expect(MarkdownText.text("0.1.0") == "0.1.0")
        #expect(MarkdownText.text("x\ny") == "x␤y")
        #expect(MarkdownText.text("[a](b) *c* _d_ `e` $f$ @g ~h~ #i") == ##"\[a\](b) \*c\* \_d\_ \`e\` \$f\$ \@g \~h\~ \#i"##)
        #expect(MarkdownText.code("plain") == "`plain`")
        #expect(MarkdownText.code("a`b") == "``a`b``")
        #expect(MarkdownText.code("`x`") == "`` `x` ``")
        #expect(MarkdownText.fencedBlock("a\n```\nb", info: "json") == "````json\na\n```\nb\n````")
        #expect(MarkdownText.fencedBlock("a\n\nb", indent: "  ") == "  ```\n  a\n\n  b\n  ```")
    }

    @Test("Mermaid: generated ids, entity-encoded labels")
    func mermaid() {
        let graph = MermaidTrustGraph.render(Self.report)
        #expect(!graph.contains("`"))
        #expect(!graph.contains("<script"))
        #expect(!graph.contains("\n#"))
        for line in graph.split(separator: "\n").dropFirst() {
            #expect(line.hasPrefix("  "), "\(line)")
            // Quotes only as label delimiters: an even number, none inside a label.
            #expect(line.filter { $0 == "\"" }.count % 2 == 0, "\(line)")
        }
        #expect(MermaidTrustGraph.label("a\"b[c]`d<e>") == "a#34;b#91;c#93;#96;d#60;e#62;")
        #expect(MermaidTrustGraph.idFragment("prod-eu west`1") == "prod_eu_west_1")
    }

    @Test("remediation.sh: every line is a comment, a command from argv, or the script's own")
    func script() {
        let script = RemediationScript.render(Self.report)
        #expect(!script.contains("a command string that lies"))
        #expect(!script.unicodeScalars.contains { SafeText.isUnsafe($0) && $0 != "\n" })
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for line in lines {
            let allowed =
                line.isEmpty || line.hasPrefix("#") || line == "set -eu" || line.hasPrefix("echo 'trustline: ")
                || line == ShellQuoting.line(Self.report.remediation[0].argv)
            #expect(allowed, "unexpected script line: \(line)")
        }
        #expect(script.contains("# Note: Careful.␤rm -rf /␤rm -rf /"))
        #expect(script.contains("# cdk bootstrap --untrust 999999999999␤rm -rf /"))
        #expect(script.contains("# Regenerate: trustline audit --topology 'policies/org.yaml␤rm -rf /'"))
    }

    @Test("remediation.sh runs only its cdk commands, whatever the values hold")
    func scriptRunsOnlyCommands() throws {
        let directory = try Subprocess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = ReportFixtures.hostile(payload: "touch pwned")
        let script = directory.appendingPathComponent("remediation.sh")
        try Data(RemediationScript.render(report).utf8).write(to: script)
        let calls = try RemediationShellTests.runWithStub(script: script, in: directory)
        #expect(calls == report.remediation.map(\.argv))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("pwned").path))
    }

    @Test("terminal: no control character but its own colours, one line per environment")
    func terminal() {
        for color in [false, true] {
            let text = TerminalSummary.render(Self.report, color: color, paths: .init(json: "out\n\u{1B}[2J/report.json"))
            let withoutColours = text.replacingOccurrences(of: #"\u001B\[[0-9;]*m"#, with: "", options: .regularExpression)
            #expect(!withoutColours.unicodeScalars.contains { SafeText.isUnsafe($0) && $0 != "\n" }, "\(withoutColours.debugDescription)")
            #expect(color || withoutColours == text)
            let lines = withoutColours.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(!lines.contains { $0.hasPrefix("rm -rf") || $0.hasPrefix("# Injected") })
            #expect(lines.filter { $0.hasPrefix("  ") }.count == 2)
        }
    }

    @Test("control characters are made visible")
    func safeText() {
        #expect(SafeText.singleLine("a\r\nb\nc\rd\u{2028}e") == "a␤b␤c␤d␤e")
        #expect(SafeText.singleLine("tab\there") == "tab here")
        #expect(SafeText.singleLine("\u{1B}[31mred\u{9B}2J\u{7F}") == #"\u{1B}[31mred\u{9B}2J\u{7F}"#)
        #expect(SafeText.singleLine("\u{202E}exe.txt") == #"\u{202E}exe.txt"#)
        #expect(SafeText.singleLine("prød 🚀 👨‍👩‍👧") == "prød 🚀 👨‍👩‍👧")
        #expect(SafeText.multiline("a\r\nb\u{1B}") == #"a\#nb\u{1B}"#)
    }
}
