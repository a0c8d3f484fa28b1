/// The lexical layer: a cursor over the document's Unicode scalars that tracks line and column,
/// and skips the insignificant parts (whitespace, comments, newlines) while checking them.
struct SourceCursor {
    private let scalars: [Unicode.Scalar]
    private(set) var index = 0
    private(set) var position = TOMLPosition(line: 1, column: 1)

    init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    var isAtEnd: Bool { index >= scalars.count }

    /// The scalar `offset` places ahead, or nil past the end.
    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let target = index + offset
        return target < scalars.count ? scalars[target] : nil
    }

    func peek(is scalar: Unicode.Scalar, at offset: Int = 0) -> Bool {
        peek(offset) == scalar
    }

    mutating func advance(by count: Int = 1) {
        for _ in 0..<count where index < scalars.count {
            if scalars[index] == "\n" {
                position.line += 1
                position.column = 1
            } else {
                position.column += 1
            }
            index += 1
        }
    }

    /// Consumes `scalar` if it is next.
    mutating func consume(_ scalar: Unicode.Scalar) -> Bool {
        guard peek() == scalar else { return false }
        advance()
        return true
    }

    func error(_ message: String, at place: TOMLPosition? = nil) -> TOMLError {
        TOMLError(message, at: place ?? position)
    }

    /// Spaces and tabs, the only whitespace TOML has within a line.
    mutating func skipWhitespace() {
        while let next = peek(), next == " " || next == "\t" { advance() }
    }

    /// True at LF or CRLF; a carriage return alone is an error.
    func atNewline() throws(TOMLError) -> Bool {
        switch peek() {
        case "\n": return true
        case "\r":
            if peek(is: "\n", at: 1) { return true }
            throw error("a carriage return must be followed by a line feed")
        default: return false
        }
    }

    /// Consumes one LF or CRLF if it is next.
    mutating func consumeNewline() throws(TOMLError) -> Bool {
        guard try atNewline() else { return false }
        advance(by: peek(is: "\r") ? 2 : 1)
        return true
    }

    /// A `#` comment up to (not including) the end of the line; control characters other than tab are refused.
    mutating func skipComment() throws(TOMLError) {
        guard consume("#") else { return }
        while let next = peek(), next != "\n" {
            if next == "\r", peek(is: "\n", at: 1) { return }
            if isControl(next) && next != "\t" {
                throw error("\(describe(next)) is not allowed in a comment")
            }
            advance()
        }
    }

    /// Whitespace, comments and newlines in any number, as allowed between the elements of an array.
    mutating func skipWhitespaceCommentsAndNewlines() throws(TOMLError) {
        while true {
            skipWhitespace()
            if peek(is: "#") {
                try skipComment()
            } else if try !consumeNewline() {
                return
            }
        }
    }

    /// After a key/value pair or a table header: optional whitespace and comment, then a newline or the end.
    mutating func expectEndOfLine(after what: @autoclosure () -> String) throws(TOMLError) {
        skipWhitespace()
        try skipComment()
        if isAtEnd { return }
        if try consumeNewline() { return }
        throw error("expected a newline or a comment after \(what()), found \(describe(peek()))")
    }
}

/// U+0000...U+001F and U+007F, the characters TOML keeps out of comments and strings (tab is let through by callers).
func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || scalar.value == 0x7F
}

/// A-Z, a-z, 0-9, `_` and `-`: the characters of a bare key.
func isBareKeyCharacter(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "A"..."Z", "a"..."z", "0"..."9", "_", "-": true
    default: false
    }
}

/// How an error message names what it found: `'x'`, "end of line", "end of file" or "control character U+0007".
func describe(_ scalar: Unicode.Scalar?) -> String {
    guard let scalar else { return "end of file" }
    switch scalar {
    case "\n": return "end of line"
    case "\r": return "a carriage return"
    case "\t": return "a tab"
    case " ": return "a space"
    default:
        if isControl(scalar) { return "control character U+\(hex(scalar.value))" }
        if scalar == "\u{FEFF}" { return "a byte order mark (U+FEFF)" }
        if scalar.properties.isWhitespace { return "whitespace U+\(hex(scalar.value))" }
        return "'\(Character(scalar))'"
    }
}

/// At least four upper-case hexadecimal digits, as in U+00E9.
func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
