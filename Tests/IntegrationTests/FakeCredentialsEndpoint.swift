// FakeCredentialsEndpoint — Support/fake_credentials_endpoint.py as a test fixture: a local
// container/instance credentials endpoint (127.0.0.1, a port of its own) serving the given keys
// to callers presenting `token`, stopped when the fixture is.
import Foundation

final class FakeCredentialsEndpoint {
    let port: Int
    private let server: Process
    private let stdin: Pipe

    /// Starts the endpoint serving the keys in `directory`/creds.json; waits for its port.
    init(accessKeyId: String, secretAccessKey: String, token: String, in directory: URL) throws {
        let credentials = directory.appendingPathComponent("creds.json")
        try JSONSerialization.data(withJSONObject: ["AccessKeyId": accessKeyId, "SecretAccessKey": secretAccessKey]).write(to: credentials)
        server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", PackagePaths.support.appendingPathComponent("fake_credentials_endpoint.py").path, credentials.path, token]
        stdin = Pipe()
        let stdout = Pipe()
        server.standardInput = stdin
        server.standardOutput = stdout
        try server.run()
        var portText = ""
        while !portText.hasSuffix("\n") {
            let byte = stdout.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            portText += String(decoding: byte, as: UTF8.self)
        }
        guard let port = Int(portText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            try? stdin.fileHandleForWriting.close()
            server.waitUntilExit()
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "the credentials endpoint printed no port: \(portText)"])
        }
        self.port = port
    }

    /// Closes its stdin (its signal to exit) and waits for it.
    func stop() {
        try? stdin.fileHandleForWriting.close()
        server.waitUntilExit()
    }
}
