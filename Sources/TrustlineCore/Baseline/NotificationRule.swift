// NotificationRule — when `trustline audit --notify` tells someone: only when something changed.
import Foundation

/// Decides whether an audit sends a notification.
public enum NotificationRule {
    /// With a baseline: when trust was lost or a finding is new, resolved or accepted — an
    /// unchanged night sends nothing, however many findings remain open. Without one (the first
    /// run) there is nothing to compare with: only when the audit did not pass (exit 1 or 3).
    public static func shouldNotify(report: AuditReport, diff: ReportDiff?) -> Bool {
        if let diff { return diff.hasChanges }
        return report.summary.exitCode != 0
    }
}
