// YAMLNode — the small, position-carrying YAML tree the topology decoder reads.

/// A position in a YAML document: 1-based line and column (columns count Unicode scalars).
struct YAMLMark: Sendable, Equatable {
    var line: Int
    var column: Int
}

/// A scalar exactly as written: its raw text (so `012345678901` keeps its leading zero),
/// its style and its explicit tag, if any.
struct YAMLScalar: Sendable {
    enum Style: Sendable { case plain, quoted, block }

    var text: String
    var style: Style
    /// The explicit tag (`tag:yaml.org,2002:str` for quoted scalars), `nil` for plain ones.
    var tag: String?
    var mark: YAMLMark

    /// A plain, untagged `~`, `null` or empty scalar: YAML's null.
    var isNull: Bool {
        style == .plain && tag == nil && ["", "~", "null", "Null", "NULL"].contains(text)
    }
}

/// One `key: value` pair of a mapping; keys are always scalars in a topology.
struct YAMLEntry: Sendable {
    var key: YAMLScalar
    var value: YAMLNode
}

/// A YAML node with its position; aliases are already resolved.
indirect enum YAMLNode: Sendable {
    case scalar(YAMLScalar)
    case sequence([YAMLNode], YAMLMark)
    case mapping([YAMLEntry], YAMLMark)

    var mark: YAMLMark {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .sequence(_, let mark), .mapping(_, let mark): mark
        }
    }

    /// How a message names this kind of node: "a list", "a mapping", "null", "a string"…
    var kindDescription: String {
        switch self {
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .scalar(let scalar):
            if scalar.isNull { return "nothing (null)" }
            if scalar.style != .plain || scalar.tag != nil { return "a string" }
            if scalar.text.allSatisfy(\.isNumber) { return "a number" }
            if ["true", "false", "True", "False", "TRUE", "FALSE"].contains(scalar.text) { return "a boolean" }
            return "a string"
        }
    }
}
