// TrustPolicyError.swift — the typed error thrown when a role trust policy cannot be read.

import Foundation

/// A trust policy that is not valid JSON or does not have the shape of an IAM policy.
///
/// The error names the field path inside the document (for example `Statement[1].Principal.AWS`)
/// so that a report can point at the exact place.
public struct TrustPolicyError: Error, Sendable, Hashable {
    /// The kind of problem, comparable in tests (`error.code == .wrongType`).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidJSON = "invalid JSON"
            case notAnObject = "not a JSON object"
            case missingField = "missing field"
            case wrongType = "wrong type"
            case invalidValue = "invalid value"
            case conflictingFields = "conflicting fields"
            case unsupportedPrincipalType = "unsupported principal type"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The text is not JSON (or not UTF-8, or nested too deeply).
        public static let invalidJSON = Code(.invalidJSON)
        /// The document itself is not a JSON object.
        public static let notAnObject = Code(.notAnObject)
        /// A required field (`Statement`, `Effect`, a principal or an action) is missing.
        public static let missingField = Code(.missingField)
        /// A field holds the wrong kind of JSON value.
        public static let wrongType = Code(.wrongType)
        /// A field holds a value IAM does not accept (e.g. `"Effect": "Maybe"`).
        public static let invalidValue = Code(.invalidValue)
        /// Two mutually exclusive fields are both present (`Principal` and `NotPrincipal`).
        public static let conflictingFields = Code(.conflictingFields)
        /// A principal type other than `AWS`, `Service`, `Federated` or `CanonicalUser`.
        public static let unsupportedPrincipalType = Code(.unsupportedPrincipalType)

        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// Where: a field path such as `Statement[1].Principal.AWS[0]`; empty for the whole document.
    public let path: String
    /// A sentence with the details.
    public let detail: String

    init(_ code: Code, path: String, _ detail: String) {
        self.code = code
        self.path = path
        self.detail = detail
    }
}

extension TrustPolicyError: CustomStringConvertible {
    public var description: String {
        let location = path.isEmpty ? "the policy document" : path
        return "trust policy: \(code) at \(location): \(detail)"
    }
}

extension TrustPolicyError: LocalizedError {
    public var errorDescription: String? { description }
}
