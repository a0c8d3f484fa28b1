/// Reads the findings out of each linter's default output, as the versions the project pins print it
/// (black 26, isort 9, flake8 7, mypy 2, ruff 0.17; the tests hold their real output). Lines that are
/// not findings (summaries, notes, source snippets, fix hints) are passed over; a line a parser does
/// not recognise is not a finding, so an unexpected format loses findings, never invents them.
enum FindingParsers {
    /// The findings in a gate's whole output (stdout and stderr together), with paths relative to the
    /// repository root. pytest has none: its failures come from its JUnit XML (`PytestJUnit`).
    static func findings(
        for gate: Gate, output: String, sourceRoot: String, workingDirectory: String? = nil
    ) -> [Finding] {
        let paths = RepositoryPaths(sourceRoot: sourceRoot, workingDirectory: workingDirectory)
        let lines = ReportText.lines(output)
        switch gate {
        case .black: return black(lines, paths)
        case .isort: return isort(lines, paths)
        case .flake8: return flake8(lines, paths)
        case .mypy: return mypy(lines, paths)
        case .ruff, .ruffFormat: return ruff(lines, paths)
        case .hadolint: return hadolint(lines, paths)
        case .pytest, .django: return []
        }
    }

    /// `would reformat PATH`; `error: cannot parse: PATH:LINE:COLUMN` (then the source and the parser's
    /// error); older blacks' `error: cannot format PATH: MESSAGE`.
    static func black(_ lines: [Substring], _ paths: RepositoryPaths) -> [Finding] {
        var findings: [Finding] = []
        for (index, line) in lines.enumerated() {
            if let path = line.dropPrefix("would reformat ") {
                findings.append(Finding(file: paths.repositoryPath(String(path)), message: "would reformat"))
            } else if let located = line.dropPrefix("error: cannot parse: "), let location = PathLocation(located) {
                // The parser's own error follows the source line and its caret, at the start of a line.
                let detail = lines.dropFirst(index + 1).prefix(4).first { !$0.hasPrefix(" ") && $0.contains("Error: ") }
                findings.append(Finding(
                    file: paths.repositoryPath(String(location.path)), line: location.line, column: location.column,
                    message: "cannot parse" + (detail.map { ": " + $0 } ?? "")))
            } else if let rest = line.dropPrefix("error: cannot format "), let colon = rest.range(of: ": ") {
                findings.append(Finding(
                    file: paths.repositoryPath(String(rest[..<colon.lowerBound])),
                    message: "cannot format: " + rest[colon.upperBound...]))
            }
        }
        return findings
    }

    /// `ERROR: PATH Imports are incorrectly sorted and/or formatted.`
    static func isort(_ lines: [Substring], _ paths: RepositoryPaths) -> [Finding] {
        lines.compactMap { line in
            guard let rest = line.dropPrefix("ERROR: "),
                let verdict = rest.range(of: " Imports are incorrectly sorted")
            else { return nil }
            return Finding(
                file: paths.repositoryPath(String(rest[..<verdict.lowerBound])),
                message: String(rest[rest.index(after: verdict.lowerBound)...]))
        }
    }

    /// `PATH:LINE:COLUMN: CODE message`.
    static func flake8(_ lines: [Substring], _ paths: RepositoryPaths) -> [Finding] {
        lines.compactMap { line in
            guard let location = PathLocation(line), !location.rest.isEmpty else { return nil }
            let (code, message) = splitCode(location.rest)
            return Finding(
                file: paths.repositoryPath(String(location.path)), line: location.line, column: location.column,
                code: code, message: message)
        }
    }

    /// `PATH:LINE[:COLUMN]: error: message  [code]`, and `PATH: error: message` for whole-file errors.
    /// Notes and the `Found N errors` line are not findings.
    static func mypy(_ lines: [Substring], _ paths: RepositoryPaths) -> [Finding] {
        lines.compactMap { line in
            let path: Substring
            let numbers: [Int]
            let rest: Substring
            if let location = PathLocation(line) {
                (path, numbers, rest) = (location.path, location.numbers, location.rest)
            } else if let marker = line.range(of: ": error: "), marker.lowerBound > line.startIndex {
                (path, numbers, rest) = (line[..<marker.lowerBound], [], line[line.index(marker.lowerBound, offsetBy: 2)...])
            } else {
                return nil
            }
            guard var message = rest.dropPrefix("error: ") else { return nil }
            var code: String?
            if message.hasSuffix("]"), let open = message.range(of: "  [", options: .backwards) {
                code = String(message[open.upperBound..<message.index(before: message.endIndex)])
                message = message[..<open.lowerBound]
            }
            return Finding(
                file: paths.repositoryPath(String(path)), line: numbers.first,
                column: numbers.count > 1 ? numbers[1] : nil, code: code, message: String(message))
        }
    }

