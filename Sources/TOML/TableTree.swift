/// The document's tables while it is being parsed, with what the redefinition rules need to know:
/// how each table came to be. Turned into ``TOMLTable`` values at the end.
final class TableNode {
    enum Origin {
        /// The root, or an inline table's own top level.
        case root
        /// Made as the parent of a header's table, e.g. `a` for `[a.b]`; a later `[a]` may still define it once.
        case implicit
        /// Defined by its own `[header]`.
        case header
        /// Made by a dotted key such as `a.b = 1`; only dotted keys may add to it, and headers may pass through it.
        case dotted
        /// One element of an array of tables, made by `[[header]]`.
        case arrayElement
    }

    enum Entry {
        /// A value that nothing may extend: a scalar, a static array `[...]` or an inline table `{...}`.
        case value(TOMLValue)
        case table(TableNode)
        case tableArray(TableArray)
    }

    /// The elements of an array of tables; a class so that `[[a]]` can append in place.
    final class TableArray {
        var elements: [TableNode] = []
    }

    var origin: Origin
    /// How many tables and arrays enclose this one; the root is 0.
    let depth: Int
    private var keys: [String] = []
    private var entries: [String: (entry: Entry, position: TOMLPosition)] = [:]

    init(origin: Origin, depth: Int) {
        self.origin = origin
        self.depth = depth
    }

    /// The deepest nesting of tables and arrays a document may have. The parser, `snapshot()`, equality and the
    /// JSON writer all recurse once per level, so this keeps a hostile document from overflowing the stack.
    static let maximumDepth = 128

    /// A new table one level below `parent`, if that is not too deep.
    static func child(of parent: TableNode, origin: Origin, at position: TOMLPosition) throws(TOMLError) -> TableNode {
        guard parent.depth < maximumDepth else {
            throw TOMLError("tables and arrays are nested more than \(maximumDepth) levels deep", at: position)
        }
        return TableNode(origin: origin, depth: parent.depth + 1)
    }

    subscript(key: String) -> Entry? { entries[key]?.entry }

    func position(of key: String) -> TOMLPosition? { entries[key]?.position }

    func add(_ key: String, _ entry: Entry, at position: TOMLPosition) {
        if entries.updateValue((entry, position), forKey: key) == nil { keys.append(key) }
    }

    /// Records where an implicitly made table was finally defined by its own header.
    func redefine(positionOf key: String, as position: TOMLPosition) {
        entries[key]?.position = position
    }

    /// The finished table, recursively.
    func snapshot() -> TOMLTable {
        var table = TOMLTable()
        for key in keys {
            guard let (entry, position) = entries[key] else { continue }
            let value: TOMLValue
            switch entry {
            case .value(let plain): value = plain
            case .table(let node): value = .table(node.snapshot())
            case .tableArray(let array): value = .array(array.elements.map { .table($0.snapshot()) })
            }
            table.append(key, value, at: position)
        }
        return table
    }
}

/// One part of a (possibly dotted, possibly quoted) key, and where it starts.
struct KeyPart {
    let name: String
    let position: TOMLPosition
}

extension [KeyPart] {
    /// The key as a document would write it: bare parts as they are, others quoted.
    var display: String {
        map { part in
            if !part.name.isEmpty && part.name.unicodeScalars.allSatisfy(isBareKeyCharacter) { return part.name }
            var quoted = "\""
            for scalar in part.name.unicodeScalars {
                switch scalar {
                case "\"": quoted += "\\\""
                case "\\": quoted += "\\\\"
                default: quoted += isControl(scalar) ? "\\u\(hex(scalar.value))" : String(Character(scalar))
                }
            }
            return quoted + "\""
        }.joined(separator: ".")
    }
}

/// The redefinition rules of TOML 1.0.0, applied as keys and headers arrive.
enum Definitions {
    /// `a.b.c = value` inside `table`: `a` and `b` are made as dotted tables, or must be dotted tables already;
    /// `c` must be new.
    static func assign(_ value: TOMLValue, to key: [KeyPart], in table: TableNode) throws(TOMLError) {
        guard let last = key.last else { return }
        var current = table
        for (offset, part) in key.dropLast().enumerated() {
            var path: String { Array(key[...offset]).display }
            switch current[part.name] {
            case nil:
                let made = try TableNode.child(of: current, origin: .dotted, at: part.position)
                current.add(part.name, .table(made), at: part.position)
                current = made
            case .table(let node) where node.origin == .dotted:
                current = node
            case .table:
                let header = current.position(of: part.name).map { " at \($0)" } ?? ""
                throw TOMLError(
                    "cannot add to table '\(path)' with dotted keys: it belongs to the table header\(header)",
                    at: part.position)
            case .tableArray:
                throw TOMLError(
                    "cannot add to array of tables '\(path)' with dotted keys\(at(current, part.name))", at: part.position)
            case .value(let existing):
                throw TOMLError(
                    "cannot add key '\(key.display)': '\(path)' is already \(article(existing))\(at(current, part.name))"
                        + (existing.tableValue != nil ? ", and inline tables cannot be extended" : ""),
                    at: part.position)
            }
        }
        if current[last.name] != nil {
            throw TOMLError("duplicate key '\(key.display)'\(firstDefined(current, last.name))", at: last.position)
        }
        current.add(last.name, .value(value), at: last.position)
    }

