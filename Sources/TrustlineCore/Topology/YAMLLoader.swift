// YAMLLoader — reads topology text into a YAMLNode safely: bounded size, depth and alias expansion.
//
// Yams resolves aliases while composing and hashes every mapping key to find duplicates, so an
// alias "bomb" used as a key would hang inside `compose` before any check of ours could run.
// The loader therefore never lets Yams see an alias: every `*` is first replaced by the
// private-use character U+E000 (same length in Unicode scalars, so every line and column stays
// true), which turns each alias token into a harmless plain scalar. The loader then resolves
// those placeholders itself, against the anchors Yams recorded, counting the expanded size as it
// goes and stopping at a budget. `*` inside other scalars is restored afterwards.

import Foundation
import Yams

enum YAMLLoader {
    /// The largest topology file read (1 MiB: a thousand times any real one).
    static let maximumBytes = 1 << 20
    /// The most nodes the document may expand to, aliases included.
    static let maximumNodes = 200_000
    /// The most scalar text (UTF-8 bytes) the document may expand to, aliases included.
    static let maximumScalarBytes = 8 << 20
    /// The deepest nesting accepted (a topology needs five levels).
    static let maximumDepth = 64
    /// Stands in for `*` while Yams parses the text.
    static let aliasMarker: Unicode.Scalar = "\u{E000}"

    /// A failure that stops loading: one issue with its place.
    struct Failure: Error {
        var mark: YAMLMark?
        var message: String
    }

    /// Parses `text` into a tree; `nil` for an empty document.
    static func load(_ text: String) throws(Failure) -> YAMLNode? {
        let size = text.utf8.count
        guard size <= maximumBytes else {
            throw Failure(message: "the file is \(size) bytes; a topology file may be at most \(maximumBytes) bytes (1 MiB)")
        }
        let sanitized = try sanitize(text)
        let parser: Parser
        let root: Node?
        do {
            parser = try Parser(yaml: sanitized, resolver: .basic, constructor: .default, encoding: .utf8)
            root = try parser.singleRoot()
        } catch {
            throw failure(from: error, text: sanitized)
        }
        guard let root else { return nil }
        // The anchors are weak references kept alive by the parser: keep it until expansion is done.
        return try withExtendedLifetime(parser) { () throws(Failure) -> YAMLNode in
            var expander = AliasExpander()
            return try expander.expand(root, depth: 1).node
        }
    }

    /// `text` with every `*` replaced by the alias marker; refuses text that already holds the marker.
    private static func sanitize(_ text: String) throws(Failure) -> String {
        var output = String.UnicodeScalarView()
        var line = 1
        var column = 1
        for scalar in text.unicodeScalars {
            switch scalar {
            case "*":
                output.append(aliasMarker)
            case aliasMarker:
                throw Failure(
                    mark: YAMLMark(line: line, column: column),
                    message: "the file contains the private-use character U+E000, which a topology file may not use")
            default:
                output.append(scalar)
            }
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return String(output)
    }

    /// Text with the alias marker turned back into `*`.
    static func restore(_ text: String) -> String {
        guard text.unicodeScalars.contains(aliasMarker) else { return text }
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            output.append(scalar == aliasMarker ? "*" : scalar)
        }
        return String(output)
    }

    /// A Yams error as one located failure.
    private static func failure(from error: Error, text: String) -> Failure {
        func located(_ mark: Mark, _ problem: String, _ context: YamlError.Context?) -> Failure {
            if problem.hasPrefix("Maximum nesting level reached") {
                // libyaml's own limit (1000 levels), far beyond ours.
                return Failure(
                    mark: YAMLMark(line: mark.line, column: mark.column),
                    message: "the document is nested more than \(maximumDepth) levels deep")
            }
            if problem == "but found another document" {
                return Failure(
                    mark: YAMLMark(line: mark.line, column: mark.column),
                    message: "invalid YAML: the file holds more than one document ('---'); a topology is a single document")
            }
            var message = "invalid YAML: \(restore(problem))"
            if let context, !context.text.isEmpty {
                message += " (\(restore(context.text)) at line \(context.mark.line), column \(context.mark.column))"
            }
            if hasTab(beforeColumn: mark.column, onLine: mark.line, in: text) {
                message += "; YAML cannot indent with tabs"
            }
            return Failure(mark: YAMLMark(line: mark.line, column: mark.column), message: message)
        }
        guard let error = error as? YamlError else {
            return Failure(message: "invalid YAML: \(restore(String(describing: error)))")
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return located(mark, problem, context)
        case .reader(let problem, let offset, _, _):
            return Failure(mark: offset.map { mark(atCharacterOffset: $0, in: text) }, message: "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\(TopologyFormat.display(restore($0)))'" }.joined(separator: ", ")
            return Failure(
                mark: YAMLMark(line: context.mark.line, column: context.mark.column),
                message: "key \(keys) appears more than once in the same mapping (first here)")
        default:
            return Failure(message: "invalid YAML: \(restore(String(describing: error)))")
        }
    }

    /// Whether the line holds a tab at or before the column (the usual cause of "cannot start any token").
    private static func hasTab(beforeColumn column: Int, onLine line: Int, in text: String) -> Bool {
        var current = 1
        var position = 1
        for scalar in text.unicodeScalars {
            if current == line {
                if scalar == "\n" || position > column { return false }
                if scalar == "\t" { return true }
                position += 1
            } else if current > line {
                return false
            }
            if scalar == "\n" { current += 1 }
        }
        return false
    }

