// FuzzRegressionTests — the inputs of the `trust-policy`, `topology` and `bootstrap-argv` fuzz
// targets, replayed: every file of Fuzz/corpus/<target> (seeds and the minimized crashes of past
// runs, see docs/fuzzing.md) goes through the same calls as the fuzzer and either succeeds or
// throws the parser's typed error.
import Foundation
import Testing

@testable import TrustlineCore

@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus")

    static func inputs(_ target: String) throws -> [Data] {
        try FileManager.default.contentsOfDirectory(at: corpus.appendingPathComponent(target), includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map { try Data(contentsOf: $0) }
    }

    /// What FuzzTrustPolicy does with one input.
    static func exerciseTrustPolicy(_ data: Data) {
        var policies: [TrustPolicy] = []
        for parse in [{ try TrustPolicy(data: data) }, { try TrustPolicy(json: String(decoding: data, as: UTF8.self)) }] {
            do {
                policies.append(try parse())
            } catch {
                #expect(error is TrustPolicyError, "untyped error \(error)")
            }
        }
        var tagged = AssumeRoleContext(callerAccount: "222222222222", callerARN: "arn:aws:sts::222222222222:assumed-role/Pipeline/session")
        tagged.externalID = .value("fuzz")
        tagged.sessionTags = ["team": "platform"]
        for policy in policies {
            for context in [AssumeRoleContext(callerAccount: "111111111111"), tagged, tagged.withCallerControlledKeysUnknown()] {
                _ = policy.evaluate(context).decision.summary
            }
            _ = policy.enumerateTrust()
            #expect((try? TrustPolicy(json: policy.normalizedJSON)) != nil, "normalizedJSON does not read back: \(policy.normalizedJSON)")
        }
    }

    /// What FuzzTopology does with one input.
    static func exerciseTopology(_ data: Data) {
        do {
            _ = try TopologyParser.parse(data, file: "fuzz.yaml")
        } catch {
            #expect(error is TopologyError, "untyped error \(error)")
        }
    }

    /// What FuzzBootstrapArgv does with one input: NUL bytes separate the words.
    static func exerciseBootstrapArgv(_ data: Data) {
        let argv = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        do {
            let command = try BootstrapCommandParser.parse(argv)
            for target in command.targets {
                let corrected = command.corrected(
                    target: target, trust: ["111111111111"], trustForLookup: nil, untrust: nil, qualifier: nil, executionPolicies: nil)
                #expect(corrected.contains(target.name))
            }
        } catch {
            #expect(error is BootstrapCommandError, "untyped error \(error)")
        }
    }

    @Test(arguments: ["trust-policy", "topology", "bootstrap-argv"])
    func corpusIsThere(target: String) throws {
        #expect(try Self.inputs(target).count >= 4)
    }

    @Test func trustPolicyCorpusReplays() throws {
        for data in try Self.inputs("trust-policy") { Self.exerciseTrustPolicy(data) }
    }

    @Test func topologyCorpusReplays() throws {
        for data in try Self.inputs("topology") { Self.exerciseTopology(data) }
    }

    @Test func bootstrapArgvCorpusReplays() throws {
        for data in try Self.inputs("bootstrap-argv") { Self.exerciseBootstrapArgv(data) }
    }

    // Slow inputs found with the fuzz build (docs/fuzzing.md): each took minutes, within the
    // limits the parsers accept.

    /// An unknown option of 128 KiB (Linux's longest argv word): the "did you mean" edit distance
    /// against every option name took over a minute; a word that long now gets no suggestion.
    @Test(.timeLimit(.minutes(1))) func hugeUnknownOptionIsRefusedQuickly() {
        let word = "--" + String(repeating: "a", count: 128 * 1024 - 3)
        #expect {
            try BootstrapCommandParser.parse(["cdk", "bootstrap", "aws://111111111111/us-east-1", word])
        } throws: { error in
            let error = error as? BootstrapCommandError
            return error?.code == .unknownOption && !(error?.errorDescription ?? "").contains("did you mean")
        }
        // Near misses keep their suggestion.
        #expect {
            try BootstrapCommandParser.parse(["cdk", "bootstrap", "aws://111111111111/us-east-1", "--trusst", "1"])
        } throws: { error in
            (error as? BootstrapCommandError)?.errorDescription?.contains("did you mean --trust?") ?? false
        }
    }

    /// A topology of 512 KiB with 25,000 issues: removing repeated issues compared each
    /// with all before it and took minutes.
    @Test(.timeLimit(.minutes(1))) func topologyWithManyIssuesIsReportedQuickly() throws {
        var text = "version: 1\npipelines:\n  - name: p\n    account: \"111111111111\"\nenvironments:\n"
        var count = 0
        while text.utf8.count < TopologyParser.maximumFileSize / 2 {
            text += "  - {name: e\(count), account: \"1\", bogus: 1}\n"
            count += 1
        }
        #expect {
            try TopologyParser.parse(Data(text.utf8), file: "many.yaml")
        } throws: { error in
            ((error as? TopologyError)?.issues.count ?? 0) >= 2 * count
        }
    }
}
