// CanonicalJSON — writes a JSONSerialization object tree back as compact JSON with sorted keys,
// byte for byte what `JSONSerialization.data(withJSONObject:options: [.sortedKeys,
// .withoutEscapingSlashes])` writes, at a fraction of its cost: Foundation's writer first checks
// the whole tree (`isValidJSONObject`) and bridges every dictionary to NSDictionary, which was
// 60 % of an audit's CPU. The tree here always comes from `JSONSerialization.jsonObject`, so it
// is valid by construction.
import Foundation

enum CanonicalJSON {
    /// The compact sorted-key JSON of `object`, a tree read by `JSONSerialization.jsonObject`.
    static func string(_ object: Any) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(object, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func write(_ value: Any, into out: inout [UInt8]) {
        switch value {
        case let text as String:
            writeString(text, into: &out)
        case let map as [String: Any]:
            out.append(UInt8(ascii: "{"))
            for (position, key) in map.keys.sorted(by: keyOrder).enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(map[key] ?? NSNull(), into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let list as [Any]:
            out.append(UInt8(ascii: "["))
            for (position, element) in list.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let number as NSNumber:
            writeNumber(number, into: &out)
        default:
            out.append(contentsOf: "null".utf8)
        }
    }

    /// Foundation's order for `.sortedKeys`: numeric, case-insensitive, then forced (so no two
    /// distinct keys tie), in the system locale.
    private static func keyOrder(_ lhs: String, _ rhs: String) -> Bool {
        if lhs.utf8.elementsEqual(rhs.utf8) { return false }
        if let order = simpleOrder(lhs, rhs) { return order }
        return lhs.compare(
            rhs, options: [.numeric, .caseInsensitive, .forcedOrdering], range: lhs.startIndex..<lhs.endIndex,
            locale: NSLocale.system) == .orderedAscending
    }

    /// The common case without Foundation (whose locale-aware compare was 14 % of an audit's
    /// CPU): keys of ASCII letters and `:` (`Effect`, `sts:ExternalId`) that differ other than
    /// in case order by their lowercased bytes, as the collation orders them; nil otherwise.
    private static func simpleOrder(_ lhs: String, _ rhs: String) -> Bool? {
        guard lhs.utf8.allSatisfy(isSimple), rhs.utf8.allSatisfy(isSimple) else { return nil }
        let left = lhs.utf8.lazy.map { $0 | 0x20 }
        let right = rhs.utf8.lazy.map { $0 | 0x20 }
        if left.elementsEqual(right) { return nil }
        return left.lexicographicallyPrecedes(right)
    }

    private static func isSimple(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: ":")
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether JSONSerialization read this number from `true` or `false`.
    static func isBoolean(_ number: NSNumber) -> Bool {
        ObjectIdentifier(type(of: number)) == ObjectIdentifier(type(of: NSNumber(value: true)))
    }

    /// Booleans as `true`/`false`; other numbers as Foundation writes them (rare in trust
    /// policies, so its writer is used for the digits).
    private static func writeNumber(_ number: NSNumber, into out: inout [UInt8]) {
        if isBoolean(number) {
            out.append(contentsOf: (number.boolValue ? "true" : "false").utf8)
            return
        }
        guard let data = try? JSONSerialization.data(withJSONObject: number, options: [.fragmentsAllowed]) else {
            out.append(contentsOf: "null".utf8)
            return
        }
        out.append(contentsOf: data)
    }
}
