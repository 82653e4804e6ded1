// PolicyDate.swift — reads and writes the date forms IAM accepts in Date conditions.

/// Dates in `Date*` conditions: ISO 8601 (`2025-01-31`, `2025-01-31T12:00:00Z`, with fractions or
/// a `±hh:mm` offset) or epoch seconds. Values are seconds since 1970-01-01T00:00:00Z.
public enum PolicyDate {
    /// Seconds since the epoch, or nil when `text` is not a date IAM would accept.
    static func parse(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 64 else { return nil }
        if bytes.allSatisfy({ isDigit($0) || $0 == 0x2E || $0 == 0x2D }), !bytes.dropFirst().contains(0x2D) {
            return Double(text)
        }
        var reader = Reader(bytes: bytes)
        guard let year = reader.number(digits: 4), reader.expect(0x2D),
            let month = reader.number(digits: 2), reader.expect(0x2D),
            let day = reader.number(digits: 2),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * 86_400
        if reader.atEnd { return seconds }
        guard reader.expect(0x54) || reader.expect(0x74) || reader.expect(0x20),
            let hour = reader.number(digits: 2), reader.expect(0x3A),
            let minute = reader.number(digits: 2), hour <= 23, minute <= 59
        else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        if reader.expect(0x3A) {
            guard let second = reader.number(digits: 2), second <= 60 else { return nil }
            seconds += Double(second)
            if reader.expect(0x2E) {
                var scale = 0.1
                var sawDigit = false
                while let digit = reader.digit() {
                    seconds += Double(digit) * scale
                    scale /= 10
                    sawDigit = true
                }
                guard sawDigit else { return nil }
            }
        }
        if reader.atEnd || reader.expect(0x5A) || reader.expect(0x7A) {
            return reader.atEnd ? seconds : nil
        }
        let sign: Double
        if reader.expect(0x2B) {
            sign = 1
        } else if reader.expect(0x2D) {
            sign = -1
        } else {
            return nil
        }
        guard let offsetHours = reader.number(digits: 2), offsetHours <= 23 else { return nil }
        _ = reader.expect(0x3A)
        guard let offsetMinutes = reader.number(digits: 2), offsetMinutes <= 59, reader.atEnd else { return nil }
        return seconds - sign * Double(offsetHours * 3600 + offsetMinutes * 60)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` for the given epoch seconds (fractions dropped).
    public static func iso8601(_ seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 1e13 else { return "" }
        let whole = Int(seconds.rounded(.down))
        let days = Int((Double(whole) / 86_400).rounded(.down))
        let secondOfDay = whole - days * 86_400
        let (year, month, day) = civilFromDays(days)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        return "\(yearText)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):"
            + "\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60))Z"
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index >= bytes.count }

        mutating func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func digit() -> Int? {
            guard index < bytes.count, PolicyDate.isDigit(bytes[index]) else { return nil }
            defer { index += 1 }
            return Int(bytes[index] - 0x30)
        }

        mutating func number(digits: Int) -> Int? {
            var value = 0
            for _ in 0..<digits {
                guard let d = digit() else { return nil }
                value = value * 10 + d
            }
            return value
        }
    }
}
