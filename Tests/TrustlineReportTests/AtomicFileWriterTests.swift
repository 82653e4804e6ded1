// AtomicFileWriterTests — the file holds exactly the data, its directory is created, it is
// replaced whole, and no temporary file is left behind, even when the write fails.
import Foundation
import Testing

@testable import TrustlineReport

@Suite("Atomic file writer")
struct AtomicFileWriterTests {
    static func entries(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    @Test("writes the content, creating the directory, and leaves no temporary file")
    func writes() throws {
        let root = try Subprocess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("reports/nightly")
        let target = directory.appendingPathComponent("trustline-report.json")
        let data = try ReportJSON.encode(ReportFixtures.mixed)
        try AtomicFileWriter.write(data, to: target)
        #expect(FileManager.default.contents(atPath: target.path) == data)
        #expect(try Self.entries(directory) == ["trustline-report.json"])
    }

    @Test("replaces an existing file whole")
    func replaces() throws {
        let directory = try Subprocess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("trustline-report.md")
        try AtomicFileWriter.write(Data(String(repeating: "old report\n", count: 1000).utf8), to: target)
        try AtomicFileWriter.write(Data("new\n".utf8), to: target)
        #expect(FileManager.default.contents(atPath: target.path) == Data("new\n".utf8))
        try AtomicFileWriter.write(Data(), to: target)
        #expect(FileManager.default.contents(atPath: target.path) == Data())
        #expect(try Self.entries(directory) == ["trustline-report.md"])
    }

    @Test("permissions: the mode asked for, less the umask")
    func permissions() throws {
        let directory = try Subprocess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("remediation.sh")
        try AtomicFileWriter.write(Data(RemediationScript.render(ReportFixtures.mixed).utf8), to: script, permissions: 0o755)
        let mask = umask(0o022)
        umask(mask)
        let mode = try FileManager.default.attributesOfItem(atPath: script.path)[.posixPermissions] as? Int
        #expect(mode == Int(0o755 & ~mask))
    }

    @Test("a failed write throws a clear error and removes its temporary file")
    func failure() throws {
        let directory = try Subprocess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The target is a non-empty directory: the rename must fail.
        let target = directory.appendingPathComponent("trustline-report.json")
        try FileManager.default.createDirectory(at: target.appendingPathComponent("inside"), withIntermediateDirectories: true)
        let error = try #require(throws: AtomicWriteError.self) { try AtomicFileWriter.write(Data("x".utf8), to: target) }
        #expect(error.errorDescription?.hasPrefix("could not write \(target.path): could not move it into place: ") == true, "\(error)")
        #expect(try Self.entries(directory) == ["trustline-report.json"])
    }

    @Test("a directory that cannot be created is reported")
    func noDirectory() throws {
        let directory = try Subprocess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("reports")
        try Data("a file, not a directory".utf8).write(to: file)
        let error = try #require(throws: AtomicWriteError.self) {
            try AtomicFileWriter.write(Data("x".utf8), to: file.appendingPathComponent("trustline-report.json"))
        }
        #expect(error.step.hasPrefix("create the directory"))
        #expect(try Self.entries(directory) == ["reports"])
    }
}
