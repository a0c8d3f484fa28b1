import Foundation

/// Reads the YAML that configuration files such as `.pre-commit-config.yaml` and `compose.yaml` use: block
/// mappings and sequences, flow sequences and mappings (over several lines too), plain, single- and
/// double-quoted scalars (with escapes and line folding), literal and folded block scalars (`|`, `>`, with
/// chomping and indentation indicators), and comments (kept on the value they end). Anchors, aliases, tags,
/// complex keys, directives and several documents are errors at their line and column; nothing is typed
/// (every scalar is text).
public enum YAMLReader {
    /// The document's root node; nil for an empty document. `file`, if given, names it in errors.
    public static func parse(_ text: String, file: String? = nil) throws(YAMLError) -> YAMLNode? {
        var body = text
        if body.hasPrefix("\u{FEFF}") { body.removeFirst() }
        body = body.replacingOccurrences(of: "\r\n", with: "\n")
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        var parser = BlockParser(lines: lines)
        do {
            return try parser.parseDocument()
        } catch {
            var named = error
            named.file = file
            throw named
        }
    }
}

/// The block structure, a line at a time; flow collections and quoted scalars may run over several lines
/// (`Scanner` reads those). Indentation is counted in spaces; a tab there is an error.
struct BlockParser {
    var lines: [[Character]]
    /// The first line after the document (a second `---` or `...`), so that the blocks stop before it.
    var end: Int
    /// The next line not yet consumed.
    var next = 0

    init(lines: [[Character]]) {
        self.lines = lines
        end = lines.count
    }

    // MARK: lines

    func error(_ message: String, _ line: Int, _ column: Int) -> YAMLError {
        YAMLError(message, line: line + 1, column: column + 1)
    }

    /// Leading spaces; a tab among them is an error.
    func indent(_ line: Int) throws(YAMLError) -> Int {
        var count = 0
        for character in lines[line] {
            if character == " " {
                count += 1
            } else if character == "\t" {
                throw error("a tab in indentation: indent with spaces", line, count)
            } else {
                break
            }
        }
        return count
    }

    /// True when the rest of `line` from `column` is blanks and perhaps a comment.
    func isBlank(_ line: Int, from column: Int) -> Bool {
        var index = column
        let characters = lines[line]
        while index < characters.count, characters[index] == " " || characters[index] == "\t" { index += 1 }
        return index == characters.count || characters[index] == "#"
    }

    func firstNonBlank(_ line: Int, from column: Int) -> Int {
        var index = column
        while index < lines[line].count, lines[line][index] == " " || lines[line][index] == "\t" { index += 1 }
        return index
    }

    /// The comment of `line` starting at or after `column` (a `#` after a blank or at the start), if any.
    func comment(_ line: Int, from column: Int) -> String? {
        let characters = lines[line]
        var index = column
        while index < characters.count, characters[index] == " " || characters[index] == "\t" { index += 1 }
        guard index < characters.count, characters[index] == "#" else { return nil }
        return String(characters[(index + 1)...]).trimmingCharacters(in: .whitespaces)
    }

    /// The first line at or after `line` that holds more than blanks and a comment.
    func contentLine(from line: Int) -> Int? {
        var index = line
        while index < end {
            if !isBlank(index, from: 0) { return index }
            index += 1
        }
        return nil
    }

    func isMarker(_ line: Int, _ marker: String) -> Bool {
        let text = lines[line]
        guard text.starts(with: Array(marker)) else { return false }
        return text.count == 3 || text[3] == " " || text[3] == "\t"
    }

    func character(_ line: Int, _ column: Int) -> Character? {
        column < lines[line].count ? lines[line][column] : nil
    }

    func startsEntry(_ line: Int, _ column: Int) -> Bool {
        character(line, column) == "-" && (column + 1 == lines[line].count || [" ", "\t"].contains(character(line, column + 1)))
    }

    // MARK: the document

