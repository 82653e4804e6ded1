// TopologyHostileInputTests — malformed and hostile topology input gives an error, never a crash or a hang.
import Foundation
import Testing

@testable import TrustlineCore

@Suite("Topology hostile and malformed input")
struct TopologyHostileInputTests {
    /// Runs `body`, expecting it to finish within `limit` (generous: debug builds on busy machines).
    private func quickly<T>(_ limit: Duration = .seconds(5), _ body: () -> T, sourceLocation: SourceLocation = #_sourceLocation) -> T {
        let clock = ContinuousClock()
        let start = clock.now
        let result = body()
        let elapsed = clock.now - start
        #expect(elapsed < limit, "took \(elapsed)", sourceLocation: sourceLocation)
        return result
    }

    /// Nine levels of ten aliases each: 10^9 nodes once expanded.
    private static let laughs = """
        a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
        e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
        f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
        g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
        h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
        i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]

        """

    @Test("a billion-laughs alias bomb in values is refused quickly")
    func aliasBombInValues() {
        let issues = quickly { TopologyTestSupport.issues(Self.laughs) }
        #expect(issues.count == 1)
        #expect(issues.first?.message.contains("expands to more than") == true)
        #expect(issues.first?.line != nil)
    }

    @Test(
        "an alias bomb used as a mapping key is refused quickly",
        arguments: ["? *i\n: boom\n", "*i : boom\n", "j: {*i}\n", "j: [*i: boom]\n", "k: &k x\n*i: 1\n"])
    func aliasBombAsKey(_ tail: String) {
        let issues = quickly { TopologyTestSupport.issues(Self.laughs + tail) }
        #expect(issues.count == 1)
        #expect(issues.first.map { $0.message.contains("expands to more than") || $0.message.contains("invalid YAML") } == true)
    }

    @Test("a big scalar repeated through aliases is refused quickly")
    func scalarBomb() {
        let big = String(repeating: "x", count: 500_000)
        let text = "a: &a \(big)\nb: [" + Array(repeating: "*a", count: 100).joined(separator: ", ") + "]\n"
        let issues = quickly { TopologyTestSupport.issues(text) }
        #expect(issues.first?.message.contains("expands to more than") == true)
    }

    @Test("legitimate reuse of an alias many times is fine")
    func manyAliases() {
        var text = """
            version: 1
            defaults:
              regions: [us-east-1]
              executionPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
            pipelines:
              - {name: tools, account: "111111111111"}
            environments:

            """
        for index in 0..<300 {
            let account = String(200_000_000_000 + index)
            text +=
                index == 0
                ? "  - {name: env\(index), account: \"\(account)\", profile: p, trust: &trust [tools]}\n"
                : "  - {name: env\(index), account: \"\(account)\", profile: p, trust: *trust}\n"
        }
        let topology = quickly { try? TopologyTestSupport.parse(text) }
        #expect(topology?.environments.count == 300)
        #expect(topology?.environments.last?.trust == ["111111111111"])
    }

    @Test("an alias used before or inside its anchor is an error", arguments: ["a: *x\nb: &x 1\n", "a: &x [1, *x]\n"])
    func unknownAlias(_ text: String) {
        let issues = TopologyTestSupport.issues(text)
        #expect(issues.count == 1)
        #expect(issues.first?.message.contains("unknown alias '*x'") == true)
    }

    /// Nested documents, named so that test output stays short.
    enum Nesting: String, CaseIterable, CustomTestStringConvertible {
        case flowSequences100k, flowMappings5k, blockSequences50k, flowSequences900, blockMappings300

        var testDescription: String { rawValue }

        var text: String {
            switch self {
            case .flowSequences100k: String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
            case .flowMappings5k: String(repeating: "{a: ", count: 5_000) + "1" + String(repeating: "}", count: 5_000)
            case .blockSequences50k: String(repeating: "- ", count: 50_000) + "x\n"
            case .flowSequences900: String(repeating: "[", count: 900) + String(repeating: "]", count: 900)
            case .blockMappings300:
                (0..<300).map { String(repeating: " ", count: $0) + "k\($0):\n" }.joined() + String(repeating: " ", count: 300) + "v\n"
            }
        }
    }

