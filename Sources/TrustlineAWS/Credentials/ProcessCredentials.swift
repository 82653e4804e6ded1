// ProcessCredentials — runs a profile's `credential_process` and reads its JSON answer.
import Foundation

/// `credential_process`: the command is split like a POSIX shell word list (no shell runs it),
/// its stdout must be `{"Version": 1, "AccessKeyId": …, "SecretAccessKey": …, "SessionToken"?, "Expiration"?}`.
public enum ProcessCredentials {
    public static func fetch(command: String, profile: String, environment: [String: String]) async throws -> AWSCredentials {
        let words = try splitCommand(command, profile: profile)
        guard let executable = words.first else {
            throw CredentialError(.invalidProfile, profile: profile, detail: "credential_process is empty")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + words.dropFirst()
        process.environment = environment
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw CredentialError(.sourceFailed, profile: profile, detail: "credential_process could not start: \(error.localizedDescription)")
        }
        // Read both pipes before waiting so a chatty process cannot block on a full pipe.
        async let out = Task.detached { stdout.fileHandleForReading.readDataToEndOfFile() }.value
        async let err = Task.detached { stderr.fileHandleForReading.readDataToEndOfFile() }.value
        let (output, errorOutput) = await (out, err)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            // Only the first line of stderr, shortened: enough to act on, little room for anything else.
            let firstLine = String(decoding: errorOutput.prefix(400), as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
            throw CredentialError(
                .sourceFailed, profile: profile,
                detail: "credential_process exited with status \(process.terminationStatus)\(firstLine.isEmpty ? "" : ": \(firstLine)")")
        }
        return try decode(output, source: "credential_process of profile \(profile)", profile: profile)
    }

    /// Decodes the process / container JSON credential document.
    static func decode(_ data: Data, source: String, profile: String?, requireVersion: Bool = true) throws -> AWSCredentials {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CredentialError(.sourceFailed, profile: profile, detail: "\(source) did not print a JSON object")
        }
        if requireVersion, (object["Version"] as? Int) != 1 {
            throw CredentialError(.sourceFailed, profile: profile, detail: "\(source) printed an unsupported Version (expected 1)")
        }
        guard let keyId = object["AccessKeyId"] as? String, let secret = object["SecretAccessKey"] as? String, !keyId.isEmpty, !secret.isEmpty else {
            throw CredentialError(.sourceFailed, profile: profile, detail: "\(source) gave no AccessKeyId/SecretAccessKey")
        }
        // An empty token means none: an empty X-Amz-Security-Token header would break the signature.
        let token = [object["SessionToken"] as? String, object["Token"] as? String].compactMap { $0 }.first { !$0.isEmpty }
        var expiration: Date?
        if let text = object["Expiration"] as? String {
            guard let date = AWSTimestamp.parse(text) else {
                throw CredentialError(.sourceFailed, profile: profile, detail: "\(source) gave an unreadable Expiration")
            }
            expiration = date
        }
        return AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token, expiration: expiration, source: source)
    }

    /// Splits a command line into words: whitespace separates, `'…'` and `"…"` quote, `\` escapes.
    static func splitCommand(_ command: String, profile: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in command {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            if let open = quote {
                if character == open {
                    quote = nil
                } else if character == "\\" && open == "\"" {
                    escaped = true
                } else {
                    current.append(character)
                }
                continue
            }
            switch character {
            case "\\": escaped = true; inWord = true
            case "'", "\"": quote = character; inWord = true
            case " ", "\t", "\n":
                if inWord { words.append(current); current = ""; inWord = false }
            default: current.append(character); inWord = true
            }
        }
        guard quote == nil, !escaped else {
            throw CredentialError(.invalidProfile, profile: profile, detail: "credential_process has an unterminated quote or escape")
        }
        if inWord { words.append(current) }
        return words
    }
}
