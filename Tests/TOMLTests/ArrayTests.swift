import Testing

@testable import TOML

/// Spec section "Array".
@Suite struct ArrayTests {
    @Test func arraysHoldValuesOfAnyTypes() throws {
        let date = try #require(TOMLLocalDate(year: 1979, month: 5, day: 27))
        #expect(value("[ 1, 2, 3 ]") == .array([.integer(1), .integer(2), .integer(3)]))
        #expect(value("[]") == .array([]))
        #expect(value("[ [ 1, 2 ], [\"a\", 'b'] ]") == .array([
            .array([.integer(1), .integer(2)]), .array([.string("a"), .string("b")]),
        ]))
        #expect(value("[ 0.1, \"x\", true, 1979-05-27, { a = 1 } ]") == .array([
            .float(0.1), .string("x"), .boolean(true),
            .localDate(date),
            .table(["a": .integer(1)]),
        ]))
    }

    @Test func arraysSpanLinesWithCommentsAndATrailingComma() {
        let text = """
            value = [ # opening
              1,   # one
              # nothing here
              2,
            ]
            """
        #expect(decode(text)["value"] == .array([.integer(1), .integer(2)]))
        #expect(value("[\r\n1\r\n,2\r\n]") == .array([.integer(1), .integer(2)]))
    }

    @Test(arguments: ["[,]", "[1,,2]", "[1 2]", "[1,", "[", "[1 # ]", "[ , 1]", "[1]]"])
    func malformedArraysAreRefused(toml: String) {
        #expect(failure("a = \(toml)") != nil)
    }

    @Test func aMissingCommaSaysWhereTheArrayOpened() {
        let error = failure("a = [\n  1\n  2\n]")
        #expect(error?.position == TOMLPosition(line: 3, column: 3))
        #expect(error?.message == "expected ',' or ']' after an element of the array opened at 1:5, found '2'")
    }
}
