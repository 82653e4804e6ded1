// AWSConfigFile — reads the AWS CLI's INI files (`~/.aws/config`, `~/.aws/credentials`) as botocore does.
import Foundation

/// A parsed AWS config or credentials file: sections of key/value pairs, where a key with an
/// empty value followed by indented lines holds a sub-section (`s3 =\n  endpoint_url = …`).
public struct AWSConfigFile: Sendable, Equatable {
    public struct Section: Sendable, Equatable {
        public var values: [String: String] = [:]
        public var subsections: [String: [String: String]] = [:]
        /// The line each key was read from, for error messages.
        public var lines: [String: Int] = [:]
    }

    public var path: String
    public var sections: [String: Section]

    /// Parses INI text. `#` and `;` start a comment only at the start of a line (as botocore's
    /// RawConfigParser); section and key names are kept as written, keys lower-cased.
    public static func parse(_ text: String, path: String) throws -> AWSConfigFile {
        var sections: [String: Section] = [:]
        var current: String?
        var lastKey: String?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : String(rawLine)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            let indented = line.first == " " || line.first == "\t"

            if trimmed.hasPrefix("[") && !indented {
                guard trimmed.hasSuffix("]") else {
                    throw AWSConfigError(file: path, line: lineNumber, detail: "a section header must end with ']'")
                }
                let name = trimmed.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { throw AWSConfigError(file: path, line: lineNumber, detail: "empty section name") }
                current = name
                lastKey = nil
                if sections[name] == nil { sections[name] = Section() }
                continue
            }
            guard let section = current else {
                throw AWSConfigError(file: path, line: lineNumber, detail: "a setting outside any [section]")
            }
            guard let equals = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw AWSConfigError(file: path, line: lineNumber, detail: "expected 'key = value'")
            }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw AWSConfigError(file: path, line: lineNumber, detail: "a setting without a name") }

            if indented, let parent = lastKey, sections[section]?.values[parent] == "" {
                sections[section]?.subsections[parent, default: [:]][key] = value
                continue
            }
            sections[section]?.values[key] = value
            sections[section]?.lines[key] = lineNumber
            lastKey = key
        }
        return AWSConfigFile(path: path, sections: sections)
    }

    /// Reads and parses a file; a missing file is an empty config.
    public static func load(path: String) throws -> AWSConfigFile {
        guard FileManager.default.fileExists(atPath: path) else { return AWSConfigFile(path: path, sections: [:]) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AWSConfigError(file: path, line: nil, detail: "cannot read the file")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }
}

/// A problem in an AWS config or credentials file, or a profile that cannot be used as written.
public struct AWSConfigError: Error, LocalizedError, Sendable, Equatable {
    public let file: String?
    public let line: Int?
    public let detail: String

    public init(file: String?, line: Int?, detail: String) {
        self.file = file
        self.line = line
        self.detail = detail
    }

    public var errorDescription: String? {
        switch (file, line) {
        case let (file?, line?): return "\(file):\(line): \(detail)"
        case let (file?, nil): return "\(file): \(detail)"
        default: return detail
        }
    }
}

/// The config and credentials files together, as botocore reads them: `[profile x]` (or
/// `[default]`) in config, `[x]` in credentials, credentials-file keys winning.
public struct AWSProfiles: Sendable {
    public var config: AWSConfigFile
    public var credentials: AWSConfigFile

    public init(config: AWSConfigFile, credentials: AWSConfigFile) {
        self.config = config
        self.credentials = credentials
    }

    /// Loads the files named by `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/…`.
    public static func load(environment: [String: String]) throws -> AWSProfiles {
        let home = environment["HOME"] ?? NSHomeDirectory()
        func expand(_ path: String) -> String { path.hasPrefix("~/") ? home + path.dropFirst() : path }
        let configPath = expand(environment["AWS_CONFIG_FILE"] ?? "~/.aws/config")
        let credentialsPath = expand(environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials")
        return AWSProfiles(config: try AWSConfigFile.load(path: configPath), credentials: try AWSConfigFile.load(path: credentialsPath))
    }

    /// The config-file section of a profile.
    public func configSection(_ profile: String) -> AWSConfigFile.Section? {
        if profile == "default", let section = config.sections["default"] { return section }
        return config.sections["profile \(profile)"] ?? (profile == "default" ? config.sections["profile default"] : nil)
    }

    /// The credentials-file section of a profile.
    public func credentialsSection(_ profile: String) -> AWSConfigFile.Section? {
        credentials.sections[profile]
    }

    public func exists(_ profile: String) -> Bool {
        configSection(profile) != nil || credentialsSection(profile) != nil
    }

    /// A setting of the profile, the credentials file winning over the config file.
    public func value(_ key: String, profile: String) -> String? {
        let value = credentialsSection(profile)?.values[key] ?? configSection(profile)?.values[key]
        return value?.isEmpty == true ? nil : value
    }

    /// Where a setting was read, for error messages.
    public func location(_ key: String, profile: String) -> (file: String, line: Int?) {
        if let line = credentialsSection(profile)?.lines[key] { return (credentials.path, line) }
        return (config.path, configSection(profile)?.lines[key])
    }

    /// Endpoint overrides from the config: `endpoint_url` of the profile (key `"*"`) and of the
    /// `[services NAME]` section it names (keyed by service).
    public func configuredEndpoints(profile: String) -> [String: String] {
        var endpoints: [String: String] = [:]
        if let url = value("endpoint_url", profile: profile) { endpoints["*"] = url }
        if let servicesName = value("services", profile: profile), let section = config.sections["services \(servicesName)"] {
            for (service, settings) in section.subsections {
                if let url = settings["endpoint_url"] { endpoints[service.replacingOccurrences(of: "_", with: "")] = url }
            }
        }
        return endpoints
    }
}
