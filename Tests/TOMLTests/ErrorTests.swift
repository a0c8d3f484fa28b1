import Foundation
import Testing

@testable import TOML

/// Errors: where they point (line and column, 1-based, columns in Unicode scalars) and what they say.
@Suite struct ErrorTests {
    @Test func theDescriptionNamesFileLineAndColumn() {
        do {
            _ = try TOMLDecoder.parse("[project]\nname = \"x\"\nversion 1\n", file: "pyproject.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.file == "pyproject.toml")
            #expect(error.line == 3)
            #expect(error.column == 9)
            #expect(error.message == "expected '=' after key 'version', found '1'")
            #expect(error.description == "pyproject.toml:3:9: expected '=' after key 'version', found '1'")
        }
    }

    @Test func withoutAFileTheDescriptionStartsWithThePosition() {
        #expect(failure("a = ")?.description == "1:5: expected a value after '=' for key 'a', found end of file")
    }

    @Test func columnsCountUnicodeScalarsAndTabs() {
        #expect(failure("\"é😀\" = 1 2")?.position == TOMLPosition(line: 1, column: 10))
        #expect(failure("\ta = 1 2")?.position == TOMLPosition(line: 1, column: 8))
    }

    @Test func crlfCountsAsOneLineEnd() {
        #expect(failure("a = 1\r\nb = 2\r\nc = ?\r\n")?.position == TOMLPosition(line: 3, column: 5))
    }

    @Test(arguments: [
        ("a = 1\nb = 2 3", 2, 7, "expected a newline or a comment after the value of key 'b', found '3'"),
        ("[t] x", 1, 5, "expected a newline or a comment after table header [t], found 'x'"),
        ("a = 1\r", 1, 6, "a carriage return must be followed by a line feed"),
        ("# bell \u{07}", 1, 8, "control character U+0007 is not allowed in a comment"),
        ("x = [1, 2\n", 2, 1, "expected ',' or ']' after an element of the array opened at 1:5, found end of file"),
        ("x = { a = 1, }", 1, 14, "a trailing comma is not allowed in an inline table; expected a key after ','"),
        ("x = 0x-1", 1, 5, "invalid number '0x-1': expected a hexadecimal digit, found '-'"),
        ("x = 1979-02-30", 1, 5, "invalid date-time '1979-02-30': day 30 is not within 01-28 for 1979-02"),
        ("x = \"\\q\"", 1, 6, "invalid escape sequence '\\q'; expected one of \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX"),
        ("x = yes", 1, 5,
         "expected a value (string, number, boolean, date-time, array or inline table), found 'yes' (booleans are lower-case true and false; strings need quotes)"),
        ("a = 1\n\u{FEFF}b = 2", 2, 1, "expected a key (bare keys use A-Z a-z 0-9 _ -), found a byte order mark (U+FEFF)"),
    ])
    func messagesSayWhatWasExpected(text: String, line: Int, column: Int, message: String) {
        let error = failure(text)
        #expect(error?.message == message)
        #expect(error?.position == TOMLPosition(line: line, column: column))
    }

    @Test func invalidUTF8IsRefusedWhereItStarts() {
        let bytes = Data("a = 1\nb = \"".utf8) + Data([0xC3, 0x28]) + Data("\"\n".utf8)
        do {
            _ = try TOMLDecoder.parse(bytes, file: "bad.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "bad.toml:2:6: invalid UTF-8: a TOML document must be encoded in UTF-8")
        }
        for invalid in [[0xFF], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xE2, 0x82]] as [[UInt8]] {
            #expect(throws: TOMLError.self) { try TOMLDecoder.parse(Data("# ".utf8) + Data(invalid)) }
        }
    }

    @Test func nestingIsLimited() {
        let deep = String(repeating: "[", count: 129) + String(repeating: "]", count: 129)
        #expect(failure("a = \(deep)")?.message == "tables and arrays are nested more than 128 levels deep")
        let header = "[" + Array(repeating: "t", count: 129).joined(separator: ".") + "]"
        #expect(failure(header)?.message == "tables and arrays are nested more than 128 levels deep")
        let allowed = String(repeating: "[", count: 127) + String(repeating: "]", count: 127)
        #expect(decode("a = \(allowed)")["a"] != nil)
    }

    @Test func clientsMakeTheirOwnErrorsAtAKeysPosition() throws {
        let table = try TOMLDecoder.parse("[tool]\n  colour = 1\n")
        let position = try #require(table["tool"]?.tableValue?.position(of: "colour"))
        let error = TOMLError("unknown key 'colour'", at: position, file: "pyproject.toml")
        #expect(error.description == "pyproject.toml:2:3: unknown key 'colour'")
    }
}
