import Testing

@testable import TOML

/// Spec section "Integer".
@Suite struct IntegerTests {
    @Test(arguments: [
        ("+99", 99), ("42", 42), ("0", 0), ("-17", -17), ("+0", 0), ("-0", 0),
        ("1_000", 1000), ("5_349_221", 5_349_221), ("1_2_3_4_5", 12345),
        ("0xDEADBEEF", 0xDEAD_BEEF), ("0xdead_beef", 0xDEAD_BEEF), ("0o01234567", 0o1234567), ("0o755", 0o755),
        ("0b11010110", 0b1101_0110), ("0b1_0", 2), ("0x0", 0),
        ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min), ("0x7FFFFFFFFFFFFFFF", Int64.max),
    ] as [(String, Int64)])
    func integers(toml: String, expected: Int64) {
        #expect(value(toml) == .integer(expected))
    }

    @Test(arguments: [
        "9223372036854775808", "-9223372036854775809", "0x8000000000000000", "0b" + String(repeating: "1", count: 64),
        "01", "-01", "00", "1__0", "_1", "1_", "0x", "0x_1", "-0x1", "+0o7", "0X1", "0o8", "0b2", "1 2", "12abc",
    ])
    func invalidIntegersAreRefused(toml: String) {
        #expect(failure("a = \(toml)") != nil)
    }

    @Test func outOfRangeSaysSo() {
        #expect(failure("big = 9223372036854775808")?.message
            == "invalid number '9223372036854775808': out of range of a 64-bit signed integer")
    }
}

/// Spec section "Float".
@Suite struct FloatTests {
    @Test(arguments: [
        ("+1.0", 1.0), ("3.1415", 3.1415), ("-0.01", -0.01), ("5e+22", 5e22), ("1e06", 1e6), ("-2E-2", -0.02),
        ("6.626e-34", 6.626e-34), ("224_617.445_991_228", 224_617.445_991_228), ("1e1_0", 1e10), ("0.0", 0),
        ("-0.0", -0.0), ("1E0", 1), ("9_007_199_254_740_993.0", 9_007_199_254_740_992),
        ("1.7976931348623157e308", .greatestFiniteMagnitude), ("5e-324", .leastNonzeroMagnitude),
    ] as [(String, Double)])
    func floats(toml: String, expected: Double) {
        #expect(value(toml) == .float(expected))
    }

    @Test func negativeZeroKeepsItsSign() {
        #expect(value("-0.0")?.doubleValue?.sign == .minus)
    }

    @Test func infinityAndNaN() {
        #expect(value("inf") == .float(.infinity))
        #expect(value("+inf") == .float(.infinity))
        #expect(value("-inf") == .float(-.infinity))
        for text in ["nan", "+nan", "-nan"] {
            #expect(value(text)?.doubleValue?.isNaN == true)
        }
    }

    @Test(arguments: [
        ".5", "5.", "-.5", "1.e5", "1e", "1e+", "1.5e2.5", "1__0.0", "1_.0", "1._0", "1.0_", "1e_5", "03.14",
        "Inf", "NaN", "infinity", "1e400", "-1e400", "1.0.0", "1ee5",
    ])
    func invalidFloatsAreRefused(toml: String) {
        #expect(failure("a = \(toml)") != nil)
    }
}

/// Spec section "Boolean".
@Suite struct BooleanTests {
    @Test func trueAndFalse() {
        #expect(value("true") == .boolean(true))
        #expect(value("false") == .boolean(false))
        #expect(value("false")?.boolValue == false)
    }

    @Test(arguments: ["True", "FALSE", "yes", "t", "truest", "fals"])
    func onlyLowerCaseWordsAreBooleans(toml: String) {
        #expect(failure("a = \(toml)")?.message.hasPrefix("expected a value (string, number, boolean") == true)
    }
}