    @Test("deep nesting is refused, never a stack overflow", arguments: Nesting.allCases)
    func deepNesting(_ nesting: Nesting) {
        let text = nesting.text
        let issues = quickly { TopologyTestSupport.issues(text) }
        #expect(issues.count == 1)
        let message = issues.first?.message ?? ""
        #expect(message.contains("nested more than 64 levels") || message.contains("nesting level"), "\(message)")
    }

    @Test("deep nesting through aliases is refused")
    func deepThroughAliases() {
        var text = "a0: &a0 " + String(repeating: "[", count: 40) + "x" + String(repeating: "]", count: 40) + "\n"
        for level in 1..<5 {
            text += "a\(level): &a\(level) " + String(repeating: "[", count: 40) + "*a\(level - 1)" + String(repeating: "]", count: 40) + "\n"
        }
        let issues = TopologyTestSupport.issues(text)
        #expect(issues.first?.message.contains("nested more than 64 levels deep once aliases are expanded") == true)
    }

    @Test("a file over 1 MiB is refused before parsing")
    func huge() throws {
        let text = "version: 1\nx: '" + String(repeating: "a", count: 2 << 20) + "'\n"
        let issues = quickly { TopologyTestSupport.issues(text) }
        #expect(issues.count == 1)
        #expect(issues.first?.message.contains("at most 1048576 bytes") == true)
        #expect(throws: TopologyError.self) { try TopologyParser.parse(Data(text.utf8), file: "big.yaml") }
    }

    @Test("many items within the size limit are handled quickly")
    func wideButSmall() {
        let text = "environments: [" + Array(repeating: "a", count: 250_000).joined(separator: ",") + "]\n"
        let issues = quickly { TopologyTestSupport.issues(text) }
        #expect(issues.first?.message.contains("expands to more than") == true)
    }

    @Test("binary input gives an error")
    func binary() throws {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[0] = 0xFF  // never valid UTF-8
        do {
            _ = try TopologyParser.parse(Data(bytes), file: "bin.yaml")
            Issue.record("expected an error")
        } catch let error as TopologyError {
            #expect(error.issues.first?.message == "the file is not UTF-8 text")
        }
        let withNUL = "version: 1\nname: a\u{0}b\n"
        let issues = TopologyTestSupport.issues(withNUL)
        #expect(issues.count == 1)
        #expect(issues.first?.message.contains("invalid YAML") == true)
        #expect(issues.first?.line == 2)
    }

    @Test("random bytes as text never crash", arguments: 0..<20)
    func fuzz(_ seed: Int) {
        var state = UInt64(seed + 1) &* 0x9E37_79B9_7F4A_7C15
        let alphabet = Array("[]{}-:?*&!|>'\"#,%@` \n\tabc0123456789")
        var text = ""
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            text.append(alphabet[Int(state >> 33) % alphabet.count])
        }
        _ = quickly { TopologyTestSupport.issues(text) }
    }

    @Test(
        "malformed YAML gives one issue with Yams' line and column",
        arguments: [
            ("version: 1\npipelines: [a, b\nenvironments: []\n", 3),
            ("version: 1\npipelines:\n\t- name: tools\n", 3),
            ("version: 1\n  bad: indent\n", 2),
            ("version: 1\n---\nversion: 1\n", 2),
            ("version: 1\nname: 'unterminated\n", 3),
        ])
    func malformed(_ text: String, _ line: Int) {
        let issues = TopologyTestSupport.issues(text)
        #expect(issues.count == 1)
        #expect(issues.first?.message.hasPrefix("invalid YAML: ") == true)
        #expect(issues.first?.line == line, "\(issues)")
        #expect(issues.first?.column != nil)
    }

    @Test("the private-use character the loader relies on is refused, with its place")
    func privateUseCharacter() {
        let issues = TopologyTestSupport.issues("version: 1\nname: a\u{E000}\n")
        #expect(issues.first?.line == 2)
        #expect(issues.first?.column == 8)
        #expect(issues.first?.message.contains("U+E000") == true)
    }

    @Test("values in messages are escaped and cut short")
    func displayedValues() {
        let long = String(repeating: "x", count: 5000)
        let issues = TopologyTestSupport.issues(TopologyTestSupport.base.replacingOccurrences(of: "profile: dev", with: "profile: \"-\(long)\""))
        let message = issues.first?.message ?? ""
        #expect(message.count < 300)
        #expect(message.contains("…"))
    }
}
