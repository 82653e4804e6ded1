// Diff — `trustline diff OLD.json NEW.json`: trust gained and lost, findings new and resolved.
// Also what `audit --baseline` and `audit --notify` share with it: reading a report, and
// publishing the summary of an audit to an SNS topic.
import ArgumentParser
import Foundation
import TrustlineAWS
import TrustlineCore
import TrustlineReport

extension Trustline {
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare two reports: trust gained and lost, findings new and resolved.",
            discussion: """
                OLD and NEW are trustline-report.json files (e.g. two nights of a nightly audit).
                Environments that either report could not read are not compared.
                Exit codes: 0 no trust lost; 1 trust was lost; 2 a file is missing or not a report.
                """)

        @Argument(help: "The older report (the baseline).")
        var old: String

        @Argument(help: "The newer report.")
        var new: String

        @Flag(help: "Print JSON instead of text.")
        var json = false

        @Flag(help: "Print GitHub Markdown instead of text.")
        var markdown = false

        func validate() throws {
            if json && markdown { throw ValidationError("--json and --markdown cannot be combined") }
        }

        func run() throws {
            let baseline = try loadReport(old)
            let current = try loadReport(new)
            let diff = ReportDiff.compare(baseline: baseline, current: current, baselinePath: old, currentPath: new)
            if json {
                print(String(decoding: try DiffReport.json(diff), as: UTF8.self), terminator: "")
            } else if markdown {
                print(DiffReport.markdown(diff), terminator: "")
            } else {
                print(DiffReport.text(diff), terminator: "")
            }
            if diff.hasLostTrust { throw ExitStatus.findings.exitCode }
        }
    }
}

/// Reads a trustline report (a baseline, a side of a diff); a missing or unreadable file exits 2 naming it.
func loadReport(_ path: String) throws -> AuditReport {
    guard FileManager.default.fileExists(atPath: path) else {
        FileHandle.standardError.write(Data("trustline: error: \(SafeText.singleLine(path)): no such report file\n".utf8))
        throw ExitStatus.inputError.exitCode
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("trustline: error: \(SafeText.singleLine(path)): cannot read the report file\n".utf8))
        throw ExitStatus.inputError.exitCode
    }
    do {
        return try ReportJSON.decode(data, source: path)
    } catch {
        FileHandle.standardError.write(Data("trustline: error: \((error as? LocalizedError)?.errorDescription ?? "\(error)")\n".utf8))
        throw ExitStatus.inputError.exitCode
    }
}

/// Where `audit --notify` publishes: `sns:TOPIC_ARN`.
struct NotificationTarget: Sendable {
    let topic: SNSTopicARN

    /// Reads `sns:arn:aws:sns:REGION:ACCOUNT:NAME`; anything else is a usage error (exit 2).
    init(argument: String) throws {
        guard argument.hasPrefix("sns:") else {
            throw ValidationError(
                "--notify takes sns:TOPIC_ARN (e.g. sns:arn:aws:sns:us-east-1:111111111111:trustline), not '\(SafeText.singleLine(argument))'")
        }
        do {
            topic = try SNSTopicARN(String(argument.dropFirst(4)))
        } catch let error as SNSError {
            throw ValidationError("--notify: \(error.detail)")
        }
    }

    /// Publishes the audit's summary when ``NotificationRule`` says so. Never changes the audit's
    /// outcome: a failure is printed as a warning on stderr and `false` returned.
    func publishIfNeeded(report: AuditReport, diff: ReportDiff?, profile: String?, reportLocation: String, quiet: Bool) async -> Bool {
        guard NotificationRule.shouldNotify(report: report, diff: diff) else {
            if !quiet {
                let why = diff == nil ? "the audit passed" : "nothing changed since the baseline"
                FileHandle.standardError.write(Data("trustline: \(why): no notification sent\n".utf8))
            }
            return true
        }
        let note = DiffReport.notification(report: report, diff: diff, reportLocation: reportLocation)
        do {
            let resolver = try CredentialResolver(http: CurlHTTPClient(configuration: .init()))
            let client = QueryClient(
                http: resolver.http, credentials: try resolver.provider(profile: profile), region: topic.region,
                endpoints: resolver.endpoints(profile: profile), quota: resolver.quota, environment: resolver.clientEnvironment,
                permittedActions: SNS.permittedActions)
            let id = try await SNS(client: client).publish(
                topicArn: topic.description, subject: note.subject, message: note.snsMessage(id: UUID().uuidString.lowercased()), structure: .json)
            if !quiet { FileHandle.standardError.write(Data("trustline: notified \(topic) (message id \(SafeText.singleLine(id)))\n".utf8)) }
            return true
        } catch {
            let message = (error as? LocalizedError)?.errorDescription ?? String(describing: error)
            FileHandle.standardError.write(
                Data("trustline: warning: the notification to \(topic) failed: \(SafeText.singleLine(message)) (the audit's exit code stands)\n".utf8))
            return false
        }
    }
}
