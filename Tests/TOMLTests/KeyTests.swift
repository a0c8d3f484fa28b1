import Testing

@testable import TOML

/// Spec section "Keys": bare, quoted and dotted keys, and when a key may not be defined again.
@Suite struct KeyTests {
    @Test func bareKeysUseLettersDigitsDashAndUnderscore() {
        let table = decode("plain = 1\nwith-dash_and_underscore = 2\n42 = 3\nABC = 4")
        #expect(table.keys == ["plain", "with-dash_and_underscore", "42", "ABC"])
        #expect(table["42"] == .integer(3))
    }

    @Test func quotedKeysMayHoldAnything() {
        let table = decode(#""key with spaces" = 1"# + "\n" + #""\u00e9t\u00e9" = 2"# + "\n'lit\\eral' = 3\n\"\" = 4")
        #expect(table.keys == ["key with spaces", "été", "lit\\eral", ""])
    }

    @Test func keysAreCaseSensitive() {
        let table = decode("key = 1\nKey = 2")
        #expect(table["key"] == .integer(1))
        #expect(table["Key"] == .integer(2))
    }

    @Test func dottedKeysMakeNestedTablesWithWhitespaceAroundDots() {
        let table = decode("site . \"google.com\" .\tmain = true\nsite.other = 1")
        #expect(table["site"]?["google.com"]?["main"] == .boolean(true))
        #expect(table["site"]?["other"] == .integer(1))
        #expect(table["site"]?.tableValue?.keys == ["google.com", "other"])
    }

    @Test func aNumberLikeKeyIsSplitAtItsDot() {
        let table = decode("3.14159 = \"pi\"")
        #expect(table["3"]?["14159"] == .string("pi"))
    }

    @Test func aDottedKeyInATableIsRelativeToIt() {
        let table = decode("[server]\nhost.name = \"x\"\nhost.port = 80")
        #expect(table["server"]?["host"] == .table(["name": .string("x"), "port": .integer(80)]))
    }

    @Test(arguments: [
        ("name = 1\nname = 2", 2, 1, "duplicate key 'name' (first defined at 1:1)"),
        ("name = 1\n\"name\" = 2", 2, 1, "duplicate key 'name' (first defined at 1:1)"),
        ("a.b = 1\na.b = 2", 2, 3, "duplicate key 'a.b' (first defined at 1:3)"),
        ("a = 1\na.b = 2", 2, 1, "cannot add key 'a.b': 'a' is already an integer (defined at 1:1)"),
        ("a.b = 1\na = 2", 2, 1, "duplicate key 'a' (first defined at 1:1)"),
    ])
    func aKeyIsDefinedOnlyOnce(text: String, line: Int, column: Int, message: String) {
        let error = failure(text)
        #expect(error?.message == message)
        #expect(error?.position == TOMLPosition(line: line, column: column))
    }

    @Test(arguments: ["= 1", "a b = 1", "a. = 1", ".a = 1", "a..b = 1", "é = 1", "\"\"\"a\"\"\" = 1", "'''a''' = 1"])
    func malformedKeysAreRefused(text: String) {
        #expect(failure(text) != nil)
    }

    @Test func aKeyNeedsAnEqualsSignAndAValueOnTheSameLine() {
        #expect(failure("name\n= 1")?.message == "expected '=' after key 'name', found end of line")
        #expect(failure("name =\n1")?.message == "expected a value after '=' for key 'name', found end of line")
        #expect(failure("name = # nothing")?.message == "expected a value after '=' for key 'name', found '#'")
    }
}
