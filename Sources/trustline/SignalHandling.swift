// SignalHandling — what SIGINT (Ctrl-C) and SIGTERM (a cancelled CI job, a stopped container) do
// to a command that writes reports: stop at once, and never leave a half-written set of reports.
//
// AtomicFileWriter already makes each file appear whole or not at all (temp file, then rename).
// On top of that, when a signal arrives:
// - before the reports are written (the usual case: the audit is waiting on AWS), the process
//   stops at once and the files from the last run stay exactly as they were;
// - while they are being written (a few milliseconds), it lets the set finish first, so a reader
//   never finds a new JSON report next to an old Markdown one (bounded by `writeGrace`);
// - its own temp files (`.NAME.PID.UUID.tmp`, hidden) are removed before it ends; one that a
//   signal catches being created, or that a killed run left behind (SIGKILL, power loss), is
//   never read and is removed by the next run writing there;
// - the process then ends by the same signal, re-raised with its default action, so a shell sees
//   status 130 (SIGINT) or 143 (SIGTERM) and a calling script stops too. Where the default action
//   does nothing (PID 1 of a container) it exits with 130 or 143 itself.
// Cancelling the Swift task instead would not do: Discovery records every failed read as an
// unreachable environment, and the audit would go on to replace the last good report with the
// report of a run nobody let finish.
import ArgumentParser
import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A command that writes report files.
protocol WritesReports {
    /// Files written together, in one go: a reader must find them all old or all new.
    var reportSet: [URL] { get }
    /// Other files it writes, each whole on its own.
    var otherOutputs: [URL] { get }
}

extension Trustline.Audit: WritesReports {
    var reportSet: [URL] {
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        return ["trustline-report.json", "trustline-report.md", "remediation.sh"].map { directory.appendingPathComponent($0) }
            + [junit, sarif].compactMap { $0 }.map { URL(fileURLWithPath: $0) }
    }

    var otherOutputs: [URL] { [saveSnapshots].compactMap { $0 }.map { URL(fileURLWithPath: $0) } }
}

extension Trustline.Merge: WritesReports {
    var reportSet: [URL] {
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        return ["trustline-report.json", "trustline-report.md", "remediation.sh"].map { directory.appendingPathComponent($0) }
    }

    var otherOutputs: [URL] { [] }
}

/// Report writes a signal must not cut in half.
enum ReportWrites {
    /// Held while a report set is written, and for good by a signal that stops the process.
    static let gate = NSLock()

    /// Runs `body`, the writing of one report set (e.g. `trustline-report.json`, `.md`,
    /// `remediation.sh`, JUnit, SARIF), so that SIGINT or SIGTERM arriving meanwhile waits for it
    /// to finish, and one that arrived before keeps it from starting.
    static func perform<T>(_ body: () throws -> T) rethrows -> T {
        gate.lock()
        defer { gate.unlock() }
        return try body()
    }
}

/// Installs the SIGINT and SIGTERM handling described above.
enum SignalHandling {
    /// The signals handled.
    static let signals: [Int32] = [SIGINT, SIGTERM]
    /// The longest a signal waits for a report set being written to be complete.
    static let writeGrace: TimeInterval = 5

    /// For a command that writes reports, removes the temp files dead runs left next to its
    /// outputs and handles SIGINT and SIGTERM (unless ignored on entry); other commands keep the
    /// default action (they end at once, by the signal, with nothing to clean up).
    static func install(for command: ParsableCommand) {
        guard let writer = command as? WritesReports else { return }
        let watch = ReportWatch(reportSet: writer.reportSet, otherOutputs: writer.otherOutputs)
        watch.removeTemporaryFiles(ofDeadProcesses: true)
        for number in signals {
            // The default action would end the process before the handler runs. A signal ignored
            // on entry (a background job of a non-interactive shell) stays ignored, as shells expect.
            let previous = signal(number, SIG_IGN)
            if let previous, unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { continue }
            let source = DispatchSource.makeSignalSource(signal: number, queue: watch.queue)
            source.setEventHandler { watch.stop(by: number) }
            source.resume()
            watch.keep(source)
        }
    }

    /// The signal's name for messages.
    static func name(of number: Int32) -> String {
        switch number {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        default: return "signal \(number)"
        }
    }

    /// Ends the process by `number` with its default action (a shell shows 128 + number), or
    /// exits with 128 + number where that action does not end it.
    static func end(by number: Int32) -> Never {
        signal(number, SIG_DFL)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        sigaddset(&unblocked, number)
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
        raise(number)
        usleep(100_000)
        _exit(128 + number)
    }
}

/// The outputs of one run and what they were when it started.
final class ReportWatch: @unchecked Sendable {
    let queue = DispatchQueue(label: "trustline.signals")
    let reportSet: [URL]
    let outputs: [URL]
    private let initial: [URL: FileIdentity?]
    private let lock = NSLock()
    private var sources: [DispatchSourceSignal] = []

