import Testing

@testable import TOML

/// Spec section "String": basic, multi-line basic, literal and multi-line literal strings.
@Suite struct StringTests {
    @Test(arguments: [
        (#""tab\there""#, "tab\there"),
        (#""\b\f\n\r\"\\""#, "\u{08}\u{0C}\n\r\"\\"),
        (#""\u00E9 \U0001F600""#, "é 😀"),
        ("\"\"", ""),
        ("\"tab\tas is\"", "tab\tas is"),
        ("\"日本語\"", "日本語"),
    ])
    func basicStringsHaveEscapes(toml: String, expected: String) {
        #expect(value(toml) == .string(expected))
    }

    @Test func literalStringsAreVerbatim() {
        #expect(value(#"'C:\Users\nodejs\templates'"#) == .string(#"C:\Users\nodejs\templates"#))
        #expect(value("''") == .string(""))
        #expect(value(#"'<\i\c*\s*>'"#) == .string(#"<\i\c*\s*>"#))
    }

    @Test func multiLineBasicStringsTrimTheFirstNewlineAndKeepTheRest() {
        #expect(value("\"\"\"\nRoses\nViolets\"\"\"") == .string("Roses\nViolets"))
        #expect(value("\"\"\"\r\none\r\ntwo\"\"\"") == .string("one\ntwo"))
        #expect(value("\"\"\"\n\n\"\"\"") == .string("\n"))
    }

    @Test func aLineEndingBackslashJoinsLines() {
        let text = "\"\"\"\nThe quick \\\n\n   brown \\   \n\tfox\\\r\n  .\"\"\""
        #expect(value(text) == .string("The quick brown fox."))
    }

    @Test func upToTwoQuotesMayStandBeforeTheClosingDelimiter() {
        #expect(value("\"\"\"one \"\" two\"\"\"") == .string("one \"\" two"))
        #expect(value("\"\"\"quoted\"\"\"\"") == .string("quoted\""))
        #expect(value(String(repeating: "\"", count: 8)) == .string("\"\""))
        #expect(failure("a = " + String(repeating: "\"", count: 9)) != nil)
        #expect(value("''''a'''''") == .string("'a''"))
        #expect(value("'''\nno \\escape '' here'''") == .string("no \\escape '' here"))
    }

    @Test func stringsCannotSpanLinesUnlessMultiLine() {
        #expect(failure("a = \"one\ntwo\"")?.position == TOMLPosition(line: 1, column: 9))
        #expect(failure("a = 'one\ntwo'") != nil)
    }

    @Test(arguments: [#""\x41""#, #""\a""#, #""\ ""#, #""\u12""#, #""\uD800""#, #""\U00110000""#, "\"\"\"a\\z\"\"\""])
    func invalidEscapesAreRefused(toml: String) {
        #expect(failure("a = \(toml)") != nil)
    }

    @Test func anUnknownEscapeIsNamedAtItsBackslashAShortOneAtTheBadDigit() {
        let unknown = failure(#"path = "C:\data""#)
        #expect(unknown?.position == TOMLPosition(line: 1, column: 11))
        #expect(unknown?.message.hasPrefix(#"invalid escape sequence '\d'"#) == true)
        let short = failure(#"path = "C:\new\users""#)
        #expect(short?.position == TOMLPosition(line: 1, column: 17))
        #expect(short?.message == "expected 4 hexadecimal digits after \\u, found 's'")
    }

    @Test(arguments: ["\u{00}", "\u{07}", "\u{1F}", "\u{7F}", "\r"])
    func controlCharactersMustBeEscaped(control: String) {
        for quotes in ["\"", "'", "\"\"\"", "'''"] {
            #expect(failure("a = \(quotes)x\(control)y\(quotes)") != nil, "in \(quotes)")
        }
    }

    @Test func unterminatedStringsSayWhereTheyOpened() {
        #expect(failure("a = \"\"\"open\n\nstill")?.message == "unterminated multi-line string (opened at 1:5): expected \"\"\"")
        #expect(failure("a = 'open")?.message == "unterminated literal string (opened at 1:5): expected \"'\"")
    }
}
