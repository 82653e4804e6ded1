// ReportTimestamp — the one date format of every report: ISO 8601, UTC, whole seconds
// (`2026-11-21T10:00:00Z`), so that the same audit always renders to the same bytes.
import Foundation
import TrustlineCore

/// Formats and reads report timestamps.
public enum ReportTimestamp {
    /// `2026-11-21T10:00:00Z`; fractions of a second are dropped (rounded towards the past).
    public static func string(from date: Date) -> String {
        PolicyDate.iso8601(date.timeIntervalSince1970)
    }

    /// Reads an RFC 3339 timestamp (`Z` or an offset; fractions of a second allowed).
    public static func date(from string: String) -> Date? {
        let whole = ISO8601DateFormatter()
        whole.formatOptions = [.withInternetDateTime]
        if let date = whole.date(from: string) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: string)
    }
}
