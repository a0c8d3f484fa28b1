import Foundation
import Testing

@testable import WorkflowsKit

/// Each gate's parser against its tool's real output (`RealOutputs`).
@Suite struct ReportsFindingParsersTests {
    func findings(_ gate: Gate, _ output: String, sourceRoot: String = "app") -> [Finding] {
        FindingParsers.findings(
            for: gate, output: output, sourceRoot: sourceRoot, workingDirectory: ReportSamples.workingDirectory)
    }

    @Test func black() {
        #expect(findings(.black, RealOutputs.black) == [
            Finding(file: "app/pkg/syntax.py", line: 1, column: 11, message: "cannot parse: ParseError: bad input"),
            Finding(file: "app/top.py", message: "would reformat"),
            Finding(file: "app/pkg/bad.py", message: "would reformat"),
        ])
        #expect(findings(.black, RealOutputs.blackClean).isEmpty)
    }

    @Test func blackBeforeVersion24SaidCannotFormat() {
        let output = "error: cannot format src/x.py: Cannot parse: 1:11: def broken(:\nOh no! 💥 💔 💥\n"
        #expect(findings(.black, output, sourceRoot: ".") == [
            Finding(file: "src/x.py", message: "cannot format: Cannot parse: 1:11: def broken(:")
        ])
    }

    @Test func isort() {
        #expect(findings(.isort, RealOutputs.isort) == [
            Finding(file: "app/pkg/bad.py", message: "Imports are incorrectly sorted and/or formatted."),
            Finding(file: "app/top.py", message: "Imports are incorrectly sorted and/or formatted."),
        ])
        #expect(findings(.isort, "").isEmpty)
    }

    @Test func flake8() {
        let found = findings(.flake8, RealOutputs.flake8)
        #expect(found.count == 10)
        #expect(found.first == Finding(file: "app/top.py", line: 1, column: 1, code: "F401", message: "'os' imported but unused"))
        #expect(found.contains(Finding(
            file: "app/pkg/bad.py", line: 16, column: 80, code: "E501", message: "line too long (108 > 79 characters)")))
        #expect(found.contains(Finding(
            file: "app/pkg/syntax.py", line: 1, column: 13, code: "E999", message: "SyntaxError: invalid syntax")))
        #expect(found.last?.file == "app/tests/test_broken.py")
    }

    @Test func mypyErrorsAreFindingsButNotNotesOrTheCount() {
        #expect(findings(.mypy, RealOutputs.mypy) == [
            Finding(
                file: "app/tests/test_broken.py", line: 1, code: "import-not-found",
                message: "Cannot find implementation or library stub for module named \"nonexistent_module_xyz\""),
            Finding(
                file: "app/pkg/bad.py", line: 12, code: "return-value",
                message: "Incompatible return value type (got \"int\", expected \"str\")"),
            Finding(
                file: "app/pkg/bad.py", line: 12, code: "arg-type",
                message: "Argument 1 to \"add\" has incompatible type \"str\"; expected \"int\""),
            Finding(
                file: "app/pkg/bad.py", line: 15, code: "list-item",
                message: "List item 0 has incompatible type \"str\"; expected \"int\""),
        ])
        #expect(findings(.mypy, RealOutputs.mypyClean).isEmpty)
    }

    @Test func mypyWithColumnNumbers() {
        let found = findings(.mypy, RealOutputs.mypyColumns)
        #expect(found.map(\.column) == [1, 12, 16, 17])
        #expect(found.map(\.line) == [1, 12, 12, 15])
        #expect(found.map(\.code) == ["import-not-found", "return-value", "arg-type", "list-item"])
    }

    @Test func mypySyntaxErrorsAndWholeFileErrors() {
        #expect(findings(.mypy, RealOutputs.mypySyntax).map(\.message) == [
            "Expected a parameter or the end of the parameter list", "Expected `)`, found newline",
        ])
        let whole = "pkg/a.py: error: Duplicate module named \"a\" (also at \"pkg/b.py\")\n"
        #expect(findings(.mypy, whole) == [
            Finding(file: "app/pkg/a.py", message: "Duplicate module named \"a\" (also at \"pkg/b.py\")")
        ])
        // With --show-error-end: line, column, end line, end column.
        let ends = "pkg/bad.py:12:12:12:25: error: Incompatible return value type  [return-value]\n"
        #expect(findings(.mypy, ends).first?.column == 12)
    }

    @Test func ruffCheckFullFormat() {
        let found = findings(.ruff, RealOutputs.ruff)
        #expect(found.count == 12)
        #expect(found[0] == Finding(
            file: "app/pkg/bad.py", line: 1, column: 1, code: "I001", message: "Import block is un-sorted or un-formatted"))
        #expect(found[3] == Finding(
            file: "app/pkg/bad.py", line: 3, column: 1, code: "UP035",
            message: "`typing.List` is deprecated, use `list` instead"))
        #expect(found[4] == Finding(
            file: "app/pkg/bad.py", line: 11, column: 5, code: "F841",
            message: "Local variable `unused` is assigned to but never used"))
        #expect(found[6] == Finding(
            file: "app/pkg/syntax.py", line: 1, column: 12, code: "invalid-syntax",
            message: "Expected a parameter or the end of the parameter list"))
        #expect(findings(.ruff, RealOutputs.ruffClean).isEmpty)
    }

    @Test func ruffCheckConciseFormatFindsTheSame() {
        #expect(findings(.ruff, RealOutputs.ruffConcise) == findings(.ruff, RealOutputs.ruff))
    }

    @Test func ruffFormatCheck() {
        let expected = [
            Finding(file: "app/pkg/bad.py", line: 7, column: 13, message: "File would be reformatted"),
            Finding(
                file: "app/pkg/syntax.py", line: 1, column: 12, code: "invalid-syntax",
                message: "Expected a parameter or the end of the parameter list"),
            Finding(file: "app/top.py", line: 1, column: 11, message: "File would be reformatted"),
        ]
        #expect(findings(.ruffFormat, RealOutputs.ruffFormat) == expected)
        #expect(findings(.ruffFormat, RealOutputs.ruffFormatConcise) == expected)
        #expect(findings(.ruffFormat, RealOutputs.ruffFormatClean).isEmpty)
    }

    @Test func ruffFormatBefore017SaidWouldReformat() {
        let output = "Would reformat: pkg/bad.py\nWould reformat: ./top.py\n2 files would be reformatted\n"
        #expect(findings(.ruffFormat, output) == [
            Finding(file: "app/pkg/bad.py", message: "would reformat"), Finding(file: "app/top.py", message: "would reformat"),
        ])
    }

    @Test func pytestHasNoFindingsItsTestsAreInItsJUnit() {
        #expect(findings(.pytest, "FAILED tests/test_x.py::test_a - assert 1 == 2").isEmpty)
    }

    @Test func coloursAndCarriageReturnsDoNotHideFindings() {
        let output = "\u{1B}[1mpkg/bad.py\u{1B}[0m\u{1B}[36m:\u{1B}[0m1\u{1B}[36m:\u{1B}[0m1: F401 'os' imported\r\n"
        #expect(findings(.flake8, output) == [
            Finding(file: "app/pkg/bad.py", line: 1, column: 1, code: "F401", message: "'os' imported")
        ])
    }

    @Test func pathsBecomeRepositoryPaths() {
        let paths = RepositoryPaths(sourceRoot: "app", workingDirectory: "/srv/")
        #expect(paths.repositoryPath("pkg/x.py") == "app/pkg/x.py")
        #expect(paths.repositoryPath("./pkg/x.py") == "app/pkg/x.py")
        #expect(paths.repositoryPath("/srv/pkg/x.py") == "app/pkg/x.py")
        #expect(paths.repositoryPath("/srvx/pkg/x.py") == "/srvx/pkg/x.py")
        #expect(paths.repositoryPath("/usr/lib/python3/x.py") == "/usr/lib/python3/x.py")
        let atRoot = RepositoryPaths(sourceRoot: ".", workingDirectory: "/home/app")
        #expect(atRoot.repositoryPath("./pkg/x.py") == "pkg/x.py")
        #expect(atRoot.repositoryPath("/home/app/pkg/x.py") == "pkg/x.py")
        #expect(RepositoryPaths(sourceRoot: "./src/", workingDirectory: "/").repositoryPath("/x.py") == "src/x.py")
        #expect(RepositoryPaths(sourceRoot: "app").repositoryPath("/srv/x.py") == "/srv/x.py")
    }

    @Test func pathLocations() throws {
        let location = try #require(PathLocation("tests/test_x.py:12: AssertionError"))
        #expect(location.path == "tests/test_x.py" && location.numbers == [12] && location.rest == "AssertionError")
        #expect(PathLocation("x.py:1:11")?.numbers == [1, 11])
        #expect(PathLocation("2026-05-01T09:30:00.5 started") == nil)
        #expect(PathLocation("See https://example.org:8080/x") == nil)
        #expect(PathLocation(":12: nothing") == nil)
    }
}
