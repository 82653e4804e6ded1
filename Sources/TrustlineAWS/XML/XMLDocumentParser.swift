// XMLDocumentParser — parses network XML with libxml2, hardened against hostile documents.
import CLibXML2
import Foundation

/// Why an XML document was refused.
public struct XMLParseError: Error, LocalizedError, Sendable, Equatable {
    public enum Code: String, Sendable {
        case tooLarge = "the document is larger than the limit"
        case doctypeNotAllowed = "the document has a DOCTYPE or entity declaration, which AWS never sends"
        case malformed = "the document is not well-formed XML"
        case empty = "the document is empty"
        case tooDeep = "the document nests elements too deeply"
        case tooManyAttributes = "an element has more attributes than the limit"
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, detail: String = "") {
        self.code = code
        self.detail = detail
    }

    public var errorDescription: String? {
        "XML rejected: \(code.rawValue)\(detail.isEmpty ? "" : " (\(detail))")"
    }
}

/// Parses XML from the network with libxml2.
///
/// Hardening: no network access (`XML_PARSE_NONET`), no entity substitution (`XML_PARSE_NOENT`
/// is never set), no DTD loading or validation, never `XML_PARSE_HUGE`; any document with a
/// DOCTYPE or `<!ENTITY` is refused before libxml2 sees it; size, depth and attributes per element
/// are capped. Documents are read as UTF-8 (what AWS sends), whatever they declare, so that the
/// byte scans see what libxml2 sees.
public enum XMLDocumentParser {
    /// Largest document accepted, in bytes.
    public static let defaultMaxSize = 16 << 20
    static let maxDepth = 64
    /// libxml2 (2.9) compares each attribute of a start tag with every one before it: 40,000
    /// attributes on one element took 16 s. AWS sends at most a namespace declaration or two.
    static let maxAttributes = 64

    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    public static func parse(_ data: Data, maxSize: Int = defaultMaxSize) throws -> XMLElement {
        _ = initialized
        guard data.count <= maxSize else { throw XMLParseError(.tooLarge, detail: "\(data.count) bytes, limit \(maxSize)") }
        guard !data.isEmpty else { throw XMLParseError(.empty) }
        if containsDeclaration(data) { throw XMLParseError(.doctypeNotAllowed) }
        if hasTooManyAttributes(data) { throw XMLParseError(.tooManyAttributes, detail: "limit \(maxAttributes)") }

        let options = Int32(
            XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue
                | XML_PARSE_IGNORE_ENC.rawValue)
        let document: xmlDocPtr? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return nil }
            return xmlReadMemory(base.assumingMemoryBound(to: CChar.self), Int32(raw.count), "aws-response.xml", "UTF-8", options)
        }
        guard let document else {
            throw XMLParseError(.malformed, detail: lastErrorMessage())
        }
        defer { xmlFreeDoc(document) }
        // Belt and braces: libxml2 records any internal or external subset it saw.
        if document.pointee.intSubset != nil || document.pointee.extSubset != nil {
            throw XMLParseError(.doctypeNotAllowed)
        }
        guard let root = xmlDocGetRootElement(document) else { throw XMLParseError(.empty) }
        return try convert(root, depth: 0)
    }

    /// Parses a UTF-8 string (for tests and fixtures).
    public static func parse(_ string: String) throws -> XMLElement {
        try parse(Data(string.utf8))
    }

    private static func convert(_ node: xmlNodePtr, depth: Int) throws -> XMLElement {
        guard depth < maxDepth else { throw XMLParseError(.tooDeep) }
        let name = node.pointee.name.map { String(cString: $0) } ?? ""
        var element = XMLElement(name: name)
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                element.children.append(try convert(current, depth: depth + 1))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { element.text += String(cString: content) }
            case XML_ENTITY_REF_NODE, XML_ENTITY_NODE, XML_ENTITY_DECL, XML_DTD_NODE:
                throw XMLParseError(.doctypeNotAllowed)
            default:
                break
            }
            child = current.pointee.next
        }
        return element
    }

    /// Whether the bytes hold `<!DOCTYPE` or `<!ENTITY` (XML keywords are case-sensitive, but
    /// we compare case-insensitively to refuse anything that looks like one).
    static func containsDeclaration(_ data: Data) -> Bool {
        let needles: [[UInt8]] = [Array("<!DOCTYPE".utf8), Array("<!ENTITY".utf8)]
        return data.withUnsafeBytes { raw -> Bool in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard bytes.count >= 8 else { return false }
            var index = 0
            while index < bytes.count - 1 {
                if bytes[index] == UInt8(ascii: "<"), bytes[index + 1] == UInt8(ascii: "!") {
                    for needle in needles where index + needle.count <= bytes.count {
                        var match = true
                        for offset in 2..<needle.count where bytes[index + offset] & 0xDF != needle[offset] {
                            match = false
                            break
                        }
                        if match { return true }
                    }
                }
                index += 1
            }
            return false
        }
    }

    /// Whether a start tag holds more than `maxAttributes` attributes (one `=` each, outside quotes).
    /// Comments, processing instructions and CDATA sections are skipped; a linear scan of UTF-8 bytes.
    static func hasTooManyAttributes(_ data: Data) -> Bool {
        data.withUnsafeBytes { raw -> Bool in
            let bytes = raw.bindMemory(to: UInt8.self)
            /// The index just past the first `terminator` at or after `start` (the end when absent).
            func skip(from start: Int, to terminator: [UInt8]) -> Int {
                var index = start
                while index + terminator.count <= bytes.count {
                    if bytes[index] == terminator[0], (1..<terminator.count).allSatisfy({ bytes[index + $0] == terminator[$0] }) {
                        return index + terminator.count
                    }
                    index += 1
                }
                return bytes.count
            }
            func startsWith(_ prefix: [UInt8], at index: Int) -> Bool {
                index + prefix.count <= bytes.count && prefix.indices.allSatisfy { bytes[index + $0] == prefix[$0] }
            }
            let (comment, commentEnd) = (Array("<!--".utf8), Array("-->".utf8))
            let (cdata, cdataEnd) = (Array("<![CDATA[".utf8), Array("]]>".utf8))
            let (instruction, instructionEnd) = (Array("<?".utf8), Array("?>".utf8))
            var index = 0
            while index < bytes.count {
                guard bytes[index] == UInt8(ascii: "<") else {
                    index += 1
                    continue
                }
                if startsWith(comment, at: index) {
                    index = skip(from: index + comment.count, to: commentEnd)
                } else if startsWith(cdata, at: index) {
                    index = skip(from: index + cdata.count, to: cdataEnd)
                } else if startsWith(instruction, at: index) {
                    index = skip(from: index + instruction.count, to: instructionEnd)
                } else {
                    // A tag: count `=` outside quoted values, up to the `>` that ends it.
                    var attributes = 0
                    var quote: UInt8 = 0
                    index += 1
                    while index < bytes.count {
                        let byte = bytes[index]
                        index += 1
                        if quote != 0 {
                            if byte == quote { quote = 0 }
                        } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                            quote = byte
                        } else if byte == UInt8(ascii: "=") {
                            attributes += 1
                            if attributes > maxAttributes { return true }
                        } else if byte == UInt8(ascii: ">") {
                            break
                        }
                    }
                }
            }
            return false
        }
    }

    private static func lastErrorMessage() -> String {
        guard let error = xmlGetLastError(), let message = error.pointee.message else { return "" }
        let text = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
        return "line \(error.pointee.line): \(text)"
    }
}