    /// A file's identity: a rename puts a new inode in place.
    struct FileIdentity: Equatable {
        var device: UInt64
        var inode: UInt64
    }

    /// Where the report set stands when a signal arrives.
    enum Phase {
        case notStarted, writing, complete
    }

    init(reportSet: [URL], otherOutputs: [URL]) {
        var seen = Set<String>()
        self.reportSet = reportSet.map(\.standardizedFileURL).filter { seen.insert($0.path).inserted }
        self.outputs = self.reportSet + otherOutputs.map(\.standardizedFileURL).filter { seen.insert($0.path).inserted }
        var initial: [URL: FileIdentity?] = [:]
        for file in self.reportSet { initial[file] = Self.identity(of: file) }
        self.initial = initial
    }

    func keep(_ source: DispatchSourceSignal) {
        lock.lock()
        sources.append(source)
        lock.unlock()
    }

    /// Runs on `queue` when a handled signal arrives; never returns.
    func stop(by number: Int32) -> Never {
        // A report set written through ReportWrites.perform is finished first (bounded), and none
        // starts after this.
        let deadline = Date().addingTimeInterval(SignalHandling.writeGrace)
        _ = ReportWrites.gate.lock(before: deadline)
        signal(number, SIG_DFL)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        sigaddset(&unblocked, number)
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
        while true {
            // A set being written is let finish (bounded); then this process's temp files go, and
            // it ends at once: only the last look and one line on stderr come between the
            // decision and the end.
            var phase = self.phase()
            while phase == .writing && Date() < deadline {
                usleep(2_000)
                phase = self.phase()
            }
            removeTemporaryFiles(ofDeadProcesses: false)
            guard self.phase() == phase else { continue }
            FileHandle.standardError.write(Data("trustline: \(message(phase, number))\n".utf8))
            SignalHandling.end(by: number)
        }
    }

    func message(_ phase: Phase, _ number: Int32) -> String {
        let name = SignalHandling.name(of: number)
        let place = reportSet.first.map { $0.deletingLastPathComponent().path } ?? "."
        switch phase {
        case .notStarted: return "stopped by \(name); no report was written (the files in \(place) are as they were)"
        case .complete: return "stopped by \(name) after the reports in \(place) were written"
        case .writing: return "stopped by \(name) while writing the reports in \(place); they may be a mix of old and new files"
        }
    }

    /// Not started: every file of the set is the one found at start and no temp file of ours
    /// exists; complete: every file was replaced and no temp file of ours is left.
    func phase() -> Phase {
        // Temp files first: a temp file created after this look and renamed before the next line
        // shows as a replaced file.
        let busy = !temporaryFiles(ofDeadProcesses: false).isEmpty
        let replaced = reportSet.filter { Self.identity(of: $0) != initial[$0] ?? nil }.count
        if !busy && replaced == 0 { return .notStarted }
        if !busy && replaced == reportSet.count { return .complete }
        return .writing
    }

    /// Removes AtomicFileWriter's temp files next to the outputs: this process's own, or those
    /// of processes that no longer exist.
    func removeTemporaryFiles(ofDeadProcesses: Bool) {
        for file in temporaryFiles(ofDeadProcesses: ofDeadProcesses) { unlink(file.path) }
    }

    /// `.NAME.PID.UUID.tmp` files next to an output named NAME, whose PID is this process's (or,
    /// with `ofDeadProcesses`, a process that does not exist).
    func temporaryFiles(ofDeadProcesses: Bool) -> [URL] {
        var byDirectory: [URL: Set<String>] = [:]
        for output in outputs { byDirectory[output.deletingLastPathComponent(), default: []].insert(output.lastPathComponent) }
        let own = getpid()
        var found: [URL] = []
        for (directory, names) in byDirectory {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { continue }
            for entry in entries {
                guard let (name, pid) = Self.temporaryFileParts(entry), names.contains(name) else { continue }
                let matches = ofDeadProcesses ? pid != own && !Self.isAlive(pid) : pid == own
                if matches { found.append(directory.appendingPathComponent(entry)) }
            }
        }
        return found
    }

    /// The target's name and the writer's pid of an AtomicFileWriter temp file name
    /// (`.NAME.PID.UUID.tmp`), or nil for any other name.
    static func temporaryFileParts(_ entry: String) -> (name: String, pid: pid_t)? {
        guard entry.hasPrefix("."), entry.hasSuffix(".tmp") else { return nil }
        let parts = entry.dropFirst().dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 3, let uuid = parts.last, UUID(uuidString: String(uuid)) != nil, uuid.count == 36,
            let pid = pid_t(parts[parts.count - 2]), pid > 0
        else { return nil }
        let name = parts.dropLast(2).joined(separator: ".")
        return name.isEmpty ? nil : (name, pid)
    }

    static func isAlive(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    static func identity(of file: URL) -> FileIdentity? {
        var info = stat()
        guard lstat(file.path, &info) == 0 else { return nil }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}