    /// `ruff check` and `ruff format --check`. The default ("full") format: a header line
    /// (`F401 [*] message`, `invalid-syntax: message`, `unformatted: File would be reformatted`) and on
    /// the next line ` --> PATH:LINE:COLUMN`, then a source snippet. The concise format:
    /// `PATH:LINE:COLUMN: CODE [*] message`. Older ruffs' `ruff format --check`: `Would reformat: PATH`.
    static func ruff(_ lines: [Substring], _ paths: RepositoryPaths) -> [Finding] {
        var findings: [Finding] = []
        for (index, line) in lines.enumerated() {
            if let located = line.drop(while: { $0 == " " }).dropPrefix("--> ") {
                guard index > 0, let header = ruffHeader(lines[index - 1]), let location = PathLocation(located)
                else { continue }
                findings.append(Finding(
                    file: paths.repositoryPath(String(location.path)), line: location.line, column: location.column,
                    code: header.code, message: header.message))
            } else if let path = line.dropPrefix("Would reformat: ") {
                findings.append(Finding(file: paths.repositoryPath(String(path)), message: "would reformat"))
            } else if !line.hasPrefix(" "), let location = PathLocation(line), location.column != nil,
                !location.rest.isEmpty
            {
                let header = ruffHeader(location.rest) ?? (nil, String(location.rest))
                findings.append(Finding(
                    file: paths.repositoryPath(String(location.path)), line: location.line, column: location.column,
                    code: header.code, message: header.message))
            }
        }
        return findings
    }

    /// hadolint's default (tty) format, colours stripped: `PATH:LINE CODE LEVEL: message` (`DL3008`, and
    /// ShellCheck's `SC2086` in `RUN`); a Dockerfile it cannot parse: `PATH:LINE:COLUMN message`, which its
    /// JSON format calls `DL1000`, an error.
    static func hadolint(_ lines: [Substring], _ paths: RepositoryPaths) -> [Finding] {
        lines.compactMap { raw in
            let line = raw.replacing(#/\x1B\[[0-9;]*m/#, with: "")
            guard let match = line.wholeMatch(of: #/(.+?):([0-9]+)(?::([0-9]+))? (.+)/#), let number = Int(match.2)
            else { return nil }
            let file = paths.repositoryPath(String(match.1))
            let rest = match.4.trimmingCharacters(in: .whitespaces)
            if let column = match.3.flatMap({ Int($0) }) {
                return Finding(file: file, line: number, column: column, code: "DL1000", message: rest, level: "error")
            }
            guard let finding = rest.wholeMatch(of: #/([A-Z]+[0-9]+) (error|warning|info|style): (.*)/#),
                isRuleCode(finding.1)
            else { return nil }
            return Finding(file: file, line: number, code: String(finding.1), message: String(finding.3), level: String(finding.2))
        }
    }

    /// A ruff diagnostic's first line: a rule code and its message, or a lower-case kind and a colon.
    /// `unformatted` (ruff format) has no rule, so no code.
    static func ruffHeader(_ line: Substring) -> (code: String?, message: String)? {
        guard let space = line.firstIndex(of: " ") else { return nil }
        let token = line[..<space]
        var message = line[line.index(after: space)...]
        if token.hasSuffix(":") {
            let kind = token.dropLast()
            guard let first = kind.first, first.isLowercase,
                kind.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") })
            else { return nil }
            return (kind == "unformatted" ? nil : String(kind), String(message))
        }
        guard isRuleCode(token) else { return nil }
        if let unprefixed = message.dropPrefix("[*] ") { message = unprefixed }
        return (String(token), String(message))
    }

    /// `F401`, `E501`, `UP035`, `SIM102`: capital letters, then digits.
    static func isRuleCode(_ token: Substring) -> Bool {
        let letters = token.prefix { $0.isASCII && $0.isUppercase }
        let digits = token.dropFirst(letters.count)
        return !letters.isEmpty && !digits.isEmpty && digits.allSatisfy { $0.isASCII && ($0.isNumber || $0.isUppercase) }
    }

    /// `CODE message` into its parts; the whole text is the message when it starts with no code.
    private static func splitCode(_ text: Substring) -> (String?, String) {
        guard let space = text.firstIndex(of: " "), isRuleCode(text[..<space]) else { return (nil, String(text)) }
        return (String(text[..<space]), String(text[text.index(after: space)...]))
    }
}

extension Substring {
    /// The rest after `prefix`, or nil when the text does not start with it.
    func dropPrefix(_ prefix: String) -> Substring? {
        hasPrefix(prefix) ? dropFirst(prefix.count) : nil
    }
}
