import Foundation

/// Reads the test cases out of what Django's runner (`manage.py test --verbosity 2`, unittest's verbose
/// output) prints: one `test_x (app.tests.Case.test_x) ... ok` line per test (a docstring's first line may
/// stand between the name and the ` ... `), then a block per failure or error, headed
/// `FAIL: test_x (app.tests.Case.test_x)`, holding its traceback. Python before 3.11 prints the class
/// without the method: `(app.tests.Case)`; both are read.
enum DjangoTestOutput {
    /// The cases, in the order they ran; empty when the runner found none (`Ran 0 tests`); nil when it
    /// ran tests but printed no line for them (a `TEST_RUNNER` of its own, such as unittest-xml-reporting's,
    /// which prints dots whatever `--verbosity` says): the counts are then unknown, not zero.
    static func testCases(from output: String, sourceRoot: String, workingDirectory: String? = nil) -> [TestCaseReport]? {
        let lines = ReportText.lines(output).map(String.init)
        let paths = RepositoryPaths(sourceRoot: sourceRoot, workingDirectory: workingDirectory)
        var cases: [TestCaseReport] = []
        var index = 0
        while index < lines.count {
            guard let (name, dotted, rest) = header(lines[index]) else {
                index += 1
                continue
            }
            var status = verdict(in: rest)
            if status == nil, index + 1 < lines.count, header(lines[index + 1]) == nil {
                status = verdict(in: lines[index + 1])
                if status != nil { index += 1 }
            }
            index += 1
            guard let (outcome, message) = status else { continue }
            cases.append(TestCaseReport(
                classname: classname(dotted, name: name), name: name, durationSeconds: 0, outcome: outcome,
                message: message))
        }
        for (heading, text) in failureBlocks(lines) {
            guard let (name, dotted, _) = header(heading),
                let at = cases.firstIndex(where: { $0.name == name && $0.classname == classname(dotted, name: name) && $0.text == nil })
            else { continue }
            cases[at].text = text
            let last = ReportText.lines(text).last { !$0.allSatisfy(\.isWhitespace) }.map(String.init)
            cases[at].message = cases[at].message ?? last
            if let (file, line) = location(in: text, module: classname(dotted, name: name), paths: paths) {
                cases[at].file = file
                cases[at].line = line
            }
        }
        if cases.isEmpty, let ran = output.range(of: #"(?m)^Ran [0-9]+ tests? in"#, options: .regularExpression),
            !output[ran].hasPrefix("Ran 0 ")
        {
            return nil
        }
        return cases
    }

    /// `NAME (DOTTED)` and what follows, for a line that starts a test's entry.
    private static func header(_ line: String) -> (String, String, String)? {
        guard let match = line.range(of: #"^([A-Za-z_][A-Za-z0-9_.]*) \(([A-Za-z_][A-Za-z0-9_.]*)\)"#, options: .regularExpression)
        else { return nil }
        let head = line[match]
        guard let open = head.firstIndex(of: "(") else { return nil }
        let name = String(head[..<open].dropLast())
        let dotted = String(head[head.index(after: open)..<head.index(before: head.endIndex)])
        return (name, dotted, String(line[match.upperBound...]))
    }

    /// The ` ... ok` (`FAIL`, `ERROR`, `skipped 'why'`, `expected failure`, `unexpected success`) a line ends with.
    private static func verdict(in text: String) -> (TestCaseReport.Outcome, String?)? {
        guard let dots = text.range(of: " ... ", options: .backwards) else { return nil }
        let word = text[dots.upperBound...].trimmingCharacters(in: .whitespaces)
        switch word {
        case "ok", "expected failure": return (.passed, nil)
        case "FAIL": return (.failed, nil)
        case "unexpected success": return (.failed, "unexpected success")
        case "ERROR": return (.error, nil)
        default:
            guard word.hasPrefix("skipped") else { return nil }
            let reason = word.dropFirst("skipped".count).trimmingCharacters(in: CharacterSet(charactersIn: " '\""))
            return (.skipped, reason.isEmpty ? nil : reason)
        }
    }

    /// `app.tests.Case` from `app.tests.Case.test_x` (Python 3.11+) or `app.tests.Case` (before).
    private static func classname(_ dotted: String, name: String) -> String {
        dotted.hasSuffix("." + name) ? String(dotted.dropLast(name.count + 1)) : dotted
    }

    /// Each `FAIL: …` / `ERROR: …` block: its heading (without the verdict) and its text up to the next
    /// block or the final rule.
    private static func failureBlocks(_ lines: [String]) -> [(String, String)] {
        let rule = String(repeating: "=", count: 70)
        let thin = String(repeating: "-", count: 70)
        var blocks: [(String, String)] = []
        var index = 0
        while index < lines.count {
            guard lines[index] == rule, index + 1 < lines.count else {
                index += 1
                continue
            }
            let heading = lines[index + 1]
            guard let colon = heading.range(of: ": "), ["FAIL", "ERROR", "UNEXPECTED SUCCESS"].contains(heading[..<colon.lowerBound])
            else {
                index += 1
                continue
            }
            var body: [String] = []
            var cursor = index + 2
            while cursor < lines.count, lines[cursor] != thin { cursor += 1 }
            cursor += 1
            while cursor < lines.count, lines[cursor] != rule, lines[cursor] != thin {
                body.append(lines[cursor])
                cursor += 1
            }
            while body.last?.isEmpty == true { body.removeLast() }
            blocks.append((String(heading[colon.upperBound...]), body.joined(separator: "\n")))
            index = cursor
        }
        return blocks
    }

    /// The last `File "PATH", line N` of the traceback in the test's module, else in any `tests` module.
    private static func location(in text: String, module: String, paths: RepositoryPaths) -> (String, Int)? {
        var inModule: (String, Int)?
        var inTests: (String, Int)?
        for line in ReportText.lines(text) {
            guard let match = line.range(of: #"^\s*File "([^"]+\.py)", line ([0-9]+)"#, options: .regularExpression) else { continue }
            let found = line[match]
            guard let firstQuote = found.firstIndex(of: "\""),
                let secondQuote = found[found.index(after: firstQuote)...].firstIndex(of: "\""),
                let number = Int(found.split(separator: " ").last ?? "")
            else { continue }
            let path = String(found[found.index(after: firstQuote)..<secondQuote])
            guard let relative = paths.relativeToWorkingDirectory(path) else { continue }
            let dotted = relative.dropLast(3).replacingOccurrences(of: "/", with: ".")
            if module == dotted || module.hasPrefix(dotted + ".") {
                inModule = (paths.repositoryPath(relative), number)
            } else if relative.split(separator: "/").contains(where: { $0 == "tests.py" || $0 == "tests" || $0.hasPrefix("test_") }) {
                inTests = (paths.repositoryPath(relative), number)
            }
        }
        return inModule ?? inTests
    }
}
