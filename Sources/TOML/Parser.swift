/// The syntax of a TOML document: lines of key/value pairs and table headers, and the values themselves.
struct Parser {
    private var cursor: SourceCursor
    private let root = TableNode(origin: .root, depth: 0)

    /// A byte order mark may open the document, and only there; it is dropped so that columns start after it.
    init(_ scalars: [Unicode.Scalar]) {
        cursor = SourceCursor(scalars.first == "\u{FEFF}" ? Array(scalars.dropFirst()) : scalars)
    }

    /// The whole document, as the root table.
    mutating func parseDocument() throws(TOMLError) -> TOMLTable {
        var current = root
        while true {
            try cursor.skipWhitespaceCommentsAndNewlines()
            guard let next = cursor.peek() else { break }
            if next == "[" {
                let (table, key, isArray) = try parseHeader()
                current = table
                try cursor.expectEndOfLine(after: "table header \(isArray ? "[[\(key.display)]]" : "[\(key.display)]")")
            } else {
                let key = try parseKeyValue(into: current)
                try cursor.expectEndOfLine(after: "the value of key '\(key.display)'")
            }
        }
        return root.snapshot()
    }

    /// `[key]` or `[[key]]`; returns the table that the following key/value pairs go into, the key, and which form it was.
    private mutating func parseHeader() throws(TOMLError) -> (TableNode, [KeyPart], Bool) {
        let start = cursor.position
        cursor.advance()
        let isArray = cursor.consume("[")
        let key = try parseKey()
        guard cursor.consume("]") else {
            let what = isArray ? "']]' to close the array-of-tables header" : "']' to close the table header"
            throw cursor.error("expected \(what), found \(describe(cursor.peek()))")
        }
        if isArray {
            guard cursor.consume("]") else {
                throw cursor.error("expected ']]' to close the array-of-tables header, found \(describe(cursor.peek()))")
            }
            return (try Definitions.appendTable(key, at: start, in: root), key, true)
        }
        return (try Definitions.defineTable(key, at: start, in: root), key, false)
    }

    /// `key = value`, stored into `table`; returns the key.
    private mutating func parseKeyValue(into table: TableNode) throws(TOMLError) -> [KeyPart] {
        let key = try parseKey()
        guard cursor.consume("=") else {
            throw cursor.error("expected '=' after key '\(key.display)', found \(describe(cursor.peek()))")
        }
        cursor.skipWhitespace()
        let missing = try cursor.atNewline() || cursor.isAtEnd || cursor.peek(is: "#")
        if missing {
            throw cursor.error("expected a value after '=' for key '\(key.display)', found \(describe(cursor.peek()))")
        }
        let value = try parseValue(depth: table.depth + key.count)
        try Definitions.assign(value, to: key, in: table)
        return key
    }

    /// A bare, quoted or dotted key, with the whitespace around it and its dots.
    private mutating func parseKey() throws(TOMLError) -> [KeyPart] {
        var parts: [KeyPart] = []
        while true {
            cursor.skipWhitespace()
            let start = cursor.position
            guard let next = cursor.peek() else { throw cursor.error("expected a key, found end of file") }
            let name: String
            if next == "\"" || next == "'" {
                if cursor.atMultilineDelimiter() {
                    throw cursor.error("a multi-line string cannot be a key; use \(next == "\"" ? "\"...\"" : "'...'")")
                }
                name = try cursor.readString()
            } else if isBareKeyCharacter(next) {
                var scalars = String.UnicodeScalarView()
                while let scalar = cursor.peek(), isBareKeyCharacter(scalar) {
                    scalars.append(scalar)
                    cursor.advance()
                }
                name = String(scalars)
            } else {
                let after = parts.isEmpty ? "" : " after '\(parts.display).'"
                throw cursor.error("expected a key\(after) (bare keys use A-Z a-z 0-9 _ -), found \(describe(next))")
            }
            parts.append(KeyPart(name: name, position: start))
            cursor.skipWhitespace()
            guard cursor.consume(".") else { return parts }
        }
    }

    /// Any value, at its first character; `depth` is how many tables and arrays enclose it.
    private mutating func parseValue(depth: Int) throws(TOMLError) -> TOMLValue {
        guard let next = cursor.peek() else { throw cursor.error("expected a value, found end of file") }
        switch next {
        case "\"", "'":
            return .string(try cursor.readString())
        case "[", "{":
            guard depth <= TableNode.maximumDepth else {
                throw cursor.error("tables and arrays are nested more than \(TableNode.maximumDepth) levels deep")
            }
            return next == "[" ? try parseArray(depth: depth) : try parseInlineTable(depth: depth)
        default:
            return try parseScalarToken()
        }
    }

