/// A place in a YAML document. Both numbers start at 1; the column counts characters from the line's start.
public struct YAMLPosition: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`, e.g. `3:7`.
    public var description: String { "\(line):\(column)" }
}

/// How a scalar was written: consumers that care (a plain `true` against a quoted `"true"`) can tell.
public enum YAMLScalarStyle: Sendable, Equatable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// One node of a document, with where it starts and the comment that ends its line.
public struct YAMLNode: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        /// An absent value (`key:`), `null`, `Null`, `NULL` or `~`.
        case null
        /// Every scalar, as text: `24.8.0`, `true` and `3` stay strings; the consumer decides what they mean.
        case scalar(String, YAMLScalarStyle)
        case sequence([YAMLNode])
        /// In document order; keys are unique (a repeated key is an error).
        case mapping([YAMLPair])
    }

    public var content: Content
    public var position: YAMLPosition
    /// The comment after a value on the line where it ends, without `#` and surrounding blanks:
    /// `rev: 1a2b3c  # frozen: v1.2.3` gives `frozen: v1.2.3`. Nil for collections and lines without one.
    public var comment: String?

    public init(_ content: Content, at position: YAMLPosition, comment: String? = nil) {
        self.content = content
        self.position = position
        self.comment = comment
    }

    /// The text of a scalar; nil for null and collections.
    public var string: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    public var isNull: Bool { content == .null }

    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    public var mapping: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The value of `key` in a mapping; nil when absent or when this is no mapping.
    public subscript(key: String) -> YAMLNode? { mapping?.first { $0.key == key }?.value }

    /// The pair of `key` in a mapping, for the key's own position.
    public func pair(_ key: String) -> YAMLPair? { mapping?.first { $0.key == key } }

    /// What the node is, for messages: "a mapping", "a sequence", "a string", "null".
    public var kindName: String {
        switch content {
        case .null: return "null"
        case .scalar: return "a string"
        case .sequence: return "a sequence"
        case .mapping: return "a mapping"
        }
    }
}

/// A key of a mapping (always a scalar here) and its value.
public struct YAMLPair: Sendable, Equatable {
    public var key: String
    public var keyPosition: YAMLPosition
    public var value: YAMLNode

    public init(key: String, keyPosition: YAMLPosition, value: YAMLNode) {
        self.key = key
        self.keyPosition = keyPosition
        self.value = value
    }
}

/// Why a document is not in the subset this reader takes, and where: `description` reads
/// `.pre-commit-config.yaml:3:7: anchors (&name) are not supported: write the value out`.
public struct YAMLError: Error, CustomStringConvertible, Equatable {
    public var file: String?
    public var line: Int
    public var column: Int
    public var message: String

    public init(_ message: String, line: Int, column: Int, file: String? = nil) {
        self.message = message
        self.line = line
        self.column = column
        self.file = file
    }

    public var position: YAMLPosition { YAMLPosition(line: line, column: column) }

    public var description: String {
        let place = "\(line):\(column)"
        return file.map { "\($0):\(place): \(message)" } ?? "\(place): \(message)"
    }
}
