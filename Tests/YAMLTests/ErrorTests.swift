import Testing

@testable import YAML

/// What the reader refuses, with the file, line and column of the cause.
@Suite struct ErrorTests {
    @Test func theDescriptionNamesFileLineAndColumn() {
        let error = failure("repos:\n- repo: x\n  rev: &v 1.0\n", file: ".pre-commit-config.yaml")
        #expect(error?.description == ".pre-commit-config.yaml:3:8: anchors (&name) are not supported: write the value out")
    }

    @Test(arguments: [
        ("a: &x 1\n", 1, 4, "anchors (&name) are not supported"),
        ("a: 1\nb: *x\n", 2, 4, "aliases (*name) are not supported"),
        ("a: !!str 1\n", 1, 4, "tags (!tag) are not supported"),
        ("a: [1, *x]\n", 1, 8, "aliases (*name) are not supported"),
        ("- &anchor\n  a: 1\n", 1, 3, "anchors (&name) are not supported"),
        ("&k key: 1\n", 1, 1, "anchors (&name) are not supported"),
        ("? complex\n: value\n", 1, 1, "complex keys"),
        ("%YAML 1.2\n---\na: 1\n", 1, 1, "directives"),
        ("a: 1\n---\nb: 2\n", 2, 1, "a second document"),
    ])
    func unsupportedConstructsAreErrorsAtTheirPlace(text: String, line: Int, column: Int, message: String) {
        let error = failure(text)
        #expect(error?.line == line, "\(String(describing: error))")
        #expect(error?.column == column, "\(String(describing: error))")
        #expect(error?.message.hasPrefix(message) == true, "\(String(describing: error))")
    }

    @Test(arguments: [
        ("a: 1\n  b: 2\n", 2, 3, "unexpected 'key:' inside a value"),
        ("a: x: 1\n", 1, 4, "a value with ': ' in it must be quoted"),
        ("a:\n  b: 1\n   c: 2\n", 3, 4, "unexpected 'key:' inside a value"),
        ("a:\n  b: 1\n c: 2\n", 3, 2, "unexpected indentation"),
        ("a: 1\na: 2\n", 2, 1, "the key 'a' appears twice"),
        ("a: {x: 1, x: 2}\n", 1, 11, "the key 'x' appears twice"),
        ("a: [1, 2\n", 1, 4, "the '[' opened at 1:4 is never closed with ']'"),
        ("a: [1, 2\nb: 3\n", 2, 1, "expected ',' or ']' in the sequence opened at 1:4"),
        ("a: [1, 2}\n", 1, 9, "expected ',' or ']'"),
        ("a: \"open\n", 1, 4, "the string opened at 1:4 is never closed"),
        ("a: 'open\n\n", 1, 4, "the string opened at 1:4 is never closed"),
        ("a: \"\\q\"\n", 1, 5, "unknown escape '\\q'"),
        ("a: \"\\u12\"\n", 1, 5, "'\\u' needs 4 hexadecimal digits"),
        ("a: \"x\" y\n", 1, 8, "unexpected text after the value"),
        ("a: |x\n  b\n", 1, 5, "expected '+', '-' or an indentation digit"),
        ("a: | b\n", 1, 6, "a block scalar's text starts on the next line"),
        ("a:\n\tb: 1\n", 2, 1, "a tab in indentation"),
        ("a: @x\n", 1, 4, "a plain value cannot start with '@'"),
        ("- a\nb: 1\n", 2, 1, "unexpected content"),
        ("a:\n  - x\n  y: 1\n", 3, 3, "unexpected indentation"),
    ])
    func malformedDocumentsAreErrorsAtTheirPlace(text: String, line: Int, column: Int, message: String) {
        let error = failure(text)
        #expect(error?.line == line, "\(String(describing: error))")
        #expect(error?.column == column, "\(String(describing: error))")
        #expect(error?.message.hasPrefix(message) == true, "\(String(describing: error))")
    }
}
