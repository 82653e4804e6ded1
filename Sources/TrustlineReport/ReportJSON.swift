// ReportJSON — `trustline-report.json`: the deterministic encoding of an AuditReport (sorted keys,
// pretty-printed, whole-second UTC dates, unescaped slashes, trailing newline), and its decoding
// for `--baseline` and `diff`. `schemas/trustline-report.schema.json` describes the format.
import Foundation
import TrustlineCore

/// Encodes and decodes `trustline-report.json`.
public enum ReportJSON {
    /// The report format this version writes and reads.
    public static let schemaVersion = 1

    /// The report as JSON bytes; the same report always gives the same bytes.
    ///
    /// The bytes of `JSONEncoder` (pretty-printed, sorted keys) over the whole report, made one
    /// array element at a time: the encoder builds a tree of the whole value before writing it,
    /// which for 5,000 environments was the audit's peak memory. The report without its three
    /// arrays is encoded, and each array's elements are encoded alone and indented into it.
    public static func encode(_ report: AuditReport) throws -> Data {
        let encoder = makeEncoder()
        var skeleton = report
        skeleton.environments = []
        skeleton.findings = []
        skeleton.remediation = []
        let frame = [UInt8](try encoder.encode(skeleton))
        // Where each empty array of the frame is, between its brackets; filled in document order.
        var gaps: [(range: Range<Int>, write: (inout [UInt8]) throws -> Void)] = [
            (try gap("environments", in: frame), { try write(report.environments, into: &$0, encoder: encoder) }),
            (try gap("findings", in: frame), { try write(report.findings, into: &$0, encoder: encoder) }),
            (try gap("remediation", in: frame), { try write(report.remediation, into: &$0, encoder: encoder) }),
        ]
        gaps.sort { $0.range.lowerBound < $1.range.lowerBound }
        var pretty: [UInt8] = []
        var cursor = 0
        for (range, write) in gaps {
            pretty += frame[cursor..<range.lowerBound]
            let before = pretty.count
            try write(&pretty)
            if pretty.count == before { pretty += frame[range] }  // an empty array stays as the encoder wrote it
            cursor = range.upperBound
        }
        pretty += frame[cursor...]
        return pretty.withUnsafeBufferPointer { compactEmptyContainers(bytes: $0) }
    }

    /// The single-value encoding the report always had, for the tests that hold `encode` to it.
    static func encodeWhole(_ report: AuditReport) throws -> Data {
        compactEmptyContainers(try makeEncoder().encode(report))
    }

