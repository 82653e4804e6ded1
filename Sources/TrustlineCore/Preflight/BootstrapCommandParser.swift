// BootstrapCommandParser — reads a `cdk bootstrap` argv the way the CDK CLI (yargs) does:
// `--opt value` and `--opt=value`, repeated list options accumulating, `--no-flag`, short
// aliases, `--` ending the options; unknown options are errors (yargs would ignore them).
import Foundation

/// Parses the words of a `cdk bootstrap …` command line into a ``BootstrapCommand``.
///
/// The option table is the CDK CLI's own (`aws-cdk` 2.1146, `lib/cli/parse-command-line-arguments.js`):
/// the `bootstrap` options and the global ones. Options that do not change trust are accepted and
/// ignored, some with a note.
public enum BootstrapCommandParser {
    /// Parses `argv` (with or without a leading `cdk`, `npx cdk`, `npx aws-cdk` and `bootstrap`).
    ///
    /// - Throws: ``BootstrapCommandError`` naming the argument at fault.
    public static func parse(_ argv: [String]) throws -> BootstrapCommand {
        var state = ParseState(argv: argv)
        try state.run()
        return try state.command()
    }

    /// How an option takes values.
    enum Kind: Sendable {
        /// A boolean: `--x`, `--no-x`, `--x=false`, `--x false`.
        case flag
        /// A counted boolean (`-vv`).
        case count
        /// One value; given twice it is an error.
        case value
        /// One value per occurrence, accumulated (`type: 'array', nargs: 1`).
        case list
    }

    /// What trustline does with an option.
    enum Effect: Sendable {
        case trust, trustForLookup, untrust, executionPolicies, qualifier, toolkitStackName, profile
        case previousParameters, execute, showTemplate, template, denyExternalId, permissionsBoundary, region, help
        case kmsKeyId, customerKey, examplePermissionsBoundary, customPermissionsBoundary
        /// Accepted, no effect on trust.
        case ignored
    }

    struct Option: Sendable {
        var name: String
        var kind: Kind
        var effect: Effect
    }

    /// Every option of `cdk bootstrap` (bootstrap's own, then the global ones), by name and alias.
    static let options: [String: Option] = {
        let table: [(String, [String], Kind, Effect)] = [
            // bootstrap
            ("bootstrap-bucket-name", ["b", "toolkit-bucket-name"], .value, .ignored),
            ("bootstrap-kms-key-id", [], .value, .kmsKeyId),
            ("example-permissions-boundary", ["epb"], .flag, .examplePermissionsBoundary),
            ("custom-permissions-boundary", ["cpb"], .value, .customPermissionsBoundary),
            ("bootstrap-customer-key", [], .flag, .customerKey),
            ("qualifier", [], .value, .qualifier),
            ("public-access-block-configuration", [], .flag, .ignored),
            ("deny-external-id", [], .flag, .denyExternalId),
            ("tags", ["t"], .list, .ignored),
            ("execute", [], .flag, .execute),
            ("trust", [], .list, .trust),
            ("trust-for-lookup", [], .list, .trustForLookup),
            ("untrust", [], .list, .untrust),
            ("cloudformation-execution-policies", [], .list, .executionPolicies),
            ("force", ["f"], .flag, .ignored),
            ("termination-protection", [], .flag, .ignored),
            ("show-template", [], .flag, .showTemplate),
            ("toolkit-stack-name", [], .value, .toolkitStackName),
            ("template", [], .value, .template),
            ("previous-parameters", [], .flag, .previousParameters),
            ("import-existing-resources", [], .flag, .ignored),
            ("express", [], .flag, .ignored),
            // global
            ("app", ["a"], .value, .ignored),
            ("build", [], .value, .ignored),
            ("context", ["c"], .list, .ignored),
            ("plugin", ["p"], .list, .ignored),
            ("trace", [], .flag, .ignored),
            ("strict", [], .flag, .ignored),
            ("lookups", [], .flag, .ignored),
            ("ignore-errors", [], .flag, .ignored),
            ("json", ["j"], .flag, .ignored),
            ("verbose", ["v"], .count, .ignored),
            ("debug", [], .flag, .ignored),
            ("debug-app", [], .flag, .ignored),
            ("debug-cli", [], .flag, .ignored),
            ("profile", [], .value, .profile),
            ("region", [], .value, .region),
            ("proxy", [], .value, .ignored),
            ("ca-bundle-path", [], .value, .ignored),
            ("ec2creds", ["i"], .flag, .ignored),
            ("version-reporting", ["telemetry"], .flag, .ignored),
            ("path-metadata", [], .flag, .ignored),
            ("asset-metadata", [], .flag, .ignored),
            ("role-arn", ["r"], .value, .ignored),
            ("staging", [], .flag, .ignored),
            ("output", ["o"], .value, .ignored),
            ("notices", [], .flag, .ignored),
            ("no-color", [], .flag, .ignored),
            ("color", [], .flag, .ignored),
            ("ci", [], .flag, .ignored),
            ("unstable", [], .list, .ignored),
            ("telemetry-file", [], .value, .ignored),
            ("yes", ["y"], .flag, .ignored),
            ("help", ["h"], .flag, .help),
            ("version", [], .flag, .help),
        ]
        var out: [String: Option] = [:]
        for (name, aliases, kind, effect) in table {
            let option = Option(name: name, kind: kind, effect: effect)
            for key in [name] + aliases { out[key] = option }
        }
        return out
    }()

