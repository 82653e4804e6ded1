// ASCIIText — byte-level versions of the Foundation string calls on an audit's hot path
// (trimming, percent-decoding). On Linux each Foundation call bridges to NSString and walks
// UTF-16: per response header and per policy document they were 10 % of an audit's CPU.

extension StringProtocol {
    /// The text without leading and trailing ASCII white space (space, tab, CR, LF, VT, FF), as
    /// HTTP and AWS timestamps define it. Other white space (e.g. U+00A0) is kept.
    public var trimmingASCIIWhitespace: String {
        let bytes = Substring(self).utf8
        guard let first = bytes.firstIndex(where: { !isASCIIWhitespace($0) }) else { return "" }
        guard let last = bytes.lastIndex(where: { !isASCIIWhitespace($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    /// `%XX` sequences decoded as UTF-8 bytes, everything else kept (`+` stays `+`); nil when a
    /// `%` is not followed by two hex digits or the result is not valid UTF-8, as Foundation's
    /// `removingPercentEncoding`.
    public var percentDecoded: String? {
        let bytes = Array(utf8)
        guard bytes.contains(UInt8(ascii: "%")) else { return String(self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "%") else {
                out.append(byte)
                index += 1
                continue
            }
            guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else {
                return nil
            }
            out.append(high << 4 | low)
            index += 3
        }
        return String(validating: out, as: UTF8.self)
    }
}

private func isASCIIWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (0x09...0x0D).contains(byte)
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}
