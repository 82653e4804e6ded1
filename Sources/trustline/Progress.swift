// Progress — what `trustline audit` shows on stderr while it reads AWS: one updating line on a
// terminal (environments done / total, elapsed, estimate), plain lines with `--progress` when
// stderr is not one (CI logs), and `--verbose` lines. Never stdout (the summary), never a secret:
// only environment names, account ids, regions, statuses, counts and times.
import Foundation
import TrustlineAWS
import TrustlineCore

/// Shows the progress of an audit on stderr. Thread-safe: discovery reports from its tasks.
final class AuditProgress: @unchecked Sendable {
    /// How the progress is shown.
    enum Style: Equatable {
        /// Nothing (not a terminal, or `--quiet`).
        case off
        /// One line rewritten in place with `\r`, cleared at the end (an interactive terminal).
        case updating
        /// A plain line now and then (`--progress` without a terminal: CI logs keep every line).
        case lines
    }

    let style: Style
    let verbose: Bool
    private let write: @Sendable (String) -> Void
    private let now: @Sendable () -> Date
    private var requests: RequestCounter?
    private let lock = NSLock()
    private var started: Date
    private var done = 0
    private var total = 0
    private var shown = false
    private var lastDrawn: Date?
    private var finished = false
    private var ticker: Task<Void, Never>?

    /// Seconds between two plain lines (`.lines`).
    static let lineInterval: TimeInterval = 10

    init(
        style: Style, verbose: Bool, now: @escaping @Sendable () -> Date = { Date() },
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.style = style
        self.verbose = verbose
        self.now = now
        self.write = write
        self.started = now()
    }

    /// The style for this run: `--quiet` silences it; a terminal on stderr gets the updating line
    /// (not a `TERM=dumb` one, which cannot erase it); otherwise only `--progress` asks for plain lines.
    static func style(
        quiet: Bool, forced: Bool, stderrIsTerminal: Bool = isatty(STDERR_FILENO) == 1,
        term: String? = ProcessInfo.processInfo.environment["TERM"]
    ) -> Style {
        if quiet { return .off }
        if stderrIsTerminal && term != "dumb" { return .updating }
        return forced ? .lines : .off
    }