    mutating func parseDocument() throws(YAMLError) -> YAMLNode? {
        var first = contentLine(from: 0)
        if let line = first, character(line, 0) == "%" {
            throw error("directives (%YAML, %TAG) are not supported", line, 0)
        }
        if let line = first, isMarker(line, "---") {
            guard isBlank(line, from: 3) else { throw error("content after '---' on its line is not supported", line, 4) }
            first = contentLine(from: line + 1)
        }
        guard let start = first else { return nil }
        for line in start..<lines.count where isMarker(line, "---") || isMarker(line, "...") {
            if isMarker(line, "---") {
                throw error("a second document ('---'): only one document is read", line, 0)
            }
            end = line
            break
        }
        guard let line = contentLine(from: start) else { return nil }
        let root = try node(line, try indent(line), parent: -1)
        if let extra = contentLine(from: next) {
            throw error("unexpected content: check its indentation", extra, try indent(extra))
        }
        return root
    }

    /// The node whose first character is at `line`, `column`, inside a block indented `parent` spaces.
    mutating func node(_ line: Int, _ column: Int, parent: Int) throws(YAMLError) -> YAMLNode {
        if startsEntry(line, column) { return try sequence(line, column) }
        if character(line, column) == "?", [" ", "\t", nil].contains(character(line, column + 1)) {
            throw error("complex keys ('? ') are not supported", line, column)
        }
        if try keyEnd(line, column) != nil { return try mapping(line, column) }
        return try inlineValue(line, column, parent: parent)
    }

    /// Where the `:` of a key starting at `column` is, when `line` holds `key: …` there.
    func keyEnd(_ line: Int, _ column: Int) throws(YAMLError) -> Int? {
        let characters = lines[line]
        var index = column
        if let quote = character(line, column), quote == "\"" || quote == "'" {
            var scanner = Scanner(lines: lines, line: line, column: column)
            guard (try? scanner.quoted()) != nil, scanner.line == line else { return nil }
            index = scanner.column
            while index < characters.count, characters[index] == " " { index += 1 }
            let isKey = index < characters.count && characters[index] == ":"
                && (index + 1 == characters.count || [" ", "\t"].contains(characters[index + 1]))
            return isKey ? index : nil
        }
        if ["[", "{", "#"].contains(characters[column]) { return nil }
        while index < characters.count {
            let character = characters[index]
            if character == ":", index + 1 == characters.count || [" ", "\t"].contains(characters[index + 1]) {
                return index
            }
            if character == "#", index > column, [" ", "\t"].contains(characters[index - 1]) { return nil }
            index += 1
        }
        return nil
    }

    // MARK: block collections

    mutating func mapping(_ firstLine: Int, _ indent: Int) throws(YAMLError) -> YAMLNode {
        var pairs: [YAMLPair] = []
        var line = firstLine
        var column = indent
        while true {
            guard let colon = try keyEnd(line, column) else {
                throw error("expected 'key: value' in the mapping that starts at line \(firstLine + 1)", line, column)
            }
            let key: String
            if let quote = character(line, column), quote == "\"" || quote == "'" {
                var scanner = Scanner(lines: lines, line: line, column: column)
                key = try scanner.quoted()
            } else {
                if let marker = character(line, column), ["&", "*", "!"].contains(marker) {
                    throw unsupported(marker, line, column)
                }
                key = String(lines[line][column..<colon]).trimmingCharacters(in: .whitespaces)
            }
            let keyPosition = YAMLPosition(line: line + 1, column: column + 1)
            if pairs.contains(where: { $0.key == key }) {
                throw error("the key '\(key)' appears twice in this mapping", line, column)
            }
            let value: YAMLNode
            var start = colon + 1
            while let blank = character(line, start), blank == " " || blank == "\t" { start += 1 }
            if isBlank(line, from: start) {
                value = try blockValue(after: line, parent: indent, sequenceAtParent: true, comment: comment(line, from: start))
            } else {
                value = try inlineValue(line, start, parent: indent)
            }
            pairs.append(YAMLPair(key: key, keyPosition: keyPosition, value: value))
            guard let following = contentLine(from: next) else { break }
            let depth = try self.indent(following)
            if depth < indent { break }
            if depth > indent { throw error("unexpected indentation: this line is deeper than the key above", following, depth) }
            if startsEntry(following, depth) { break }
            line = following
            column = depth
        }
        return YAMLNode(.mapping(pairs), at: YAMLPosition(line: firstLine + 1, column: indent + 1))
    }