    /// The other `cdk` subcommands, named in the error when one of them is given instead.
    static let otherCommands: Set<String> = [
        "list", "ls", "synth", "synthesize", "deploy", "destroy", "diff", "drift", "import", "migrate", "context", "docs", "doc", "doctor",
        "init", "gc", "flags", "acknowledge", "ack", "notices", "watch", "rollback", "refactor", "metadata", "cli-telemetry", "publish-assets",
    ]

    /// `toolkitStackName` → `toolkit-stack-name` (yargs accepts both spellings).
    static func kebab(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase {
                out += "-" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// Whether yargs would take `word` for an option rather than a value (`/^-[^0-9]/`).
    static func looksLikeOption(_ word: String) -> Bool {
        guard word.first == "-", let second = word.dropFirst().first else { return false }
        return !second.isNumber
    }

    /// A 12-digit AWS account id.
    static func isAccountID(_ value: String) -> Bool {
        value.count == 12 && value.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// The bootstrap template's `AllowedPattern` for `Qualifier`: `[A-Za-z0-9_-]{1,10}`.
    static func isQualifier(_ value: String) -> Bool {
        (1...10).contains(value.count) && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    /// A region name: lower-case letters, digits and hyphens, starting with a letter and ending with a digit.
    static func isRegion(_ value: String) -> Bool {
        guard let first = value.first, let last = value.last, first.isLetter, last.isNumber, value.contains("-") else { return false }
        return value.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }
}

/// The walk over the words.
private struct ParseState {
    typealias Option = BootstrapCommandParser.Option
    typealias Word = BootstrapCommand.Word

    let argv: [String]
    var index = 0
    var words: [Word] = []
    var programGiven = false
    var sawCommand = false
    var afterTerminator = false
    var targets: [BootstrapTarget] = []
    var lists: [BootstrapCommandParser.Effect: [String]] = [:]
    var values: [String: (argument: String, value: String)] = [:]
    var flags: [String: (argument: String, value: Bool)] = [:]
    var notes: [String] = []

    init(argv: [String]) {
        self.argv = argv
    }

    mutating func run() throws {
        guard !argv.isEmpty else {
            throw BootstrapCommandError(
                .empty, argument: "", "give the command after --, e.g. -- cdk bootstrap aws://111111111111/us-east-1 --trust 222222222222")
        }
        try readProgram()
        while index < argv.count {
            let word = argv[index]
            index += 1
            if afterTerminator {
                try positional(word)
            } else if word == "--" {
                afterTerminator = true
                words.append(Word(role: .terminator, tokens: [word]))
            } else if word.hasPrefix("--") {
                try long(word)
            } else if BootstrapCommandParser.looksLikeOption(word) {
                try short(word)
            } else {
                try positional(word)
            }
        }
    }

    /// `cdk`, `npx [--yes] cdk`, `npx aws-cdk[@VERSION]`, `node …/bin/cdk`, or nothing.
    mutating func readProgram() throws {
        let first = argv[0]
        if first == "npx" {
            var next = 1
            while next < argv.count, ["--yes", "-y", "--no-install", "--quiet", "-q"].contains(argv[next]) { next += 1 }
            guard next < argv.count, ["cdk", "aws-cdk"].contains(argv[next]) || argv[next].hasPrefix("aws-cdk@") else {
                throw BootstrapCommandError(
                    .notBootstrap, argument: argv.count > next ? argv[next] : "npx", "npx must run cdk or aws-cdk here (npx cdk bootstrap …)")
            }
            words.append(Word(role: .program, tokens: Array(argv[0...next])))
            index = next + 1
            programGiven = true
        } else if first == "node", argv.count > 1, argv[1].hasSuffix("/bin/cdk") {
            words.append(Word(role: .program, tokens: Array(argv[0...1])))
            index = 2
            programGiven = true
        } else if first == "cdk" || first.hasSuffix("/cdk") {
            words.append(Word(role: .program, tokens: [first]))
            index = 1
            programGiven = true
        }
    }

    mutating func positional(_ word: String) throws {
        if !sawCommand && !afterTerminator {
            if word == "bootstrap" {
                sawCommand = true
                words.append(Word(role: .command, tokens: [word]))
                return
            }
            if BootstrapCommandParser.otherCommands.contains(word) {
                throw BootstrapCommandError(.notBootstrap, argument: word, "preflight checks `cdk bootstrap`, not `cdk \(word)`")
            }
            if programGiven || !word.contains("/") {
                throw BootstrapCommandError(
                    .notBootstrap, argument: word, "expected `cdk bootstrap aws://ACCOUNT/REGION …`; `\(word)` is not the bootstrap command")
            }
        }
        let target = try Self.target(word)
        if targets.contains(target) {
            notes.append("\(target.name) is named more than once; it is checked once (cdk would bootstrap it twice, at the same time).")
        } else {
            targets.append(target)
        }
        words.append(Word(role: .target, tokens: [word]))
    }

    /// `aws://ACCOUNT/REGION` (or `ACCOUNT/REGION`, which the CDK CLI accepts too).
    static func target(_ word: String) throws -> BootstrapTarget {
        if word.contains("*") {
            throw BootstrapCommandError(
                .invalidTarget, argument: word,
                "environment wildcards are expanded from the CDK app's stacks, which preflight cannot see: name each environment as aws://ACCOUNT/REGION")
        }
        if word.contains(",") {
            throw BootstrapCommandError(
                .invalidTarget, argument: word,
                "cdk bootstrap does not split environments on commas (it would fail on this one): give each aws://ACCOUNT/REGION as its own argument")
        }
        let body = word.hasPrefix("aws://") ? String(word.dropFirst("aws://".count)) : word
        let parts = body.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else {
            throw BootstrapCommandError(.invalidTarget, argument: word, "expected an environment as aws://ACCOUNT/REGION")
        }
        let (account, region) = (parts[0], parts[1])
        if account == "unknown-account" || region == "unknown-region" {
            throw BootstrapCommandError(
                .invalidTarget, argument: word,
                "unknown-account/unknown-region stand for the account and region of the current credentials, which preflight does not guess: name them")
        }
        guard BootstrapCommandParser.isAccountID(account) else {
            throw BootstrapCommandError(.invalidTarget, argument: word, "'\(account)' is not a 12-digit AWS account id")
        }
        guard BootstrapCommandParser.isRegion(region) else {
            throw BootstrapCommandError(.invalidTarget, argument: word, "'\(region)' is not an AWS region name")
        }
        return BootstrapTarget(account: account, region: region)
    }

    /// `--name`, `--name=value`, `--no-name`, `--camelCaseName`.
    mutating func long(_ word: String) throws {
        let body = word.dropFirst(2)
        let (rawName, inline): (String, String?) =
            if let equals = body.firstIndex(of: "=") {
                (String(body[..<equals]), String(body[body.index(after: equals)...]))
            } else {
                (String(body), nil)
            }
        let name = BootstrapCommandParser.kebab(rawName)
        if let option = BootstrapCommandParser.options[name] {
            try apply(option, written: word, inline: inline, negated: false)
            return
        }
        if name.hasPrefix("no-"), let option = BootstrapCommandParser.options[String(name.dropFirst(3))], option.kind == .flag {
            if inline != nil {
                throw BootstrapCommandError(.invalidValue, argument: word, "--no-\(option.name) takes no value")
            }
            try apply(option, written: word, inline: nil, negated: true)
            return
        }
        throw BootstrapCommandError(
            .unknownOption, argument: word,
            "`cdk bootstrap` has no option --\(rawName) (the CDK CLI would silently ignore it)\(Self.suggestion(for: name))")
    }

    /// `-v`, `-vv`, `-f`, `-b NAME`, `-b=NAME`, `-vf`.
    mutating func short(_ word: String) throws {
        var letters = Array(word.dropFirst())
        var inline: String?
        if let equals = letters.firstIndex(of: "=") {
            inline = String(letters[(equals + 1)...])
            letters = Array(letters[..<equals])
        }
        guard !letters.isEmpty else {
            throw BootstrapCommandError(.unknownOption, argument: word, "not an option of `cdk bootstrap`")
        }
        for (position, letter) in letters.enumerated() {
            guard let option = BootstrapCommandParser.options[String(letter)] else {
                throw BootstrapCommandError(
                    .unknownOption, argument: word, "`cdk bootstrap` has no option -\(letter) (the CDK CLI would silently ignore it)")
            }
            let last = position == letters.count - 1
            if !last && option.kind != .flag && option.kind != .count {
                throw BootstrapCommandError(.missingValue, argument: word, "-\(letter) (--\(option.name)) takes a value: write -\(letter) VALUE")
            }
            try apply(option, written: word, inline: last ? inline : nil, negated: false, consumesNext: last)
        }
    }

    /// Records one occurrence of an option, taking its value from `inline` or the next word.
    mutating func apply(_ option: Option, written: String, inline: String?, negated: Bool, consumesNext: Bool = true) throws {
        var tokens = [written]
        switch option.kind {
        case .count:
            words.append(Word(role: .other, tokens: tokens))
            return
        case .flag:
            var value = !negated
            if let inline {
                guard let parsed = Bool(inline.lowercased()) else {
                    throw BootstrapCommandError(.invalidValue, argument: written, "--\(option.name) is true or false, not '\(inline)'")
                }
                value = parsed
            } else if consumesNext, index < argv.count, ["true", "false"].contains(argv[index]) {
                value = argv[index] == "true"
                tokens.append(argv[index])
                index += 1
            }
            flags[option.name] = (written, value)
            words.append(Word(role: .other, tokens: tokens))
            try flagEffect(option, written: written, value: value)
        case .value, .list:
            let value: String
            if let inline {
                value = inline
            } else if consumesNext, index < argv.count, !BootstrapCommandParser.looksLikeOption(argv[index]) {
                value = argv[index]
                tokens.append(value)
                index += 1
            } else {
                throw BootstrapCommandError(.missingValue, argument: written, "--\(option.name) needs a value (Not enough arguments following: \(option.name))")
            }
            if option.kind == .list {
                lists[option.effect, default: []].append(value)
            } else {
                if values[option.name] != nil {
                    throw BootstrapCommandError(
                        .repeatedOption, argument: written, "--\(option.name) is given more than once (yargs would make a list of it, which cdk cannot use)")
                }
                guard !value.isEmpty else {
                    throw BootstrapCommandError(.missingValue, argument: written, "--\(option.name) needs a non-empty value")
                }
                values[option.name] = (written, value)
            }
            words.append(Word(role: role(of: option.effect), tokens: tokens))
        }
    }

    func role(of effect: BootstrapCommandParser.Effect) -> Word.Role {
        switch effect {
        case .trust: .trust
        case .trustForLookup: .trustForLookup
        case .untrust: .untrust
        case .executionPolicies: .executionPolicies
        case .qualifier: .qualifier
        default: .other
        }
    }

    mutating func flagEffect(_ option: Option, written: String, value: Bool) throws {
        if option.effect == .help {
            throw BootstrapCommandError(
                .notBootstrap, argument: written, "this command only prints \(option.name == "help" ? "help" : "the version"): there is nothing to check")
        }
    }

    /// A close option name, for the error message.
    static func suggestion(for name: String) -> String {
        // No option name is longer than 33 characters, so a longer word is never within 3 edits;
        // skipping it keeps a huge argv word (up to 128 KiB on Linux) from costing minutes (found with the fuzz build, docs/fuzzing.md).
        guard name.count <= 64 else { return "" }
        let known = Set(BootstrapCommandParser.options.values.map(\.name))
        func distance(_ a: String, _ b: String) -> Int {
            let (a, b) = (Array(a), Array(b))
            var previous = Array(0...b.count)
            for i in a.indices {
                var current = [i + 1]
                for j in b.indices {
                    current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (a[i] == b[j] ? 0 : 1)))
                }
                previous = current
            }
            return previous[b.count]
        }
        guard let best = known.map({ ($0, distance(name, $0)) }).min(by: { ($0.1, $0.0) < ($1.1, $1.0) }), best.1 <= 3 else { return "" }
        return "; did you mean --\(best.0)?"
    }

    /// The command, after the checks the CDK CLI makes before touching any account.
    func command() throws -> BootstrapCommand {
        if programGiven && !sawCommand {
            throw BootstrapCommandError(.notBootstrap, argument: argv.last ?? "", "expected `cdk bootstrap …`: the bootstrap subcommand is missing")
        }
        func flag(_ name: String) -> Bool? { flags[name]?.value }
        func value(_ name: String) -> String? { values[name]?.value }
        // arrayFromYargs: absent → nil; present → the values without empty strings.
        func list(_ effect: BootstrapCommandParser.Effect) -> [String]? { lists[effect].map { $0.filter { !$0.isEmpty } } }

        let showTemplate = flag("show-template") ?? false
        if targets.isEmpty && !showTemplate {
            throw BootstrapCommandError(
                .noTarget, argument: "",
                "name the environments as aws://ACCOUNT/REGION: without them cdk bootstrap takes them from the CDK app or the default credentials, which preflight cannot see"
            )
        }
        for (name, other) in [("bootstrap-kms-key-id", "bootstrap-customer-key"), ("example-permissions-boundary", "custom-permissions-boundary")] {
            let first = values[name]?.argument ?? flags[name]?.argument
            let second = values[other]?.argument ?? flags[other]?.argument
            if let first, let second {
                throw BootstrapCommandError(
                    .conflictingOptions, argument: second,
                    "\(first) and \(second) cannot be given together (Arguments \(name) and \(other) are mutually exclusive)")
            }
        }

        let trust = list(.trust)
        let trustForLookup = list(.trustForLookup)
        let untrust = list(.untrust)
        for (effect, option) in [(BootstrapCommandParser.Effect.trust, "--trust"), (.trustForLookup, "--trust-for-lookup"), (.untrust, "--untrust")] {
            for value in list(effect) ?? [] {
                for piece in value.split(separator: ",", omittingEmptySubsequences: false).map(String.init) where !BootstrapCommandParser.isAccountID(piece) {
                    throw BootstrapCommandError(
                        .invalidValue, argument: "\(option) \(value)",
                        piece.isEmpty ? "an empty account id in the list" : "'\(piece)' is not a 12-digit AWS account id")
                }
            }
        }
        for value in list(.executionPolicies) ?? [] {
            for piece in value.split(separator: ",", omittingEmptySubsequences: false) where !piece.hasPrefix("arn:") {
                throw BootstrapCommandError(
                    .invalidValue, argument: "--cloudformation-execution-policies \(value)",
                    "'\(piece)' is not a managed policy ARN (arn:aws:iam::aws:policy/NAME or arn:aws:iam::ACCOUNT:policy/NAME)")
            }
        }
        // The CDK CLI's own check (Bootstrapper.modernBootstrap), made on the values as given.
        let both = Set((trust ?? []) + (trustForLookup ?? [])).intersection(untrust ?? [])
        if !both.isEmpty {
            throw BootstrapCommandError(
                .conflictingOptions, argument: "--untrust \(both.sorted().joined(separator: ","))",
                "cdk bootstrap would refuse this: Accounts cannot be both trusted and untrusted. Found: \(both.sorted().joined(separator: ","))")
        }
        if let qualifier = value("qualifier"), !BootstrapCommandParser.isQualifier(qualifier) {
            throw BootstrapCommandError(
                .invalidValue, argument: values["qualifier"]?.argument ?? "--qualifier",
                "'\(qualifier)' is not a bootstrap qualifier: 1 to 10 letters, digits, _ or - (CloudFormation would reject the stack update)")
        }

        var notes = self.notes
        for value in untrust ?? [] where value.contains(",") {
            notes.append(
                "--untrust \(value): the CDK CLI compares --untrust values whole and does not split them on commas, so this removes nobody; give each account its own --untrust."
            )
        }
        for value in untrust ?? [] {
            for listed in (trust ?? []) + (trustForLookup ?? []) where listed.contains(",") && listed.split(separator: ",").contains(Substring(value)) {
                notes.append("--untrust \(value) does not remove it from the list '\(listed)': the CDK CLI compares whole values, so \(value) stays trusted.")
            }
        }
        if flag("execute") == false {
            notes.append("--no-execute leaves the change set for review: this is what executing it would do.")
        }
        if let template = value("template") {
            notes.append("--template \(template): a custom bootstrap template; trustline assumes its roles and parameters work as the default template's do.")
        }
        if showTemplate {
            notes.append("--show-template prints the bootstrap template and bootstraps nothing.")
        }
        if flag("example-permissions-boundary") == true || value("custom-permissions-boundary") != nil {
            notes.append("A permissions boundary limits what the bootstrap roles may do, not who may assume them.")
        }
        if flag("deny-external-id") == false {
            notes.append("--no-deny-external-id lets callers that pass an ExternalId assume the roles too.")
        }
        if value("region") != nil {
            notes.append("--region does not choose where cdk bootstraps: each aws://ACCOUNT/REGION does.")
        }

        var explicit: Set<String> = []
        if value("bootstrap-bucket-name") != nil { explicit.insert("FileAssetsBucketName") }
        if value("bootstrap-kms-key-id") != nil || flag("bootstrap-customer-key") != nil { explicit.insert("FileAssetsBucketKmsKeyId") }
        if flag("example-permissions-boundary") == true || value("custom-permissions-boundary") != nil { explicit.insert("InputPermissionsBoundary") }
        if flag("deny-external-id") != nil { explicit.insert("DenyExternalId") }
        if value("qualifier") != nil { explicit.insert("Qualifier") }

        return BootstrapCommand(
            argv: argv, targets: targets, trust: trust, trustForLookup: trustForLookup, untrust: untrust,
            executionPolicies: list(.executionPolicies), qualifier: value("qualifier"), toolkitStackName: value("toolkit-stack-name"),
            profile: value("profile"), previousParameters: flag("previous-parameters") ?? true, execute: flag("execute") ?? true,
            showTemplate: showTemplate, customTemplate: value("template"), denyExternalId: flag("deny-external-id"), explicitParameters: explicit, notes: notes,
            words: words)
    }
}
