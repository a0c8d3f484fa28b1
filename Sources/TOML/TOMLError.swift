/// A place in a TOML document. Both numbers start at 1; the column counts Unicode scalars (code points)
/// from the start of the line, so a tab or an "é" counts as one and an emoji made of several scalars as several.
public struct TOMLPosition: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`, e.g. `3:7`.
    public var description: String { "\(line):\(column)" }
}

/// Why a document is not valid TOML, and where. `description` reads `pyproject.toml:3:7: expected '=' after key 'name'`.
///
/// Clients may make their own, e.g. to report an unknown key at ``TOMLTable/position(of:)``.
public struct TOMLError: Error, CustomStringConvertible, Equatable {
    /// The file named to the decoder, if any; it only prefixes `description`.
    public var file: String?
    public var line: Int
    public var column: Int
    /// What was wrong, saying what was expected; it has no position in it.
    public var message: String

    public init(_ message: String, line: Int, column: Int, file: String? = nil) {
        self.message = message
        self.line = line
        self.column = column
        self.file = file
    }

    public init(_ message: String, at position: TOMLPosition, file: String? = nil) {
        self.init(message, line: position.line, column: position.column, file: file)
    }

    public var position: TOMLPosition { TOMLPosition(line: line, column: column) }

    public var description: String {
        let place = "\(line):\(column)"
        return file.map { "\($0):\(place): \(message)" } ?? "\(place): \(message)"
    }
}