    /// Starts the clock (and, on a terminal, a once-a-second redraw, so the elapsed time moves
    /// while a slow account is read).
    /// - Parameter requests: counts the requests sent, for `--verbose`.
    func start(total: Int, requests: RequestCounter? = nil) {
        locked {
            started = now()
            self.total = total
            self.requests = requests
            if verbose { emitLocked("trustline: reading \(Self.environments(total)) from AWS\n") }
            drawLocked(force: true)
        }
        guard style == .updating else { return }
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 1_000_000_000)
                guard !Task.isCancelled, let self else { return }
                self.locked { self.drawLocked(force: true) }
            }
        }
        locked { ticker = task }
    }

    /// Discovery's callback: `done` of `total` environments read.
    func update(done: Int, total: Int) {
        locked {
            let previous = self.done
            self.done = done
            self.total = total
            let said = verbose && done > previous
            if said {
                var line = "trustline: \(done)/\(total) environments read (+\(done - previous)) after \(Self.duration(now().timeIntervalSince(started)))"
                if let count = requests?.count { line += ", \(count) request\(count == 1 ? "" : "s") sent" }
                emitLocked(line + "\n", redraw: false)
            }
            drawLocked(force: said || done >= total)
        }
    }

    /// `--verbose`: a line of context.
    func note(_ text: String) {
        guard verbose else { return }
        locked { emitLocked("trustline: \(text)\n") }
    }

    /// `--verbose`: one line per environment of the finished audit, in report order.
    func report(_ environments: [EnvironmentResult]) {
        guard verbose else { return }
        locked {
            for environment in environments { emitLocked("trustline: \(Self.environmentLine(environment))\n") }
        }
    }

    /// Stops the redraw and clears the updating line; says how long it took with `--verbose`.
    func finish() {
        locked {
            ticker?.cancel()
            ticker = nil
            guard !finished else { return }
            if shown { write("\r\u{1B}[K") }
            shown = false
            finished = true
            if verbose {
                var line = "trustline: read \(Self.environments(done)) in \(Self.duration(now().timeIntervalSince(started)))"
                if let count = requests?.count { line += " with \(count) request\(count == 1 ? "" : "s")" }
                write(line + "\n")
            }
        }
    }

    private func locked(_ body: () -> Void) {
        lock.withLock { body() }
    }

    /// Writes a whole line above the updating one (lock held), and draws that again unless the
    /// caller is about to.
    private func emitLocked(_ text: String, redraw: Bool = true) {
        let wasShown = shown
        if shown { write("\r\u{1B}[K") }
        shown = false
        write(text)
        if wasShown && redraw { drawLocked(force: true) }
    }

    /// Draws the progress (lock held): on a terminal at most ten times a second, as plain lines
    /// at most every ``lineInterval`` seconds; `force` for the first, the last and the clock ticks.
    private func drawLocked(force: Bool) {
        guard !finished, style != .off, total > 0 else { return }
        let current = now()
        let interval = style == .lines ? Self.lineInterval : 0.1
        if !force, let lastDrawn, current.timeIntervalSince(lastDrawn) < interval { return }
        lastDrawn = current
        let text = Self.line(done: done, total: total, elapsed: current.timeIntervalSince(started))
        if style == .updating {
            write("\r\u{1B}[K" + text)
            shown = true
        } else {
            write(text + "\n")
        }
    }

    // MARK: - Text

    /// `trustline: 12/40 environments · 0:34 elapsed · about 1:20 left`.
    static func line(done: Int, total: Int, elapsed: TimeInterval) -> String {
        var parts = ["trustline: \(done)/\(total) environment\(total == 1 ? "" : "s")", "\(clock(elapsed)) elapsed"]
        if let left = estimate(done: done, total: total, elapsed: elapsed) { parts.append("about \(clock(left)) left") }
        return parts.joined(separator: " · ")
    }

    /// Time left at the pace so far; `nil` at the end, and until there is a pace to speak of
    /// (something done, two seconds gone).
    static func estimate(done: Int, total: Int, elapsed: TimeInterval) -> TimeInterval? {
        guard done > 0, done < total, elapsed >= 2 else { return nil }
        return elapsed / Double(done) * Double(total - done)
    }

    /// `0:07`, `1:20`, `1:02:03`.
    static func clock(_ seconds: TimeInterval) -> String {
        let whole = max(0, Int(seconds.rounded()))
        let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
        let ss = rest < 10 ? "0\(rest)" : "\(rest)"
        if hours > 0 { return "\(hours):\(minutes < 10 ? "0" : "")\(minutes):\(ss)" }
        return "\(minutes):\(ss)"
    }

    /// `0.4s`, `12.3s`, then as ``clock(_:)`` from a minute on: for `--verbose`.
    static func duration(_ seconds: TimeInterval) -> String {
        guard seconds < 59.95 else { return clock(seconds) }
        let tenths = max(0, Int((seconds * 10).rounded()))
        return "\(tenths / 10).\(tenths % 10)s"
    }

    /// `dev aws://222222222222/us-east-1 ok`: names, ids and the status only.
    static func environmentLine(_ environment: EnvironmentResult) -> String {
        "\(clean(environment.name)) aws://\(clean(environment.account))/\(clean(environment.region)) \(environment.status.rawValue)"
    }

    static func environments(_ count: Int) -> String {
        "\(count) environment\(count == 1 ? "" : "s")"
    }

    /// Control characters out: a name from a file must not move the cursor.
    private static func clean(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }
}

/// Counts the HTTP requests an audit sends (for `--verbose`), passing them on unchanged.
final class RequestCounter: HTTPClient, @unchecked Sendable {
    private let base: HTTPClient
    private let lock = NSLock()
    private var sent = 0

    init(_ base: HTTPClient) {
        self.base = base
    }

    /// Requests sent so far (retries and credential calls included).
    var count: Int { lock.withLock { sent } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        lock.withLock { sent += 1 }
        return try await base.send(request)
    }
}