    /// Booleans, numbers and date-times: one run of `A-Z a-z 0-9 _ + - . :` (and the space of `1979-05-27 07:32:00`).
    private mutating func parseScalarToken() throws(TOMLError) -> TOMLValue {
        let start = cursor.position
        var token: [UInt8] = []
        while let scalar = cursor.peek() {
            if isTokenCharacter(scalar) {
                token.append(UInt8(scalar.value))
                cursor.advance()
            } else if scalar == " ", isDate(token), let digit = cursor.peek(1), ("0"..."9").contains(digit) {
                token.append(UInt8(ascii: " "))
                cursor.advance()
            } else {
                break
            }
        }
        guard let first = token.first else {
            throw cursor.error(
                "expected a value (string, number, boolean, date-time, array or inline table), found \(describe(cursor.peek()))")
        }
        if token.elementsEqual("true".utf8) { return .boolean(true) }
        if token.elementsEqual("false".utf8) { return .boolean(false) }
        if isDateOrTime(token) { return try DateTimeLiteral.parse(token, at: start) }
        let text = String(decoding: token, as: UTF8.self)
        let signless = first == UInt8(ascii: "+") || first == UInt8(ascii: "-") ? token.dropFirst() : token[...]
        let isLetter = signless.first.map { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20) } ?? false
        if isLetter && !signless.elementsEqual("inf".utf8) && !signless.elementsEqual("nan".utf8) {
            throw TOMLError(
                "expected a value (string, number, boolean, date-time, array or inline table), found '\(text)'"
                    + " (booleans are lower-case true and false; strings need quotes)",
                at: start)
        }
        return try NumberLiteral.parse(token, at: start)
    }

    /// `[ value, value, ... ]`, over any number of lines, with comments, and an optional trailing comma.
    private mutating func parseArray(depth: Int) throws(TOMLError) -> TOMLValue {
        let start = cursor.position
        cursor.advance()
        var elements: [TOMLValue] = []
        while true {
            try cursor.skipWhitespaceCommentsAndNewlines()
            if cursor.consume("]") { return .array(elements) }
            if cursor.peek(is: ",") {
                throw cursor.error("expected a value or ']' in the array opened at \(start), found ','")
            }
            if cursor.isAtEnd { throw cursor.error("expected a value or ']' to close the array opened at \(start), found end of file") }
            elements.append(try parseValue(depth: depth + 1))
            try cursor.skipWhitespaceCommentsAndNewlines()
            if cursor.consume("]") { return .array(elements) }
            guard cursor.consume(",") else {
                throw cursor.error(
                    "expected ',' or ']' after an element of the array opened at \(start), found \(describe(cursor.peek()))")
            }
        }
    }

    /// `{ key = value, ... }` on one line, without a trailing comma; closed once written.
    private mutating func parseInlineTable(depth: Int) throws(TOMLError) -> TOMLValue {
        let start = cursor.position
        cursor.advance()
        let table = TableNode(origin: .root, depth: depth)
        cursor.skipWhitespace()
        if cursor.consume("}") { return .table(table.snapshot()) }
        while true {
            try refuseLineBreak(in: start)
            _ = try parseKeyValue(into: table)
            cursor.skipWhitespace()
            if cursor.consume("}") { return .table(table.snapshot()) }
            try refuseLineBreak(in: start)
            guard cursor.consume(",") else {
                throw cursor.error(
                    "expected ',' or '}' in the inline table opened at \(start), found \(describe(cursor.peek()))")
            }
            cursor.skipWhitespace()
            if cursor.peek(is: "}") {
                throw cursor.error("a trailing comma is not allowed in an inline table; expected a key after ','")
            }
        }
    }

    private mutating func refuseLineBreak(in start: TOMLPosition) throws(TOMLError) {
        cursor.skipWhitespace()
        if cursor.isAtEnd {
            throw cursor.error("expected '}' to close the inline table opened at \(start), found end of file")
        }
        if try cursor.atNewline() || cursor.peek(is: "#") {
            throw cursor.error(
                "expected '}' to close the inline table opened at \(start) on the same line, found \(describe(cursor.peek()))"
                    + " (an inline table must stay on one line)")
        }
    }
}

private func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
    isBareKeyCharacter(scalar) || scalar == "+" || scalar == "." || scalar == ":"
}

/// `DDDD-DD-DD` exactly, the date that a space may separate from its time.
private func isDate(_ token: [UInt8]) -> Bool {
    guard token.count == 10 else { return false }
    return token.enumerated().allSatisfy { offset, byte in
        offset == 4 || offset == 7 ? byte == UInt8(ascii: "-") : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

/// A token that can only be meant as a date or time: it has a ':' or a '-' right after a digit (`1979-`, `07:32`),
/// which no number has.
private func isDateOrTime(_ token: [UInt8]) -> Bool {
    for (offset, byte) in token.enumerated() {
        if byte == UInt8(ascii: ":") { return true }
        if byte == UInt8(ascii: "-"), offset > 0, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(token[offset - 1]) {
            return true
        }
    }
    return false
}
