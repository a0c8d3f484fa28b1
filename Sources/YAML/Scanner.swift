/// Reads the parts of a document that may run over several lines regardless of indentation: flow
/// collections (`[a, b]`, `{k: v}`) and quoted scalars. Starts at a line and column and leaves them just
/// after what it read.
struct Scanner {
    var lines: [[Character]]
    var line: Int
    var column: Int
    var end: Int

    init(lines: [[Character]], line: Int, column: Int, end: Int? = nil) {
        self.lines = lines
        self.line = line
        self.column = column
        self.end = end ?? lines.count
    }

    func error(_ message: String) -> YAMLError {
        YAMLError(message, line: min(line, lines.count - 1) + 1, column: column + 1)
    }

    var position: YAMLPosition { YAMLPosition(line: line + 1, column: column + 1) }

    var current: Character? { line < end && column < lines[line].count ? lines[line][column] : nil }

    func peek(_ offset: Int) -> Character? {
        line < end && column + offset < lines[line].count ? lines[line][column + offset] : nil
    }

    static func isBlank(_ character: Character?) -> Bool { character == " " || character == "\t" }

    /// Blanks, line breaks and comments inside a flow collection; the end of the document is an error.
    mutating func skipSpace(inside opened: YAMLPosition, closer: Character) throws(YAMLError) {
        while line < end {
            let text = lines[line]
            while column < text.count, Self.isBlank(text[column]) { column += 1 }
            if column < text.count, text[column] == "#", column == 0 || Self.isBlank(text[column - 1]) {
                column = text.count
            }
            if column < text.count { return }
            line += 1
            column = 0
        }
        line = end
        column = 0
        throw YAMLError(
            "the '\(closer == "]" ? "[" : "{")' opened at \(opened) is never closed with '\(closer)'",
            line: opened.line, column: opened.column)
    }

    // MARK: flow nodes

    mutating func flowNode() throws(YAMLError) -> YAMLNode {
        let start = position
        guard let first = current else { throw error("expected a value") }
        switch first {
        case "[":
            column += 1
            var items: [YAMLNode] = []
            while true {
                try skipSpace(inside: start, closer: "]")
                if current == "]" { column += 1; break }
                items.append(try flowNode())
                try skipSpace(inside: start, closer: "]")
                if current == "," { column += 1; continue }
                if current == "]" { column += 1; break }
                throw error("expected ',' or ']' in the sequence opened at \(start)")
            }
            return YAMLNode(.sequence(items), at: start)
        case "{":
            column += 1
            var pairs: [YAMLPair] = []
            while true {
                try skipSpace(inside: start, closer: "}")
                if current == "}" { column += 1; break }
                let keyPosition = position
                let key: String
                if current == "\"" || current == "'" {
                    key = try quoted()
                } else {
                    let node = try plain()
                    key = node.string ?? ""
                }
                if pairs.contains(where: { $0.key == key }) {
                    throw YAMLError("the key '\(key)' appears twice in this mapping", line: keyPosition.line, column: keyPosition.column)
                }
                try skipSpace(inside: start, closer: "}")
                var value = YAMLNode(.null, at: position)
                if current == ":" {
                    column += 1
                    try skipSpace(inside: start, closer: "}")
                    if current != ",", current != "}" { value = try flowNode() }
                }
                pairs.append(YAMLPair(key: key, keyPosition: keyPosition, value: value))
                try skipSpace(inside: start, closer: "}")
                if current == "," { column += 1; continue }
                if current == "}" { column += 1; break }
                throw error("expected ',' or '}' in the mapping opened at \(start)")
            }
            return YAMLNode(.mapping(pairs), at: start)
        case "\"", "'":
            let text = try quoted()
            return YAMLNode(.scalar(text, first == "'" ? .singleQuoted : .doubleQuoted), at: start)
        case "&":
            throw error("anchors (&name) are not supported: write the value out")
        case "*":
            throw error("aliases (*name) are not supported: write the value out")
        case "!":
            throw error("tags (!tag) are not supported: write the plain value")
        default:
            return try plain()
        }
    }

    /// A plain scalar inside a flow collection: up to `,`, a bracket, `: `, a comment or the line's end.
    mutating func plain() throws(YAMLError) -> YAMLNode {
        let start = position
        let text = lines[line]
        var index = column
        while index < text.count {
            let character = text[index]
            if [",", "[", "]", "{", "}"].contains(character) { break }
            if character == ":", index + 1 == text.count || [" ", "\t", ",", "]", "}"].contains(text[index + 1]) { break }
            if character == "#", index > column, Self.isBlank(text[index - 1]) { break }
            index += 1
        }
        let value = String(text[column..<index]).trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else { throw error("expected a value, found '\(current.map(String.init) ?? "end of line")'") }
        column = index
        if ["null", "Null", "NULL", "~"].contains(value) { return YAMLNode(.null, at: start) }
        return YAMLNode(.scalar(value, .plain), at: start)
    }

    // MARK: quoted scalars

    /// A single- or double-quoted scalar, its line breaks folded as YAML folds them (one break a space,
    /// each empty line a break).
    mutating func quoted() throws(YAMLError) -> String {
        let quote = lines[line][column]
        let opened = position
        column += 1
        var text = ""
        while true {
            guard line < end else {
                throw YAMLError("the string opened at \(opened) is never closed with \(quote)", line: opened.line, column: opened.column)
            }
            if column >= lines[line].count {
                while let last = text.last, Self.isBlank(last) { text.removeLast() }
                text += try lineBreak(opened: opened, quote: quote)
                continue
            }
            let character = lines[line][column]
            if quote == "'" {
                column += 1
                if character == "'" {
                    if current == "'" {
                        text.append("'")
                        column += 1
                        continue
                    }
                    return text
                }
                text.append(character)
                continue
            }
            column += 1
            if character == "\"" { return text }
            guard character == "\\" else {
                text.append(character)
                continue
            }
            guard let escape = current else {
                // An escaped line break joins the lines without a space.
                _ = try lineBreak(opened: opened, quote: quote)
                continue
            }
            let escapePosition = position
            column += 1
            switch escape {
            case "0": text.append("\0")
            case "a": text.append("\u{07}")
            case "b": text.append("\u{08}")
            case "t", "\t": text.append("\t")
            case "n": text.append("\n")
            case "v": text.append("\u{0B}")
            case "f": text.append("\u{0C}")
            case "r": text.append("\r")
            case "e": text.append("\u{1B}")
            case " ": text.append(" ")
            case "\"": text.append("\"")
            case "/": text.append("/")
            case "\\": text.append("\\")
            case "N": text.append("\u{85}")
            case "_": text.append("\u{A0}")
            case "L": text.append("\u{2028}")
            case "P": text.append("\u{2029}")
            case "x", "u", "U":
                let digits = escape == "x" ? 2 : escape == "u" ? 4 : 8
                let hex = String(lines[line][column..<min(column + digits, lines[line].count)])
                guard hex.count == digits, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                    throw YAMLError(
                        "'\\\(escape)' needs \(digits) hexadecimal digits of a Unicode scalar",
                        line: escapePosition.line, column: escapePosition.column - 1)
                }
                text.unicodeScalars.append(scalar)
                column += digits
            default:
                throw YAMLError("unknown escape '\\\(escape)' in a double-quoted string", line: escapePosition.line, column: escapePosition.column - 1)
            }
        }
    }

    /// Moves past a line break inside a quoted scalar and the blanks that start the next text line; returns
    /// what the break folds to (a space, or one line break per empty line).
    mutating func lineBreak(opened: YAMLPosition, quote: Character) throws(YAMLError) -> String {
        line += 1
        column = 0
        var empty = 0
        while line < end, lines[line].allSatisfy(Self.isBlank) {
            empty += 1
            line += 1
        }
        guard line < end else {
            throw YAMLError("the string opened at \(opened) is never closed with \(quote)", line: opened.line, column: opened.column)
        }
        while let character = current, Self.isBlank(character) { column += 1 }
        return empty == 0 ? " " : String(repeating: "\n", count: empty)
    }
}
