import Foundation

/// Decodes TOML 1.0.0 documents into ``TOMLTable`` values.
public enum TOMLDecoder {
    /// Parses a whole document. `file`, if given, names it in the error's `description`.
    public static func parse(_ text: String, file: String? = nil) throws(TOMLError) -> TOMLTable {
        try parse(scalars: Array(text.unicodeScalars), file: file)
    }

    /// Parses a document from its bytes, which must be UTF-8 (a byte order mark may open it); the error for
    /// an invalid byte sequence points at the character where it starts.
    public static func parse(_ data: Data, file: String? = nil) throws(TOMLError) -> TOMLTable {
        if let text = String(validating: data, as: UTF8.self) {
            return try parse(text, file: file)
        }
        // Decode again, one scalar at a time, to find where the invalid sequence starts.
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(data.count)
        var bytes = data.makeIterator()
        var decoder = Unicode.UTF8()
        var position = TOMLPosition(line: 1, column: 1)
        while true {
            switch decoder.decode(&bytes) {
            case .scalarValue(let scalar):
                scalars.append(scalar)
                if scalar == "\n" {
                    position.line += 1
                    position.column = 1
                } else {
                    position.column += 1
                }
            case .emptyInput:
                return try parse(scalars: scalars, file: file)  // Not reached: the data was not valid UTF-8.
            case .error:
                throw TOMLError("invalid UTF-8: a TOML document must be encoded in UTF-8", at: position, file: file)
            }
        }
    }

    private static func parse(scalars: [Unicode.Scalar], file: String?) throws(TOMLError) -> TOMLTable {
        var parser = Parser(scalars)
        do {
            return try parser.parseDocument()
        } catch {
            var named = error
            named.file = file
            throw named
        }
    }
}
