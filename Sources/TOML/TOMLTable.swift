/// A TOML table: its keys in the order the document defined them, their values, and where each was defined.
///
/// Two tables are equal when they hold the same keys with equal values; neither the order of the keys
/// nor the positions take part, so a table built in a test compares equal to a decoded one.
public struct TOMLTable: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// The keys in document order.
    public private(set) var keys: [String] = []
    private var entries: [String: Entry] = [:]

    private struct Entry: Sendable, Equatable {
        var value: TOMLValue
        var position: TOMLPosition?

        /// Entries compare by value alone.
        static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.value == rhs.value }
    }

    public init() {}

    /// A table with these entries and no positions. A repeated key keeps its first place and its last value.
    public init(dictionaryLiteral elements: (String, TOMLValue)...) {
        for (key, value) in elements {
            append(key, value, at: nil)
        }
    }

    public subscript(key: String) -> TOMLValue? { entries[key]?.value }

    /// Where the key was defined: for a table made by a header such as `[a.b]`, the header's `[`
    /// (for an implicitly made parent such as `a`, the first header that named it, until `[a]` itself
    /// defines it); for a key of a key/value pair, dotted or not, the start of that key's own part; for an
    /// array of tables, its first `[[...]]` header. Nil for a key the table does not have, or one
    /// added without a position.
    public func position(of key: String) -> TOMLPosition? { entries[key]?.position }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// Adds a key, or replaces the value and position of one it has (the parser never does).
    mutating func append(_ key: String, _ value: TOMLValue, at position: TOMLPosition?) {
        if entries.updateValue(Entry(value: value, position: position), forKey: key) == nil { keys.append(key) }
    }

    public static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool {
        lhs.entries == rhs.entries
    }
}