    /// The line and column of the character at `offset` (in Characters, as Yams counts it).
    private static func mark(atCharacterOffset offset: Int, in text: String) -> YAMLMark {
        var line = 1
        var column = 1
        for character in text.prefix(max(0, offset)) {
            if character.isNewline {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
        }
        return YAMLMark(line: line, column: column)
    }
}

/// Converts a Yams tree into a `YAMLNode`, resolving alias placeholders under the loader's budget.
private struct AliasExpander {
    /// A converted node with the size it stands for once aliases are expanded.
    struct Expanded {
        var node: YAMLNode
        var nodes: Int
        var bytes: Int
        var height: Int
    }

    private var anchors: [String: Expanded] = [:]
    private var nodes = 0
    private var bytes = 0

    mutating func expand(_ node: Node, depth: Int) throws(YAMLLoader.Failure) -> Expanded {
        let mark = node.mark.map { YAMLMark(line: $0.line, column: $0.column) } ?? YAMLMark(line: 1, column: 1)
        guard depth <= YAMLLoader.maximumDepth else {
            throw YAMLLoader.Failure(mark: mark, message: "the document is nested more than \(YAMLLoader.maximumDepth) levels deep")
        }
        let expanded: Expanded
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, scalar.string.unicodeScalars.first == YAMLLoader.aliasMarker {
                return try alias(scalar.string, at: mark, depth: depth)
            }
            let text = YAMLLoader.restore(scalar.string)
            try count(nodes: 1, bytes: text.utf8.count, at: mark)
            let style: YAMLScalar.Style =
                switch scalar.style {
                case .singleQuoted, .doubleQuoted: .quoted
                case .literal, .folded: .block
                case .plain, .any: .plain
                }
            let tag = scalar.tag.rawValue.isEmpty ? nil : scalar.tag.rawValue
            let value = YAMLScalar(text: text, style: style, tag: tag, mark: mark)
            expanded = Expanded(node: .scalar(value), nodes: 1, bytes: text.utf8.count, height: 1)
        case .sequence(let sequence):
            try count(nodes: 1, bytes: 0, at: mark)
            var children: [YAMLNode] = []
            var total = Expanded(node: .sequence([], mark), nodes: 1, bytes: 0, height: 1)
            for child in sequence {
                let item = try expand(child, depth: depth + 1)
                children.append(item.node)
                total.add(item)
            }
            total.node = .sequence(children, mark)
            expanded = total
        case .mapping(let mapping):
            try count(nodes: 1, bytes: 0, at: mark)
            var entries: [YAMLEntry] = []
            var total = Expanded(node: .mapping([], mark), nodes: 1, bytes: 0, height: 1)
            for (keyNode, valueNode) in mapping {
                let key = try expand(keyNode, depth: depth + 1)
                let value = try expand(valueNode, depth: depth + 1)
                guard case .scalar(let keyScalar) = key.node else {
                    throw YAMLLoader.Failure(
                        mark: key.node.mark,
                        message: "a mapping key must be a name, not \(key.node.kindDescription)")
                }
                entries.append(YAMLEntry(key: keyScalar, value: value.node))
                total.add(key)
                total.add(value)
            }
            total.node = .mapping(entries, mark)
            expanded = total
        case .alias:
            throw YAMLLoader.Failure(mark: mark, message: "invalid YAML: unexpected alias node")
        }
        if let anchor = node.anchor?.rawValue {
            anchors[anchor] = expanded
        }
        return expanded
    }

    /// The anchored node an alias placeholder (`U+E000name`) stands for.
    private mutating func alias(_ placeholder: String, at mark: YAMLMark, depth: Int) throws(YAMLLoader.Failure) -> Expanded {
        let name = String(placeholder.unicodeScalars.dropFirst())
        guard !name.isEmpty, name.unicodeScalars.allSatisfy(Self.isAnchorCharacter) else {
            throw YAMLLoader.Failure(
                mark: mark,
                message: "invalid YAML: malformed alias '\(TopologyFormat.display(YAMLLoader.restore(placeholder)))'")
        }
        guard let target = anchors[name] else {
            throw YAMLLoader.Failure(
                mark: mark,
                message: "invalid YAML: unknown alias '*\(TopologyFormat.display(name))' (define '&\(TopologyFormat.display(name))' before using it)")
        }
        guard depth - 1 + target.height <= YAMLLoader.maximumDepth else {
            throw YAMLLoader.Failure(mark: mark, message: "the document is nested more than \(YAMLLoader.maximumDepth) levels deep once aliases are expanded")
        }
        try count(nodes: target.nodes, bytes: target.bytes, at: mark)
        return target
    }

    private mutating func count(nodes added: Int, bytes addedBytes: Int, at mark: YAMLMark) throws(YAMLLoader.Failure) {
        nodes += added
        bytes += addedBytes
        guard nodes <= YAMLLoader.maximumNodes, bytes <= YAMLLoader.maximumScalarBytes else {
            throw YAMLLoader.Failure(
                mark: mark,
                message:
                    "the document expands to more than \(YAMLLoader.maximumNodes) nodes or \(YAMLLoader.maximumScalarBytes) bytes of text (through aliases?); refusing to read it"
            )
        }
    }

    /// The characters libyaml accepts in anchor and alias names.
    private static func isAnchorCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_": true
        default: false
        }
    }
}

extension AliasExpander.Expanded {
    fileprivate mutating func add(_ child: AliasExpander.Expanded) {
        nodes += child.nodes
        bytes += child.bytes
        height = max(height, child.height + 1)
    }
}
