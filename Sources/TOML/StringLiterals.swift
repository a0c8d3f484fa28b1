/// The four kinds of TOML string: basic `"..."`, multi-line basic `"""..."""`, literal `'...'` and multi-line
/// literal `'''...'''`. Each reader starts at the opening quote and ends after the closing one.
extension SourceCursor {
    /// True if the cursor is at `"""` or `'''`.
    func atMultilineDelimiter() -> Bool {
        guard let quote = peek(), quote == "\"" || quote == "'" else { return false }
        return peek(is: quote, at: 1) && peek(is: quote, at: 2)
    }

    /// Any of the four kinds, chosen by the opening delimiter.
    mutating func readString() throws(TOMLError) -> String {
        let multiline = atMultilineDelimiter()
        switch (peek(), multiline) {
        case ("\"", false): return try readBasicString()
        case ("\"", true): return try readMultilineString(quote: "\"", escapes: true)
        case ("'", false): return try readLiteralString()
        default: return try readMultilineString(quote: "'", escapes: false)
        }
    }

    /// `"..."` on one line, with escapes.
    mutating func readBasicString() throws(TOMLError) -> String {
        let start = position
        advance()
        var text = String.UnicodeScalarView()
        while true {
            guard let next = peek() else { throw error("unterminated string (opened at \(start)): expected '\"'") }
            switch next {
            case "\"":
                advance()
                return String(text)
            case "\\":
                if peek(is: "\n", at: 1) || peek(is: "\r", at: 1) {
                    throw error("a backslash at the end of a line is only allowed in a multi-line string (\"\"\"...\"\"\")")
                }
                text.append(try readEscape())
            case "\n", "\r":
                throw error("unterminated string (opened at \(start)): a basic string cannot span lines; use \\n or \"\"\"")
            default:
                try checkStringCharacter(next)
                text.append(next)
                advance()
            }
        }
    }

    /// `'...'` on one line, verbatim.
    mutating func readLiteralString() throws(TOMLError) -> String {
        let start = position
        advance()
        var text = String.UnicodeScalarView()
        while true {
            guard let next = peek() else { throw error("unterminated literal string (opened at \(start)): expected \"'\"") }
            switch next {
            case "'":
                advance()
                return String(text)
            case "\n", "\r":
                throw error("unterminated literal string (opened at \(start)): a literal string cannot span lines; use '''")
            default:
                try checkStringCharacter(next, literal: true)
                text.append(next)
                advance()
            }
        }
    }

    /// `"""..."""` (with escapes) or `'''...'''` (verbatim). A newline right after the opening delimiter is
    /// dropped; CRLF becomes LF; one or two quotes may stand just before the closing delimiter.
    mutating func readMultilineString(quote: Unicode.Scalar, escapes: Bool) throws(TOMLError) -> String {
        let start = position
        advance(by: 3)
        _ = try consumeNewline()
        var text = String.UnicodeScalarView()
        while true {
            guard let next = peek() else {
                throw error("unterminated multi-line string (opened at \(start)): expected \(String(repeating: Character(quote), count: 3))")
            }
            if next == quote {
                var run = 0
                while peek(is: quote, at: run) { run += 1 }
                if run >= 3 {
                    // Up to two of the quotes belong to the text; more would leave stray quotes after the string.
                    let kept = min(run - 3, 2)
                    for _ in 0..<kept { text.append(quote) }
                    advance(by: kept + 3)
                    return String(text)
                }
                for _ in 0..<run { text.append(quote) }
                advance(by: run)
            } else if next == "\\" && escapes {
                if try skipLineEndingBackslash() { continue }
                text.append(try readEscape())
            } else if try consumeNewline() {
                text.append("\n")
            } else {
                try checkStringCharacter(next, literal: !escapes)
                text.append(next)
                advance()
            }
        }
    }

    /// A backslash followed by optional whitespace and a newline: skips it and every space, tab and newline after.
    private mutating func skipLineEndingBackslash() throws(TOMLError) -> Bool {
        var offset = 1
        while let next = peek(offset), next == " " || next == "\t" { offset += 1 }
        guard peek(is: "\n", at: offset) || (peek(is: "\r", at: offset) && peek(is: "\n", at: offset + 1)) else {
            return false
        }
        advance(by: offset)
        while true {
            skipWhitespace()
            if try !consumeNewline() { return true }
        }
    }

    /// One escape sequence, at its backslash.
    private mutating func readEscape() throws(TOMLError) -> Unicode.Scalar {
        let start = position
        advance()
        guard let letter = peek() else { throw error("unterminated escape sequence at end of file") }
        advance()
        switch letter {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "\"": return "\""
        case "\\": return "\\"
        case "u": return try readUnicodeEscape(digits: 4, start: start)
        case "U": return try readUnicodeEscape(digits: 8, start: start)
        default:
            let shown = letter == "\n" || letter == "\r" || isControl(letter) ? describe(letter) : "'\\\(Character(letter))'"
            throw error(
                "invalid escape sequence \(shown); expected one of \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX",
                at: start)
        }
    }

    private mutating func readUnicodeEscape(digits: Int, start: TOMLPosition) throws(TOMLError) -> Unicode.Scalar {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let next = peek(), let digit = hexValue(next) else {
                throw error("expected \(digits) hexadecimal digits after \\\(digits == 4 ? "u" : "U"), found \(describe(peek()))")
            }
            value = value * 16 + digit
            advance()
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw error("escape \\\(digits == 4 ? "u" : "U")\(hex(value)) is not a Unicode scalar value (surrogates and values above 10FFFF are not)", at: start)
        }
        return scalar
    }

    /// Tab and any non-control character may stand in a string as they are; other control characters must be escaped.
    private func checkStringCharacter(_ scalar: Unicode.Scalar, literal: Bool = false) throws(TOMLError) {
        guard isControl(scalar) && scalar != "\t" else { return }
        if literal {
            throw error("\(describe(scalar)) is not allowed in a literal string (a basic string can hold it escaped)")
        }
        throw error("\(describe(scalar)) must be escaped in a string")
    }
}

/// The value of one hexadecimal digit.
func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
    switch scalar {
    case "0"..."9": scalar.value - 48
    case "a"..."f": scalar.value - 87
    case "A"..."F": scalar.value - 55
    default: nil
    }
}
