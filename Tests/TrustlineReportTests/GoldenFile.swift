// GoldenFile — compares rendered output with a file under Golden/; `RECORD_SNAPSHOTS=1` rewrites
// the file instead. A mismatch names the first differing line, so the failure reads at a glance.
import Foundation
import Testing

enum GoldenFile {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var recording: Bool { ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" }

    /// Checks `actual` against `Golden/<name>` (or records it).
    static func check(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name)
        if recording {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url, options: .atomic)
            return
        }
        guard let data = FileManager.default.contents(atPath: url.path), let expected = String(data: data, encoding: .utf8) else {
            Issue.record("Golden/\(name) is missing: run the tests with RECORD_SNAPSHOTS=1 to record it, then review it", sourceLocation: sourceLocation)
            return
        }
        if let difference = firstDifference(expected: expected, actual: actual) {
            Issue.record(
                "Golden/\(name) differs (RECORD_SNAPSHOTS=1 re-records it):\n\(difference)", sourceLocation: sourceLocation)
        }
    }

    /// `line 12:\n  expected: …\n  actual:   …`, or nil when the texts are equal.
    static func firstDifference(expected: String, actual: String) -> String? {
        guard expected != actual else { return nil }
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(expectedLines.count, actualLines.count) {
            let want = index < expectedLines.count ? String(expectedLines[index]) : nil
            let got = index < actualLines.count ? String(actualLines[index]) : nil
            if want != got {
                return "line \(index + 1):\n  expected: \(want.map { $0.debugDescription } ?? "(end of file)")\n"
                    + "  actual:   \(got.map { $0.debugDescription } ?? "(end of file)")"
            }
        }
        return "the texts differ in line endings or invisible characters"
    }
}
