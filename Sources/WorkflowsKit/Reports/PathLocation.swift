/// The `path:line[:column…]: rest` prefix most tools start a line with.
struct PathLocation: Equatable {
    var path: Substring
    /// Line, then column, then (mypy's `--show-error-end`) end line and end column.
    var numbers: [Int]
    /// What follows the location's `: `; empty when the line ends with the location.
    var rest: Substring

    var line: Int? { numbers.first }
    var column: Int? { numbers.count > 1 ? numbers[1] : nil }

    /// The first `:` after a non-empty path that starts one or more `digits:` groups followed by a space
    /// or the end of the line: `pkg/x.py:12:5: E501 …`, `tests/test_x.py:15: AssertionError`, `x.py:1:11`.
    init?(_ line: Substring) {
        var searchFrom = line.startIndex
        while let colon = line[searchFrom...].firstIndex(of: ":") {
            if colon > line.startIndex, let (numbers, rest) = Self.numbers(in: line, after: colon) {
                self.path = line[..<colon]
                self.numbers = numbers
                self.rest = rest
                return
            }
            searchFrom = line.index(after: colon)
        }
        return nil
    }

    private static func numbers(in line: Substring, after colon: Substring.Index) -> ([Int], Substring)? {
        var numbers: [Int] = []
        var index = line.index(after: colon)
        while true {
            let digits = line[index...].prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let number = Int(digits) else { return nil }
            numbers.append(number)
            index = digits.endIndex
            if index == line.endIndex { return (numbers, line[index...]) }
            guard line[index] == ":" else { return nil }
            index = line.index(after: index)
            if index == line.endIndex { return (numbers, line[index...]) }
            if line[index] == " " { return (numbers, line[line.index(after: index)...]) }
        }
    }
}