    /// `[a.b.c]` at `position`: the table it defines, made anew or an implicit one defined now.
    static func defineTable(_ key: [KeyPart], at position: TOMLPosition, in root: TableNode) throws(TOMLError) -> TableNode {
        let (parent, last) = try parentForHeader(key, at: position, in: root)
        switch parent[last.name] {
        case nil:
            let made = try TableNode.child(of: parent, origin: .header, at: position)
            parent.add(last.name, .table(made), at: position)
            return made
        case .table(let node) where node.origin == .implicit:
            node.origin = .header
            parent.redefine(positionOf: last.name, as: position)
            return node
        case .table(let node):
            let how = node.origin == .dotted ? " by dotted keys" : ""
            let first = parent.position(of: last.name).map { " at \($0)" } ?? ""
            throw TOMLError("duplicate table [\(key.display)]: already defined\(how)\(first)", at: position)
        case .tableArray:
            throw TOMLError(
                "cannot define table [\(key.display)]: it is already an array of tables\(at(parent, last.name))", at: position)
        case .value(let existing):
            throw TOMLError(
                "cannot define table [\(key.display)]: key '\(key.display)' is already \(article(existing))\(at(parent, last.name))",
                at: position)
        }
    }

    /// `[[a.b.c]]` at `position`: a new element appended to the array of tables, made if need be.
    static func appendTable(_ key: [KeyPart], at position: TOMLPosition, in root: TableNode) throws(TOMLError) -> TableNode {
        let (parent, last) = try parentForHeader(key, at: position, in: root)
        let element = try TableNode.child(of: parent, origin: .arrayElement, at: position)
        switch parent[last.name] {
        case nil:
            let array = TableNode.TableArray()
            array.elements.append(element)
            parent.add(last.name, .tableArray(array), at: position)
        case .tableArray(let array):
            array.elements.append(element)
        case .table:
            throw TOMLError(
                "cannot define array of tables [[\(key.display)]]: '\(key.display)' is already a table\(at(parent, last.name))",
                at: position)
        case .value(let existing):
            let what = existing.arrayValue != nil ? "a static array, which cannot be extended" : article(existing)
            throw TOMLError(
                "cannot define array of tables [[\(key.display)]]: key '\(key.display)' is already \(what)\(at(parent, last.name))",
                at: position)
        }
        return element
    }

    /// Walks a header's key but its last part: missing tables are made implicitly; an array of tables leads to
    /// its last element; a value (inline tables included) stops it.
    private static func parentForHeader(
        _ key: [KeyPart], at position: TOMLPosition, in root: TableNode
    ) throws(TOMLError) -> (TableNode, KeyPart) {
        guard let last = key.last else { throw TOMLError("expected a key in the table header", at: position) }
        var current = root
        for (offset, part) in key.dropLast().enumerated() {
            switch current[part.name] {
            case nil:
                let made = try TableNode.child(of: current, origin: .implicit, at: position)
                current.add(part.name, .table(made), at: position)
                current = made
            case .table(let node):
                current = node
            case .tableArray(let array):
                guard let element = array.elements.last else { throw TOMLError("empty array of tables", at: position) }
                current = element
            case .value(let existing):
                let path = Array(key[...offset]).display
                throw TOMLError(
                    "cannot define table [\(key.display)]: key '\(path)' is already \(article(existing))\(at(current, part.name))"
                        + (existing.tableValue != nil ? ", and inline tables cannot be extended" : ""),
                    at: position)
            }
        }
        return (current, last)
    }

    /// " (defined at 3:1)", or nothing if the position is unknown.
    private static func at(_ table: TableNode, _ key: String) -> String {
        table.position(of: key).map { " (defined at \($0))" } ?? ""
    }

    private static func firstDefined(_ table: TableNode, _ key: String) -> String {
        table.position(of: key).map { " (first defined at \($0))" } ?? ""
    }

    /// "a string", "an integer", "an inline table"...
    private static func article(_ value: TOMLValue) -> String {
        if value.tableValue != nil { return "an inline table" }
        let name = value.typeName
        return (name.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + name
    }
}