    mutating func sequence(_ firstLine: Int, _ indent: Int) throws(YAMLError) -> YAMLNode {
        var items: [YAMLNode] = []
        var line = firstLine
        while true {
            var start = indent + 1
            while let blank = character(line, start), blank == " " || blank == "\t" { start += 1 }
            if isBlank(line, from: start) {
                items.append(try blockValue(after: line, parent: indent, sequenceAtParent: false, comment: comment(line, from: start)))
            } else {
                items.append(try node(line, start, parent: indent))
            }
            guard let following = contentLine(from: next) else { break }
            let depth = try self.indent(following)
            if depth < indent { break }
            if depth > indent { throw error("unexpected indentation: this line is deeper than the entry above", following, depth) }
            guard startsEntry(following, depth) else { break }
            line = following
        }
        return YAMLNode(.sequence(items), at: YAMLPosition(line: firstLine + 1, column: indent + 1))
    }

    /// The value of `key:` or `-` with nothing after it on its line: the deeper block below, a sequence at
    /// the key's own indentation (`key:` then `- a`), or null.
    mutating func blockValue(after line: Int, parent: Int, sequenceAtParent: Bool, comment: String?) throws(YAMLError) -> YAMLNode {
        next = line + 1
        let empty = YAMLNode(.null, at: YAMLPosition(line: line + 1, column: lines[line].count + 1), comment: comment)
        guard let following = contentLine(from: line + 1) else { return empty }
        let depth = try indent(following)
        if depth > parent { return try node(following, depth, parent: parent) }
        if depth == parent, sequenceAtParent, startsEntry(following, depth) { return try sequence(following, depth) }
        return empty
    }

    // MARK: values that start on a line

    func unsupported(_ marker: Character, _ line: Int, _ column: Int) -> YAMLError {
        switch marker {
        case "&": return error("anchors (&name) are not supported: write the value out", line, column)
        case "*": return error("aliases (*name) are not supported: write the value out", line, column)
        default: return error("tags (!tag) are not supported: write the plain value", line, column)
        }
    }

    /// A scalar or flow collection starting at `line`, `column`; a plain scalar continues on deeper lines.
    mutating func inlineValue(_ line: Int, _ column: Int, parent: Int) throws(YAMLError) -> YAMLNode {
        let position = YAMLPosition(line: line + 1, column: column + 1)
        let first = lines[line][column]
        switch first {
        case "&", "*", "!":
            throw unsupported(first, line, column)
        case "|", ">":
            return try blockScalar(line, column, parent: parent)
        case "[", "{", "\"", "'":
            var scanner = Scanner(lines: lines, line: line, column: column, end: end)
            let value = try scanner.flowNode()
            guard isBlank(scanner.line, from: scanner.column) else {
                throw error("unexpected text after the value", scanner.line, firstNonBlank(scanner.line, from: scanner.column))
            }
            next = scanner.line + 1
            var node = value
            node.comment = comment(scanner.line, from: scanner.column)
            return node
        case "@", "`", "%":
            throw error("a plain value cannot start with '\(first)': quote it", line, column)
        default:
            break
        }
        var (text, commentText) = plainLine(line, column)
        if text.contains(": ") || text.hasSuffix(":") {
            throw error("a value with ': ' in it must be quoted (or the line's indentation is wrong)", line, column)
        }
        var blanks = 0
        var index = line + 1
        next = index
        while index < end {
            if lines[index].allSatisfy({ $0 == " " || $0 == "\t" }) {
                blanks += 1
                index += 1
                continue
            }
            let depth = try indent(index)
            guard depth > parent, lines[index][depth] != "#" else { break }
            let (more, moreComment) = plainLine(index, depth)
            if more.contains(": ") || more.hasSuffix(":") {
                throw error("unexpected 'key:' inside a value: check the indentation", index, depth)
            }
            text += blanks == 0 ? " " + more : String(repeating: "\n", count: blanks) + more
            commentText = moreComment
            blanks = 0
            index += 1
            next = index
        }
        if ["null", "Null", "NULL", "~"].contains(text) { return YAMLNode(.null, at: position, comment: commentText) }
        return YAMLNode(.scalar(text, .plain), at: position, comment: commentText)
    }

