// ReportDecodingError — why a file given as a baseline or to `diff` is not a report trustline can read.
import Foundation

/// A file is not a trustline report (or not one of the version this trustline reads).
public struct ReportDecodingError: Error, LocalizedError, Sendable, Equatable {
    public enum Code: String, Sendable, Equatable {
        /// The bytes are not JSON at all.
        case notJSON
        /// JSON, but not shaped like a report (not an object, no `schemaVersion`).
        case notAReport
        /// A report of another `schemaVersion`.
        case unsupportedVersion
        /// A report whose fields are missing or of the wrong type.
        case invalidContent
    }

    public let code: Code
    /// The file, when the caller named it.
    public let source: String?
    public let detail: String

    public init(_ code: Code, source: String?, detail: String) {
        self.code = code
        self.source = source
        self.detail = detail
    }

    /// `baseline.json: not a trustline report: schemaVersion is 2; …`
    public var errorDescription: String? {
        (source.map { "\(SafeText.singleLine($0)): " } ?? "") + "not a trustline report: " + detail
    }
}
