import Testing

@testable import TOML

/// Spec sections "Offset Date-Time", "Local Date-Time", "Local Date" and "Local Time".
@Suite struct DateTimeTests {
    @Test func offsetDateTimes() throws {
        let utc = try #require(value("1979-05-27T07:32:00Z"))
        guard case .offsetDateTime(let dateTime) = utc else {
            Issue.record("not an offset date-time: \(utc)")
            return
        }
        #expect(dateTime.date == TOMLLocalDate(year: 1979, month: 5, day: 27))
        #expect(dateTime.time == TOMLLocalTime(hour: 7, minute: 32, second: 0))
        #expect(dateTime.offsetMinutes == 0)
        #expect(dateTime.description == "1979-05-27T07:32:00Z")
    }

    @Test(arguments: [
        ("1979-05-27T00:32:00-07:00", "1979-05-27T00:32:00-07:00", -420),
        ("1979-05-27T00:32:00.999999-07:00", "1979-05-27T00:32:00.999999-07:00", -420),
        ("1979-05-27 07:32:00Z", "1979-05-27T07:32:00Z", 0),
        ("1979-05-27t07:32:00z", "1979-05-27T07:32:00Z", 0),
        ("2000-01-01T00:00:00+05:45", "2000-01-01T00:00:00+05:45", 345),
        ("2000-01-01T00:00:00-00:00", "2000-01-01T00:00:00Z", 0),
    ])
    func offsetForms(toml: String, written: String, offset: Int) throws {
        let parsed = try #require(value(toml))
        guard case .offsetDateTime(let dateTime) = parsed else {
            Issue.record("not an offset date-time: \(parsed)")
            return
        }
        #expect(dateTime.description == written)
        #expect(dateTime.offsetMinutes == offset)
    }

    @Test func localForms() throws {
        let date = try #require(TOMLLocalDate(year: 1979, month: 5, day: 27))
        let time = try #require(TOMLLocalTime(hour: 7, minute: 32, second: 0))
        #expect(value("1979-05-27T07:32:00") == .localDateTime(TOMLLocalDateTime(date: date, time: time)))
        #expect(value("1979-05-27 07:32:00") == .localDateTime(TOMLLocalDateTime(date: date, time: time)))
        #expect(value("1979-05-27") == .localDate(date))
        #expect(value("07:32:00") == .localTime(time))
        #expect(value("1979-05-27 # a date, then a comment") == .localDate(date))
    }

    @Test func fractionsKeepTheirDigitsAndStopAtNanoseconds() throws {
        let time = try #require(value("00:32:00.5")?.localTimeValue)
        #expect(time.nanosecond == 500_000_000)
        #expect(time.description == "00:32:00.5")
        #expect(time == TOMLLocalTime(hour: 0, minute: 32, second: 0, nanosecond: 500_000_000, fractionDigits: 3))
        let fine = try #require(value("00:32:00.1234567891234")?.localTimeValue)
        #expect(fine.nanosecond == 123_456_789)
        #expect(fine.description == "00:32:00.123456789")
    }

    @Test func leapDaysExistOnlyInLeapYears() {
        #expect(value("2024-02-29") != nil)
        #expect(value("2000-02-29") != nil)
        #expect(failure("d = 1900-02-29")?.message == "invalid date-time '1900-02-29': day 29 is not within 01-28 for 1900-02")
        #expect(failure("d = 2023-02-29") != nil)
        #expect(failure("d = 2024-04-31") != nil)
    }

    @Test func aLeapSecondIsAllowed() {
        #expect(value("1990-12-31T23:59:60Z") != nil)
        #expect(failure("t = 23:59:61") != nil)
    }

    @Test(arguments: [
        "1979-5-27", "79-05-27", "1979-05-27T", "1979-05-27T07:32", "07:32", "7:32:00", "1979-05-27T07:32:00.",
        "1979-05-27T07:32:00+07", "1979-05-27T07:32:00+0700", "1979-05-27T24:00:00", "1979-05-27T07:60:00",
        "1979-13-01", "1979-00-01", "1979-01-00", "1979-01-32", "1979-05-27T07:32:00+24:00", "1979-05-27X07:32:00",
        "1979-05-27  07:32:00", "10000-01-01", "1979-05-27T07:32:00Zulu",
    ])
    func malformedDateTimesAreRefused(toml: String) {
        #expect(failure("d = \(toml)") != nil)
    }

    @Test func constructorsCheckRanges() {
        #expect(TOMLLocalDate(year: 2023, month: 2, day: 29) == nil)
        #expect(TOMLLocalTime(hour: 24, minute: 0, second: 0) == nil)
        #expect(TOMLLocalTime(hour: 1, minute: 2, second: 3, nanosecond: 40_000_000)?.description == "01:02:03.04")
        if let date = TOMLLocalDate(year: 1, month: 1, day: 1), let time = TOMLLocalTime(hour: 0, minute: 0, second: 0) {
            #expect(TOMLOffsetDateTime(date: date, time: time, offsetMinutes: 24 * 60) == nil)
            #expect(TOMLOffsetDateTime(date: date, time: time, offsetMinutes: -90)?.description == "0001-01-01T00:00:00-01:30")
        }
    }
}

extension TOMLValue {
    var localTimeValue: TOMLLocalTime? {
        if case .localTime(let time) = self { time } else { nil }
    }
}
