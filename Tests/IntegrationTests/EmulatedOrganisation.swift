// EmulatedOrganisation — starts scripts/emulator/org.py (moto + real CDK bootstrap) once per
// scenario for the whole test process, and runs the built trustline binary against it.
import Foundation
import Testing

/// What `org.py up` writes to `state.json` when the organisation is ready.
struct OrganisationState: Decodable, Sendable {
    var endpoint: String
    var configFile: String
    var credentialsFile: String
    var home: String
    var region: String
    var accounts: [String: String]
    var profiles: [String: String]
    var adminAccessKeyId: String
    var adminSecretAccessKey: String
    var directory: String = ""

    enum CodingKeys: String, CodingKey {
        case endpoint, configFile, credentialsFile, home, region, accounts, profiles, adminAccessKeyId, adminSecretAccessKey
    }

    /// The environment a trustline run gets: only this emulator, never real AWS.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home,
            "AWS_CONFIG_FILE": configFile,
            "AWS_SHARED_CREDENTIALS_FILE": credentialsFile,
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_REGION": region,
        ]
        env.merge(extra) { $1 }
        return env
    }
}

enum PackagePaths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let support = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support")

    /// The `trustline` executable built next to this test bundle.
    static var trustline: URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("trustline"),
            Bundle.main.bundleURL.appendingPathComponent("trustline"),
            root.appendingPathComponent(".build/debug/trustline"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[2]
    }
}

/// One emulator per scenario, started on first use and stopped when the test process ends
/// (its stdin is a pipe that closes with us).
actor EmulatedOrganisation {
    static let shared = EmulatedOrganisation()
    private var running: [String: Task<OrganisationState, Error>] = [:]
    private var keepAlive: [Process] = []
    private var pipes: [Pipe] = []

    func state(scenario: String) async throws -> OrganisationState {
        if let task = running[scenario] { return try await task.value }
        let task = Task { try await start(scenario: scenario) }
        running[scenario] = task
        return try await task.value
    }

    /// A private organisation built from a scenario file of the caller's (e.g. a copy of
    /// `scenarios/minimal.yaml`), for tests that change the live state: one per `key`, never
    /// shared with the tests that use `state(scenario:)`. `environment` is added to the
    /// emulator's own (e.g. `PYTHONPATH` for a test's extra moto patch).
    func state(scenarioFile: URL, key: String, environment: [String: String] = [:]) async throws -> OrganisationState {
        let name = "file:" + key
        if let task = running[name] { return try await task.value }
        let task = Task { try await start(scenario: key, file: scenarioFile, environment: environment) }
        running[name] = task
        return try await task.value
    }

    private func start(scenario: String, file: URL? = nil, environment: [String: String] = [:]) async throws -> OrganisationState {
        let scenarioFile = file ?? PackagePaths.root.appendingPathComponent("scenarios/\(scenario).yaml")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trustline-org-\(scenario)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let log = directory.appendingPathComponent("org.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", PackagePaths.root.appendingPathComponent("scripts/emulator/org.py").path, "up",
            "--scenario", scenarioFile.path,
            "--dir", directory.path, "--until-stdin-eof",
        ]
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let stdin = Pipe()
        process.standardInput = stdin
        let logHandle = try FileHandle(forWritingTo: log)
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
        keepAlive.append(process)
        pipes.append(stdin)

        let stateFile = directory.appendingPathComponent("state.json")
        let deadline = Date().addingTimeInterval(600)
        while Date() < deadline {
            if let data = FileManager.default.contents(atPath: stateFile.path), !data.isEmpty {
                var state = try JSONDecoder().decode(OrganisationState.self, from: data)
                state.directory = directory.path
                return state
            }
            if !process.isRunning {
                let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw EmulatorError(message: "org.py exited with \(process.terminationStatus) before the organisation was ready:\n\(output.suffix(4000))")
            }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        throw EmulatorError(message: "the emulated organisation was not ready after 600 s (log: \(log.path))")
    }
}

struct EmulatorError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The result of running a command.
struct CommandResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs an executable with exactly the given environment, collecting its output.
func run(_ executable: URL, _ arguments: [String], environment: [String: String], stdin: Data? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = environment
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    let group = DispatchGroup()
    nonisolated(unsafe) var outData = Data()
    nonisolated(unsafe) var errData = Data()
    group.enter()
    DispatchQueue.global().async {
        outData = out.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    errData = err.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

/// Runs the built `trustline` binary.
func trustline(_ arguments: [String], environment: [String: String]) throws -> CommandResult {
    try run(PackagePaths.trustline, arguments, environment: environment)
}

/// Asserts that no run output shows a secret, and that nothing crashed with a backtrace.
func expectClean(_ result: CommandResult, secrets: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    for secret in secrets where !secret.isEmpty {
        #expect(!result.stdout.contains(secret), "a secret reached stdout", sourceLocation: sourceLocation)
        #expect(!result.stderr.contains(secret), "a secret reached stderr", sourceLocation: sourceLocation)
    }
    #expect(!result.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
    #expect(!result.stderr.contains("backtrace"), sourceLocation: sourceLocation)
    #expect(result.status < 64, "exit status \(result.status) looks like a crash or a usage default", sourceLocation: sourceLocation)
}
