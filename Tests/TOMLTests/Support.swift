import Testing

@testable import TOML

/// Parses a document that must be valid, recording an issue (and returning an empty table) if it is not.
func decode(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TOMLTable {
    do {
        return try TOMLDecoder.parse(text)
    } catch {
        Issue.record("unexpected error: \(error)", sourceLocation: sourceLocation)
        return TOMLTable()
    }
}

/// The error for a document that must be invalid, recording an issue if it parses.
func failure(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TOMLError? {
    do {
        let table = try TOMLDecoder.parse(text)
        Issue.record("expected an error, got \(TOMLTaggedJSON.encode(table))", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// The one value of `value = ...`.
func value(_ toml: String, sourceLocation: SourceLocation = #_sourceLocation) -> TOMLValue? {
    decode("value = \(toml)", sourceLocation: sourceLocation)["value"]
}

extension TOMLValue {
    /// `self[key]` for a table, nil otherwise, so tests can walk nested values.
    subscript(key: String) -> TOMLValue? { tableValue?[key] }
}
