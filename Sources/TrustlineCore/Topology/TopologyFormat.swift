// TopologyFormat — the formats of topology values (account ids, regions, ARNs…), as plain checks.

/// Checks for the values a topology holds. Each `…Problem` function returns `nil` for a valid
/// value, else the end of a sentence saying what is wrong.
enum TopologyFormat {
    /// The IAM partitions a policy ARN may name.
    static let partitions = ["aws", "aws-cn", "aws-us-gov"]

    /// Exactly 12 ASCII digits.
    static func isAccountID(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    static func accountProblem(_ text: String) -> String? {
        isAccountID(text) ? nil : "'\(display(text))' is not a 12-digit AWS account id"
    }

    /// `^[a-z]{2}(-[a-z]+)+-\d{1,2}$`, for example `us-east-1` or `us-gov-west-1`.
    static func isRegion(_ text: String) -> Bool {
        guard text.utf8.count <= 32 else { return false }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let first = parts.first, let last = parts.last else { return false }
        let lowercase = { (part: Substring) in !part.isEmpty && part.utf8.allSatisfy { $0 >= 0x61 && $0 <= 0x7A } }
        guard first.utf8.count == 2, lowercase(first) else { return false }
        guard parts.dropFirst().dropLast().allSatisfy(lowercase) else { return false }
        return (1...2).contains(last.utf8.count) && last.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    static func regionProblem(_ text: String) -> String? {
        isRegion(text) ? nil : "'\(display(text))' is not an AWS region name (like us-east-1)"
    }

    /// The partition a region belongs to.
    static func partition(ofRegion region: String) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        return "aws"
    }

    /// `^[A-Za-z0-9_-]{1,10}$`: what `cdk bootstrap --qualifier` accepts.
    static func qualifierProblem(_ text: String) -> String? {
        let valid = (1...10).contains(text.utf8.count) && text.utf8.allSatisfy { isAlphanumeric($0) || $0 == 0x5F || $0 == 0x2D }
        guard valid else { return "'\(display(text))' is not a bootstrap qualifier (1 to 10 letters, digits, '_' or '-')" }
        // The CDK CLI's option parser would read `--qualifier -x` as two options.
        return text.hasPrefix("-") ? "'\(display(text))' starts with '-': the CDK CLI would read it as an option" : nil
    }

    /// `^[A-Za-z][-A-Za-z0-9]{0,127}$`: a CloudFormation stack name.
    static func stackNameProblem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        let valid =
            (1...128).contains(bytes.count) && isLetter(bytes[0])
            && bytes.allSatisfy { isAlphanumeric($0) || $0 == 0x2D }
        return valid ? nil : "'\(display(text))' is not a CloudFormation stack name (a letter, then up to 127 letters, digits or '-')"
    }

    /// `[\w+=,.@-]{1,64}`: an IAM role name.
    static func roleNameProblem(_ text: String) -> String? {
        let valid = (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { isWord($0) || "+=,.@-".utf8.contains($0) }
        return valid ? nil : "'\(display(text))' is not an IAM role name (1 to 64 of letters, digits and _+=,.@-)"
    }

    /// `[\w+=,.@:/-]{2,1224}`: an STS external id.
    static func externalIDProblem(_ text: String) -> String? {
        let valid = (2...1224).contains(text.utf8.count) && text.utf8.allSatisfy { isWord($0) || "+=,.@:/-".utf8.contains($0) }
        return valid ? nil : "'\(display(text))' is not an STS external id (2 to 1224 of letters, digits and _+=,.@:/-)"
    }

    /// An AWS profile name: not empty, no control characters, not starting with `-`.
    static func profileProblem(_ text: String) -> String? {
        if text.isEmpty { return "a profile name cannot be empty" }
        if text.utf8.count > 256 { return "'\(display(text))' is too long for a profile name" }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "'\(display(text))' contains control characters, which a profile name cannot hold"
        }
        if text.hasPrefix("-") { return "'\(display(text))' starts with '-', which a command line would read as an option" }
        if text.first?.isWhitespace == true || text.last?.isWhitespace == true {
            return "'\(display(text))' starts or ends with white space"
        }
        return nil
    }

    /// A pipeline or environment name: `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`, and not an account id.
    static func nameProblem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        let valid =
            (1...64).contains(bytes.count) && isAlphanumeric(bytes[0])
            && bytes.allSatisfy { isAlphanumeric($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
        if !valid {
            return "'\(display(text))' is not a valid name (1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit)"
        }
        if isAccountID(text) { return "'\(text)' looks like an account id; a name cannot be 12 digits" }
        return nil
    }

    /// The parts of an IAM managed-policy ARN.
    struct PolicyARN: Equatable {
        var partition: String
        /// A 12-digit account id, or `aws` for an AWS managed policy.
        var account: String
        var name: String
    }

    /// `arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}|aws):policy/[PATH/]NAME`.
    static func policyARN(_ text: String) -> PolicyARN? {
        guard text.utf8.count <= 2048 else { return nil }
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", partitions.contains(String(parts[1])), parts[2] == "iam",
            parts[3].isEmpty
        else { return nil }
        let account = String(parts[4])
        guard account == "aws" || isAccountID(account) else { return nil }
        let resource = parts[5]
        guard resource.hasPrefix("policy/") else { return nil }
        let path = resource.dropFirst("policy/".count)
        guard let name = path.split(separator: "/", omittingEmptySubsequences: false).last,
            (1...128).contains(name.utf8.count),
            path.utf8.allSatisfy({ isWord($0) || "+=,.@-/".utf8.contains($0) })
        else { return nil }
        return PolicyARN(partition: String(parts[1]), account: account, name: String(name))
    }

    static func policyARNProblem(_ text: String) -> String? {
        policyARN(text) == nil
            ? "'\(display(text))' is not an IAM managed-policy ARN (arn:aws:iam::ACCOUNT|aws:policy/NAME)" : nil
    }

    /// `text` made safe for a one-line message: control characters escaped, long values cut.
    static func display(_ text: String) -> String {
        var output = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == 80 {
                output += "…"
                break
            }
            if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" {
                output += scalar.escaped(asASCII: true)
            } else {
                output.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return output
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLetter(byte) || (byte >= 0x30 && byte <= 0x39)
    }

    /// `\w` in the ASCII sense IAM uses: letters, digits and `_`.
    private static func isWord(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == 0x5F
    }
}