    /// The plain text of `line` from `column` up to a comment, without trailing blanks, and the comment.
    func plainLine(_ line: Int, _ column: Int) -> (String, String?) {
        let characters = lines[line]
        var index = column
        while index < characters.count {
            if characters[index] == "#", index > column, [" ", "\t"].contains(characters[index - 1]) { break }
            index += 1
        }
        let text = String(characters[column..<index]).trimmingCharacters(in: .whitespaces)
        return (text, index < characters.count ? comment(line, from: index) : nil)
    }

    /// `|` or `>`, with `+`/`-` chomping and an indentation digit in either order, then the deeper lines.
    mutating func blockScalar(_ line: Int, _ column: Int, parent: Int) throws(YAMLError) -> YAMLNode {
        let characters = lines[line]
        let folded = characters[column] == ">"
        var chomping: Character = " "
        var explicitIndent: Int?
        var index = column + 1
        while index < characters.count, characters[index] != " ", characters[index] != "\t" {
            let indicator = characters[index]
            if (indicator == "+" || indicator == "-") && chomping == " " {
                chomping = indicator
            } else if let digit = indicator.wholeNumberValue, (1...9).contains(digit), explicitIndent == nil {
                explicitIndent = digit
            } else {
                throw error("expected '+', '-' or an indentation digit after '\(characters[column])'", line, index)
            }
            index += 1
        }
        guard isBlank(line, from: index) else {
            throw error(
                "a block scalar's text starts on the next line; only a comment may follow '\(characters[column])'", line,
                firstNonBlank(line, from: index))
        }
        var contentIndent = explicitIndent.map { max(parent, 0) + $0 }
        var body: [String] = []
        var current = line + 1
        while current < end {
            let text = lines[current]
            let spaces = text.prefix { $0 == " " }.count
            if text.allSatisfy({ $0 == " " || $0 == "\t" }) {
                body.append(contentIndent.map { text.count > $0 ? String(text[$0...]) : "" } ?? "")
                current += 1
                continue
            }
            if contentIndent == nil {
                guard spaces > parent else { break }
                contentIndent = spaces
            }
            guard let depth = contentIndent, spaces >= depth else { break }
            body.append(String(text[depth...]))
            current += 1
        }
        next = current
        while let last = body.last, last.isEmpty {
            body.removeLast()
        }
        let trailing = (current - line - 1) - body.count
        var text = folded ? Self.fold(body) : body.joined(separator: "\n")
        switch chomping {
        case "-": break
        case "+": text += body.isEmpty ? String(repeating: "\n", count: trailing) : "\n" + String(repeating: "\n", count: trailing)
        default: if !body.isEmpty { text += "\n" }
        }
        return YAMLNode(
            .scalar(text, folded ? .folded : .literal), at: YAMLPosition(line: line + 1, column: column + 1),
            comment: comment(line, from: index))
    }

    /// Folded scalar lines: a single line break between two text lines is a space, empty lines are line
    /// breaks, and lines that start with a blank ("more indented") keep their breaks.
    static func fold(_ lines: [String]) -> String {
        var result = ""
        var previousIsText = false
        var empty = 0
        var first = true
        for line in lines {
            if line.isEmpty {
                empty += 1
                continue
            }
            let moreIndented = line.first == " " || line.first == "\t"
            if first {
                result += String(repeating: "\n", count: empty)
            } else if previousIsText && !moreIndented {
                result += empty == 0 ? " " : String(repeating: "\n", count: empty)
            } else {
                result += String(repeating: "\n", count: empty + 1)
            }
            result += line
            previousIsText = !moreIndented
            empty = 0
            first = false
        }
        return result
    }
}
