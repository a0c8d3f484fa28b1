/// A calendar date without a time zone, e.g. `1979-05-27`. Years run from 0 to 9999, as in RFC 3339.
public struct TOMLLocalDate: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Nil unless the date exists in the proleptic Gregorian calendar (so February 29 only in leap years).
    public init?(year: Int, month: Int, day: Int) {
        guard (0...9999).contains(year), (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }
}

/// A time of day without a date or time zone, e.g. `07:32:00.999`.
///
/// Fractions finer than a nanosecond are truncated, as the specification allows. Equality compares the
/// time only: `07:32:00.5` equals `07:32:00.500`.
public struct TOMLLocalTime: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int
    /// 0 to 60: RFC 3339 allows a leap second.
    public let second: Int
    public let nanosecond: Int
    /// How many fractional digits the document wrote (at most 9), so `description` writes them back.
    public let fractionDigits: Int

    /// Nil unless every field is in range; `fractionDigits` is clamped to 0...9.
    public init?(hour: Int, minute: Int, second: Int, nanosecond: Int = 0, fractionDigits: Int? = nil) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
            (0...999_999_999).contains(nanosecond)
        else { return nil }
        self.hour = hour
        self.minute = minute
        self.second = second
        self.nanosecond = nanosecond
        self.fractionDigits = min(max(fractionDigits ?? Self.digitsNeeded(for: nanosecond), 0), 9)
    }

    /// The fewest digits that write `nanosecond` without loss (0 for none).
    private static func digitsNeeded(for nanosecond: Int) -> Int {
        guard nanosecond > 0 else { return 0 }
        var digits = 9
        var rest = nanosecond
        while rest % 10 == 0 {
            rest /= 10
            digits -= 1
        }
        return digits
    }

    public static func == (lhs: TOMLLocalTime, rhs: TOMLLocalTime) -> Bool {
        (lhs.hour, lhs.minute, lhs.second, lhs.nanosecond) == (rhs.hour, rhs.minute, rhs.second, rhs.nanosecond)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(hour)
        hasher.combine(minute)
        hasher.combine(second)
        hasher.combine(nanosecond)
    }

    /// `HH:MM:SS` and, when the document had one, a fraction with as many digits.
    public var description: String {
        let whole = "\(padded(hour, 2)):\(padded(minute, 2)):\(padded(second, 2))"
        guard fractionDigits > 0 else { return whole }
        var scale = 1
        for _ in fractionDigits..<9 { scale *= 10 }
        return whole + "." + padded(nanosecond / scale, fractionDigits)
    }
}

/// A date and time without a time zone, e.g. `1979-05-27T07:32:00`.
public struct TOMLLocalDateTime: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let date: TOMLLocalDate
    public let time: TOMLLocalTime

    public init(date: TOMLLocalDate, time: TOMLLocalTime) {
        self.date = date
        self.time = time
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction]`, with `T` whatever the document used.
    public var description: String { "\(date)T\(time)" }
}

/// A date and time at an offset from UTC, e.g. `1979-05-27T00:32:00-07:00`.
///
/// Equality compares the fields as written: the same instant at two offsets is not equal.
public struct TOMLOffsetDateTime: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let date: TOMLLocalDate
    public let time: TOMLLocalTime
    /// Minutes east of UTC, from -1439 to 1439; `Z` is 0.
    public let offsetMinutes: Int

    /// Nil unless the offset is within ±23:59.
    public init?(date: TOMLLocalDate, time: TOMLLocalTime, offsetMinutes: Int) {
        guard abs(offsetMinutes) < 24 * 60 else { return nil }
        self.date = date
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    /// RFC 3339: `YYYY-MM-DDTHH:MM:SS[.fraction]` then `Z` for a zero offset, else `+HH:MM` or `-HH:MM`.
    public var description: String {
        guard offsetMinutes != 0 else { return "\(date)T\(time)Z" }
        let sign = offsetMinutes < 0 ? "-" : "+"
        let minutes = abs(offsetMinutes)
        return "\(date)T\(time)\(sign)\(padded(minutes / 60, 2)):\(padded(minutes % 60, 2))"
    }
}

/// `value` in decimal with leading zeros up to `width` digits.
func padded(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
