import Testing

@testable import YAML

/// Parses a document that must be valid, recording an issue (and returning nil) if it is not.
func read(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> YAMLNode? {
    do {
        return try YAMLReader.parse(text)
    } catch {
        Issue.record("unexpected error: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The error for a document that must be refused, recording an issue if it parses.
func failure(_ text: String, file: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> YAMLError? {
    do {
        let node = try YAMLReader.parse(text, file: file)
        Issue.record("expected an error, got \(String(describing: node))", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// A node as plain Swift values, so that tests compare whole structures: strings, nil (`NSNull`-free),
/// arrays and `[key, value]` pair lists.
indirect enum Plain: Equatable, CustomStringConvertible {
    case null
    case string(String)
    case list([Plain])
    case map([(String, Plain)])

    static func == (left: Plain, right: Plain) -> Bool { left.description == right.description }

    var description: String {
        switch self {
        case .null: return "null"
        case .string(let text): return "\"\(text)\""
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .map(let pairs): return "{" + pairs.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
        }
    }
}

extension YAMLNode {
    var plain: Plain {
        switch content {
        case .null: return .null
        case .scalar(let text, _): return .string(text)
        case .sequence(let items): return .list(items.map(\.plain))
        case .mapping(let pairs): return .map(pairs.map { ($0.key, $0.value.plain) })
        }
    }
}
