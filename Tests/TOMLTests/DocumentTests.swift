import Foundation
import Testing

@testable import TOML

/// Spec sections "Spec", "Comment" and "Key/Value Pair": the document as a whole, and the public API around it.
@Suite struct DocumentTests {
    @Test func emptyDocumentsAreEmptyTables() {
        for text in ["", "\n", "   \t", "# only a comment", "\r\n\r\n", "\u{FEFF}"] {
            #expect(decode(text).isEmpty)
        }
    }

    @Test func commentsMayFollowAnythingAndHoldAnyTextButControls() {
        let table = decode("# full line\nkey = \"value\" # after a value ☃ \t tabs ok\n[t] # after a header\n# at end without newline")
        #expect(table["key"] == .string("value"))
        #expect(table["t"] == .table([:]))
        #expect(decode("a = \"# not a comment\"")["a"] == .string("# not a comment"))
    }

    @Test func keysKeepDocumentOrder() {
        #expect(decode("z = 1\na = 2\nm = 3").keys == ["z", "a", "m"])
    }

    @Test func dataMustBeUTF8AndMayStartWithAByteOrderMark() throws {
        let table = try TOMLDecoder.parse(Data([0xEF, 0xBB, 0xBF]) + Data("name = \"café\"\n".utf8))
        #expect(table["name"] == .string("café"))
        #expect(throws: TOMLError.self) { try TOMLDecoder.parse(Data([0xFE, 0xFF, 0x00, 0x61])) }
        #expect(failure("a = 1\n\u{FEFF}") != nil, "a byte order mark is allowed only at the start")
    }

    @Test func whitespaceIsSpacesAndTabsOnly() {
        #expect(decode(" \t key \t = \t 1 \t ")["key"] == .integer(1))
        #expect(failure("key\u{3000}= 1") != nil)
        #expect(failure("key = \u{0B}1") != nil)
    }

    @Test func accessorsReturnOnlyTheirOwnType() {
        let table = decode("s = 'x'\ni = 1\nf = 1.5\nb = true\na = [1]\nt = {}\nd = 1979-05-27")
        #expect(table["s"]?.stringValue == "x")
        #expect(table["i"]?.integerValue == 1)
        #expect(table["i"]?.doubleValue == nil)
        #expect(table["f"]?.doubleValue == 1.5)
        #expect(table["b"]?.boolValue == true)
        #expect(table["a"]?.arrayValue == [.integer(1)])
        #expect(table["t"]?.tableValue == TOMLTable())
        #expect(table["s"]?.integerValue == nil)
        let names = table.keys.compactMap { table[$0]?.typeName }
        #expect(names == ["string", "integer", "float", "boolean", "array", "table", "local date"])
    }

    @Test func typeNamesOfDateTimes() {
        #expect(value("1979-05-27T07:32:00Z")?.typeName == "offset date-time")
        #expect(value("1979-05-27T07:32:00")?.typeName == "local date-time")
        #expect(value("07:32:00")?.typeName == "local time")
    }

    @Test func tableEqualityIgnoresOrderAndPositions() {
        #expect(decode("a = 1\nb = 2") == decode("\n\nb = 2\na = 1"))
        #expect(decode("a = 1") != decode("a = 2"))
        let literal: TOMLTable = ["a": .integer(1), "b": .table(["c": .boolean(false)])]
        #expect(decode("a = 1\n[b]\nc = false") == literal)
        #expect(literal.count == 2)
    }
}
