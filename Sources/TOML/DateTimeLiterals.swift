/// Offset and local date-times, local dates and local times (RFC 3339 as TOML 1.0.0 restricts it:
/// seconds are required; `T`, `t` or a space between date and time; `Z`, `z` or `±HH:MM` as offset).
enum DateTimeLiteral {
    static func parse(_ text: [UInt8], at position: TOMLPosition) throws(TOMLError) -> TOMLValue {
        var reader = Reader(text: text, position: position)
        // A time alone has its first ':' before any '-'; a date starts with `YYYY-`.
        let colon = text.firstIndex(of: UInt8(ascii: ":"))
        let dash = text.firstIndex(of: UInt8(ascii: "-"))
        if let colon, colon < (dash ?? text.count) {
            let time = try reader.time()
            try reader.expectEnd()
            return .localTime(time)
        }
        let date = try reader.date()
        if reader.atEnd { return .localDate(date) }
        guard reader.consume("T") || reader.consume("t") || reader.consume(" ") else {
            throw reader.failure("expected 'T' or a space between the date and the time")
        }
        let time = try reader.time()
        if reader.atEnd { return .localDateTime(TOMLLocalDateTime(date: date, time: time)) }
        let offset = try reader.offset()
        try reader.expectEnd()
        guard let dateTime = TOMLOffsetDateTime(date: date, time: time, offsetMinutes: offset) else {
            throw reader.failure("offset out of range")
        }
        return .offsetDateTime(dateTime)
    }

    private struct Reader {
        let text: [UInt8]
        let position: TOMLPosition
        var index = 0

        var atEnd: Bool { index == text.count }

        func failure(_ reason: String) -> TOMLError {
            TOMLError("invalid date-time '\(String(decoding: text, as: UTF8.self))': \(reason)", at: position)
        }

        mutating func consume(_ character: Unicode.Scalar) -> Bool {
            guard index < text.count, text[index] == UInt8(character.value) else { return false }
            index += 1
            return true
        }

        /// Exactly `count` digits.
        mutating func number(_ count: Int, _ what: String) throws(TOMLError) -> Int {
            var value = 0
            for _ in 0..<count {
                guard index < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[index]) else {
                    throw failure("expected \(count) digits for the \(what)")
                }
                value = value * 10 + Int(text[index] - UInt8(ascii: "0"))
                index += 1
            }
            return value
        }

        mutating func expect(_ character: Unicode.Scalar, after what: String) throws(TOMLError) {
            guard consume(character) else { throw failure("expected '\(Character(character))' after the \(what)") }
        }

        func expectEnd() throws(TOMLError) {
            guard atEnd else { throw failure("unexpected '\(Character(Unicode.Scalar(text[index])))'") }
        }

        /// `YYYY-MM-DD`, a day that exists.
        mutating func date() throws(TOMLError) -> TOMLLocalDate {
            let year = try number(4, "year")
            try expect("-", after: "year")
            let month = try number(2, "month")
            try expect("-", after: "month")
            let day = try number(2, "day")
            guard (1...12).contains(month) else { throw failure("month \(padded(month, 2)) is not within 01-12") }
            guard let date = TOMLLocalDate(year: year, month: month, day: day) else {
                let days = TOMLLocalDate.daysIn(month: month, year: year)
                throw failure("day \(padded(day, 2)) is not within 01-\(days) for \(padded(year, 4))-\(padded(month, 2))")
            }
            return date
        }

        /// `HH:MM:SS[.fraction]`; the fraction is kept to nanoseconds, further digits are dropped.
        mutating func time() throws(TOMLError) -> TOMLLocalTime {
            let hour = try number(2, "hour")
            try expect(":", after: "hour")
            let minute = try number(2, "minute")
            try expect(":", after: "minute (seconds are required)")
            let second = try number(2, "second")
            var nanosecond = 0
            var digits = 0
            if consume(".") {
                var scale = 100_000_000
                while index < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[index]) {
                    nanosecond += Int(text[index] - UInt8(ascii: "0")) * scale
                    scale /= 10
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { throw failure("expected digits after '.'") }
            }
            guard hour <= 23 else { throw failure("hour \(padded(hour, 2)) is not within 00-23") }
            guard minute <= 59 else { throw failure("minute \(padded(minute, 2)) is not within 00-59") }
            guard second <= 60 else { throw failure("second \(padded(second, 2)) is not within 00-60") }
            guard let time = TOMLLocalTime(hour: hour, minute: minute, second: second,
                                           nanosecond: nanosecond, fractionDigits: digits)
            else { throw failure("time out of range") }
            return time
        }

        /// `Z`, `z`, or `+HH:MM` / `-HH:MM` within ±23:59, as minutes east of UTC.
        mutating func offset() throws(TOMLError) -> Int {
            if consume("Z") || consume("z") { return 0 }
            let negative: Bool
            if consume("+") {
                negative = false
            } else if consume("-") {
                negative = true
            } else {
                throw failure("expected 'Z' or an offset such as +01:00 after the time")
            }
            let hours = try number(2, "offset hours")
            try expect(":", after: "offset hours")
            let minutes = try number(2, "offset minutes")
            guard hours <= 23, minutes <= 59 else { throw failure("offset must be within ±23:59") }
            let total = hours * 60 + minutes
            return negative ? -total : total
        }
    }
}
