import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads the JUnit XML that `pytest --junitxml=FILE -o junit_family=xunit2` writes into test cases.
/// xunit2 has no file or line attributes: a failure's file and line come from its traceback.
enum PytestJUnit {
    /// The arguments that make pytest write its JUnit XML to `path` (a path inside the container).
    static func arguments(writingTo path: String) -> [String] {
        ["--junitxml=\(path)", "-o", "junit_family=xunit2"]
    }

    struct ParseError: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    /// Every `<testcase>` in the document, in order, under `<testsuites>` or a lone `<testsuite>`.
    static func testCases(
        from xml: Data, sourceRoot: String, workingDirectory: String? = nil
    ) throws -> [TestCaseReport] {
        let reader = Reader()
        let parser = XMLParser(data: xml)
        parser.delegate = reader
        guard parser.parse() else {
            let line = parser.lineNumber
            throw ParseError(
                description: "pytest's JUnit XML is not well-formed at line \(line): "
                    + (parser.parserError.map { "\($0.localizedDescription)" } ?? "unknown error"))
        }
        // FoundationXML on Linux accepts a document cut short (pytest killed while writing it).
        guard reader.rootClosed else {
            throw ParseError(description: "pytest's JUnit XML ends before its root element does: it is cut short.")
        }
        let paths = RepositoryPaths(sourceRoot: sourceRoot, workingDirectory: workingDirectory)
        return reader.cases.map { locate($0, paths) }
    }

    /// The test's file and line: the last `PATH:LINE:` at the start of a line of its failure text in the
    /// test's own module (`tests/test_x.py` for classname `tests.test_x` or `tests.test_x.TestClass`),
    /// else in any file named like a test module.
    static func locate(_ testCase: TestCaseReport, _ paths: RepositoryPaths) -> TestCaseReport {
        guard testCase.outcome != .passed, let text = testCase.text else { return testCase }
        // A collection error names the module in `name` and leaves `classname` empty.
        let dotted = testCase.classname.isEmpty ? testCase.name : testCase.classname
        var inModule: (String, Int)?
        var inTestFile: (String, Int)?
        for line in ReportText.lines(text) {
            guard let location = PathLocation(line), location.numbers.count == 1, let number = location.line,
                location.path.hasSuffix(".py"), !location.path.contains(" "),
                let relative = paths.relativeToWorkingDirectory(String(location.path))
            else { continue }
            let module = relative.dropLast(3).replacingOccurrences(of: "/", with: ".")
            if dotted == module || dotted.hasPrefix(module + ".") {
                inModule = (relative, number)
            } else if let name = relative.split(separator: "/").last,
                name.hasPrefix("test_") || name.hasSuffix("_test.py")
            {
                inTestFile = (relative, number)
            }
        }
        guard let (relative, number) = inModule ?? inTestFile else { return testCase }
        var located = testCase
        located.file = paths.repositoryPath(relative)
        located.line = number
        return located
    }

    /// The exception's type from the traceback's last line, `tests/test_x.py:12: AssertionError`.
    static func exceptionType(in text: String) -> String? {
        for line in ReportText.lines(text).reversed() where !line.allSatisfy(\.isWhitespace) {
            guard let location = PathLocation(line), !location.rest.isEmpty,
                location.rest.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." })
            else { return nil }
            return String(location.rest)
        }
        return nil
    }

    /// Collects the test cases as XMLParser reports them; used on one thread, by one parse.
    private final class Reader: NSObject, XMLParserDelegate {
        var cases: [TestCaseReport] = []
        /// The root element ended: the document is whole.
        var rootClosed = false
        private var depth = 0
        private var current: TestCaseReport?
        /// The text of the `failure`, `error` or `skipped` element being read.
        private var text: String?

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?, attributes: [String: String] = [:]
        ) {
            depth += 1
            switch elementName {
            case "testcase":
                current = TestCaseReport(
                    classname: attributes["classname"] ?? "", name: attributes["name"] ?? "",
                    durationSeconds: attributes["time"].flatMap(Double.init) ?? 0, outcome: .passed)
            case "failure", "error", "skipped":
                // The first verdict stands: pytest writes one per test case, and a teardown error its own case.
                guard current?.outcome == .passed else { return }
                current?.outcome = elementName == "failure" ? .failed : elementName == "error" ? .error : .skipped
                current?.message = attributes["message"]
                text = ""
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text? += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            text? += String(decoding: CDATABlock, as: UTF8.self)
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?
        ) {
            depth -= 1
            if depth == 0 { rootClosed = true }
            switch elementName {
            case "failure", "error", "skipped":
                if let text, current?.text == nil, !text.isEmpty { current?.text = text }
                text = nil
            case "testcase":
                if let current { cases.append(current) }
                current = nil
                text = nil
            default:
                break
            }
        }
    }
}
