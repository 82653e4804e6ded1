// AtomicWriteError — why a report file could not be written: the file, the step, the system's reason.
import Foundation

/// A report file could not be written.
public struct AtomicWriteError: Error, LocalizedError, Sendable, Equatable {
    /// The file that was to be written.
    public let path: String
    /// What was being done (`move it into place`).
    public let step: String
    /// The system's reason (`Permission denied`).
    public let reason: String

    public init(path: String, step: String, reason: String) {
        self.path = path
        self.step = step
        self.reason = reason
    }

    public var errorDescription: String? {
        "could not write \(path): could not \(step): \(reason)"
    }
}
