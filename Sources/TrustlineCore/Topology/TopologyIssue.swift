// TopologyIssue — one problem found in a topology file, located by file, line and field.

/// One problem in a topology file.
public struct TopologyIssue: Sendable, Hashable, CustomStringConvertible {
    /// The file, as given to the parser.
    public var file: String
    /// The 1-based line of the value (or key) at fault; `nil` when the problem has no place
    /// (the file is unreadable, or a required top-level section is missing).
    public var line: Int?
    /// The 1-based column (in Unicode scalars), when known.
    public var column: Int?
    /// The field path, for example `environments[1].account` (indices are 0-based);
    /// empty when the problem concerns the whole file.
    public var field: String
    /// What is wrong, and how to fix it when that is not obvious.
    public var message: String

    /// Creates an issue.
    public init(file: String, line: Int? = nil, column: Int? = nil, field: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    /// The issue as one line: `FILE:LINE:COLUMN: FIELD: MESSAGE`.
    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return field.isEmpty ? "\(location): \(message)" : "\(location): \(field): \(message)"
    }
}
