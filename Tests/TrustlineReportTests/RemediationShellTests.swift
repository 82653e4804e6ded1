// RemediationShellTests — a real /bin/sh reads every rendered command line back into exactly its
// argv, for words holding quotes, spaces, $(), backticks, ;, newlines and unicode.
import Foundation
import Testing
import TrustlineCore

@testable import TrustlineReport

@Suite("remediation.sh through /bin/sh")
struct RemediationShellTests {
    static let words: [String] = [
        "plain", "with space", "it's", #"say "hi""#, "'", "''", #"\"#, #"back\slash\n"#, "$(touch pwned)", "${HOME}", "$HOME", "`touch pwned`",
        "a; touch pwned", "a && touch pwned", "a | tee pwned", "> pwned", "line\nbreak", "\n", "trailing newline\n", "tab\there", "*", "?", "[a]",
        "~", "~root", "#not a comment", "-n", "-e", "--", "!", "!!", "%s%d", "=", "a=b", "{a,b}", "prød-ü", "🚀 rocket", "日本語",
        "\u{202E}bidi", "\u{1B}[31mred", "", " ", "arn:aws:iam::123456789012:role/cdk-hnb659fds-deploy-role-123456789012-us-east-1",
    ]

    /// Runs `printf '%s\0' <line>` in /bin/sh: the words sh made of the line.
    static func parse(_ line: String) throws -> [String] {
        let result = try Subprocess.run("/bin/sh", ["-c", "printf '%s\\0' " + line])
        #expect(result.status == 0, "\(result.stderr)")
        var words = result.stdout.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if words.last == "" { words.removeLast() }
        return words
    }

    /// Sources `script` in /bin/sh with `cdk` and `aws` replaced by functions that record their
    /// argv (nothing real is ever called); returns one argv per call.
    static func runWithStub(script: URL, in directory: URL) throws -> [[String]] {
        let log = directory.appendingPathComponent("calls")
        let stub =
            #"cdk() { printf '%s\0' cdk "$@" >> "$TRUSTLINE_CALLS"; printf '\036' >> "$TRUSTLINE_CALLS"; }; aws() { printf '%s\0' aws "$@" >> "$TRUSTLINE_CALLS"; printf '\036' >> "$TRUSTLINE_CALLS"; }; . "$1""#
        let result = try Subprocess.run("/bin/sh", ["-c", stub, "sh", script.path], environment: ["TRUSTLINE_CALLS": log.path], directory: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let data = FileManager.default.contents(atPath: log.path) ?? Data()
        return data.split(separator: 0x1E).map { call in
            var words = call.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            if words.last == "" { words.removeLast() }
            return words
        }
    }

    @Test("each word alone", arguments: words)
    func word(_ word: String) throws {
        #expect(try Self.parse(ShellQuoting.line([word])) == [word])
    }

    @Test("all words in one line")
    func allWords() throws {
        #expect(try Self.parse(ShellQuoting.line(Self.words)) == Self.words)
    }

    @Test("the whole script calls cdk and aws with exactly each command's argv")
    func wholeScript() throws {
        let directory = try Subprocess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var report = ReportFixtures.mixed
        // Hostile words in every command, and a `command` string that disagrees with argv.
        for index in report.remediation.indices {
            report.remediation[index].argv += [
                "--profile", Self.words[(index * 7) % Self.words.count], "--trust", Self.words[(index * 7 + 3) % Self.words.count],
            ]
            report.remediation[index].command = "touch pwned"
        }
        report.remediation[0].argv += Self.words
        let script = directory.appendingPathComponent("remediation.sh")
        try Data(RemediationScript.render(report).utf8).write(to: script)
        let calls = try Self.runWithStub(script: script, in: directory)
        #expect(calls == report.remediation.flatMap { [$0.argv] + $0.followUp.map(\.argv) })
        #expect(calls.contains { $0.first == "aws" })
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("pwned").path))
    }

    @Test("the script passes sh -n, and with nothing to repair only says so and exits 0")
    func nothingToRepair() throws {
        let directory = try Subprocess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for report in [ReportFixtures.mixed, ReportFixtures.healthy] {
            let script = directory.appendingPathComponent("remediation.sh")
            try Data(RemediationScript.render(report).utf8).write(to: script)
            let check = try Subprocess.run("/bin/sh", ["-n", script.path])
            #expect(check.status == 0, "\(check.stderr)")
        }
        let healthy = RemediationScript.render(ReportFixtures.healthy)
        #expect(!healthy.contains("cdk bootstrap"))
        let script = directory.appendingPathComponent("healthy.sh")
        try Data(healthy.utf8).write(to: script)
        let result = try Subprocess.run("/bin/sh", [script.path])
        #expect(result.status == 0)
        #expect(result.output == "trustline: nothing needs repair.\n")
    }
}
