// IPAddressRange.swift — IPv4/IPv6 addresses and CIDR ranges for IpAddress conditions.

/// A CIDR block (`203.0.113.0/24`, `2001:db8::/32`) or a single address.
struct IPAddressRange: Sendable, Hashable {
    /// 4 bytes for IPv4, 16 for IPv6.
    let bytes: [UInt8]
    let prefixLength: Int

    /// Parses `address[/prefix]`; a bare address is a /32 or /128.
    init?(cidr text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let address = IPAddressRange.parseAddress(String(first)) else { return nil }
        let maxPrefix = address.count * 8
        var prefix = maxPrefix
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.utf8.count <= 3, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let value = Int(digits), value <= maxPrefix
            else { return nil }
            prefix = value
        }
        self.bytes = address
        self.prefixLength = prefix
    }

    /// Whether `address` (4 or 16 bytes) lies in the range. Families never match each other.
    func contains(_ address: [UInt8]) -> Bool {
        guard address.count == bytes.count else { return false }
        var remaining = prefixLength
        for index in 0..<bytes.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask: UInt8 = bits == 8 ? 0xFF : ~(UInt8(0xFF) >> UInt8(bits))
            if address[index] & mask != bytes[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// 4 bytes for a dotted IPv4 address, 16 for an IPv6 address, nil otherwise.
    static func parseAddress(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        if text.contains(":") { return parseIPv6(text) }
        return parseIPv4(Substring(text))
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.utf8.count <= 3, part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let value = Int(part), value <= 255
            else { return nil }
            result.append(UInt8(value))
        }
        return result
    }

    private static func parseIPv6(_ text: String) -> [UInt8]? {
        // At most one "::"; the tail may end in a dotted IPv4 address.
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            guard !part.isEmpty else { return [] }
            var out: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (offset, piece) in pieces.enumerated() {
                if offset == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    out += v4
                    continue
                }
                guard !piece.isEmpty, piece.utf8.count <= 4,
                    piece.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }),
                    let value = UInt16(piece, radix: 16)
                else { return nil }
                out += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 {
            return head.count == 16 ? head : nil
        }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}
