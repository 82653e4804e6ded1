// XMLElement — a small immutable tree of an AWS XML response, matched by local name.
import Foundation

/// An element of a parsed XML document. Names are local names (namespace prefixes dropped):
/// AWS services answer in different namespaces and trustline matches by local name only.
public struct XMLElement: Sendable, Equatable {
    public var name: String
    public var children: [XMLElement]
    /// The concatenated text directly inside this element (entities and CDATA resolved).
    public var text: String

    public init(name: String, children: [XMLElement] = [], text: String = "") {
        self.name = name
        self.children = children
        self.text = text
    }

    /// The first direct child with this local name.
    public func child(_ name: String) -> XMLElement? {
        children.first { $0.name == name }
    }

    /// The direct children with this local name.
    public func children(_ name: String) -> [XMLElement] {
        children.filter { $0.name == name }
    }

    /// Follows a path of direct children: `element["Credentials", "AccessKeyId"]`.
    public subscript(path: String...) -> XMLElement? {
        var current: XMLElement? = self
        for name in path { current = current?.child(name) }
        return current
    }

    /// The text of the child at this path, or `nil` if there is no such child.
    public func string(_ path: String...) -> String? {
        var current: XMLElement? = self
        for name in path { current = current?.child(name) }
        return current?.text
    }

    /// The `member` items of the list element at this path (empty when the list is absent).
    public func members(_ path: String...) -> [XMLElement] {
        var current: XMLElement? = self
        for name in path { current = current?.child(name) }
        return current?.children("member") ?? []
    }

    /// The first element with this local name, searching depth-first (self included).
    public func first(named name: String) -> XMLElement? {
        if self.name == name { return self }
        for child in children {
            if let found = child.first(named: name) { return found }
        }
        return nil
    }
}