    private static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ReportTimestamp.string(from: date))
        }
        return encoder
    }

    /// The inside of the empty top-level array `key` of the frame (`\n  "key" : [` … `]`).
    private static func gap(_ key: String, in frame: [UInt8]) throws -> Range<Int> {
        let opening = Array("\n  \"\(key)\" : [".utf8)
        guard let start = frame.firstRange(of: opening)?.upperBound, let close = frame[start...].firstIndex(of: UInt8(ascii: "]")) else {
            throw EncodingError.invalidValue(key, .init(codingPath: [], debugDescription: "no top-level \(key) array in the report"))
        }
        return start..<close
    }

    /// The elements, each encoded alone and indented by four spaces as the encoder nests them.
    private static func write<Element: Encodable>(_ elements: [Element], into out: inout [UInt8], encoder: JSONEncoder) throws {
        guard !elements.isEmpty else { return }
        let indent: [UInt8] = Array("    ".utf8)
        for (index, element) in elements.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\n"))
            out += indent
            try encoder.encode(element).withUnsafeBytes { raw in
                let encoded = raw.bindMemory(to: UInt8.self)
                var lineStart = 0
                var offset = 0
                while offset < encoded.count {
                    if encoded[offset] == UInt8(ascii: "\n") {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: encoded[lineStart...offset]))
                        out += indent
                        lineStart = offset + 1
                    }
                    offset += 1
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: encoded[lineStart...]))
            }
        }
        out += Array("\n  ".utf8)
    }

    /// `[\n\n    ]` → `[]` and `{\n\n    }` → `{}`, and a trailing newline. JSON strings never
    /// hold a raw line break, so a bracket followed by one can only be structure. A byte scan: a
    /// regular expression over a 1,000-environment report was 1 % of the audit's CPU.
    static func compactEmptyContainers(_ pretty: Data) -> Data {
        pretty.withUnsafeBytes { compactEmptyContainers(bytes: $0.bindMemory(to: UInt8.self)) }
    }

    private static func compactEmptyContainers(bytes: UnsafeBufferPointer<UInt8>) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 1)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") {
                var next = index + 1
                while next < bytes.count, bytes[next] == UInt8(ascii: "\n") || bytes[next] == UInt8(ascii: " ") { next += 1 }
                let close = byte == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
                if next < bytes.count, bytes[next] == close {
                    out += [byte, close]
                    index = next + 1
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        out.append(UInt8(ascii: "\n"))
        return Data(out)
    }

    /// Reads a report written by ``encode(_:)``.
    ///
    /// - Parameter source: the file it came from, named in errors.
    /// - Throws: ``ReportDecodingError`` ("not a trustline report: …") when the bytes are not JSON,
    ///   not a report, or of another `schemaVersion`.
    public static func decode(_ data: Data, source: String? = nil) throws -> AuditReport {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ReportDecodingError(.notJSON, source: source, detail: "the content is not JSON")
        }
        guard let root = object as? [String: Any] else {
            throw ReportDecodingError(.notAReport, source: source, detail: "the JSON is not an object")
        }
        guard root["schemaVersion"] != nil else {
            throw ReportDecodingError(.notAReport, source: source, detail: "it has no schemaVersion")
        }
        let version = (try? JSONDecoder().decode(VersionProbe.self, from: data))?.schemaVersion ?? "not a number"
        guard version == String(schemaVersion) else {
            throw ReportDecodingError(
                .unsupportedVersion, source: source,
                detail: "schemaVersion is \(version); this trustline reads schemaVersion \(schemaVersion)")
        }

        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = ReportTimestamp.date(from: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not an ISO 8601 date-time such as 2026-11-21T10:00:00Z")
            }
            return date
        }
        do {
            return try decoder.decode(AuditReport.self, from: data)
        } catch let error as DecodingError {
            throw ReportDecodingError(.invalidContent, source: source, detail: describe(error))
        } catch {
            throw ReportDecodingError(.invalidContent, source: source, detail: String(describing: error))
        }
    }

    /// Reads `schemaVersion` alone, whatever its type, to say what it is.
    private struct VersionProbe: Decodable {
        var schemaVersion: String

        enum CodingKeys: String, CodingKey { case schemaVersion }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let number = try? container.decode(Int.self, forKey: .schemaVersion) {
                schemaVersion = String(number)
            } else if let number = try? container.decode(Double.self, forKey: .schemaVersion) {
                schemaVersion = String(number)
            } else if let text = try? container.decode(String.self, forKey: .schemaVersion) {
                schemaVersion = "the string \"\(SafeText.singleLine(String(text.prefix(40))))\""
            } else {
                schemaVersion = "not a number"
            }
        }
    }

    /// `environments[2].status: "weird" is not …` from a DecodingError.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            var out = ""
            for key in codingPath {
                if let index = key.intValue {
                    out += "[\(index)]"
                } else {
                    out += (out.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return out.isEmpty ? "the top level" : out
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : " in \(path(context.codingPath))"
            return "the field \(key.stringValue) is missing\(parent)"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(typeName(type)), found null"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(SafeText.singleLine(context.debugDescription))"
        @unknown default:
            return String(describing: error)
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is [Any].Type: return "an array"
        case is [String: Any].Type, is [String: String].Type, is [String: Int].Type: return "an object"
        default: return "\(type)"
        }
    }
}
