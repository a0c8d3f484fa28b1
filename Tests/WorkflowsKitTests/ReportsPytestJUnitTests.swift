import Foundation
import Testing

@testable import WorkflowsKit

/// pytest 9.0.3's real `--junitxml` output (`-o junit_family=xunit2`), read back.
@Suite struct ReportsPytestJUnitTests {
    func cases(_ fixture: String) throws -> [TestCaseReport] {
        try PytestJUnit.testCases(
            from: try ReportSamples.fixture(fixture), sourceRoot: "app", workingDirectory: ReportSamples.workingDirectory)
    }

    @Test func everyTestCaseWithItsOutcome() throws {
        let tests = try cases("pytest-xunit2.xml")
        #expect(tests.map(\.name) == [
            "test_passes", "test_fails", "test_fails_in_helper", "test_skipped", "test_method_fails", "test_prints",
            "test_error_in_fixture",
        ])
        #expect(tests.map(\.outcome) == [.passed, .failed, .failed, .skipped, .failed, .passed, .error])
        #expect(tests[4].classname == "tests.test_bad.TestGroup")
        #expect(tests[1].durationSeconds == 0.002)
        #expect(tests[0].message == nil && tests[0].text == nil && tests[0].file == nil)
    }

    @Test func aFailureHasItsMessageTextFileAndLine() throws {
        let failed = try cases("pytest-xunit2.xml")[1]
        #expect(failed.message == "assert 1 == 2\n +  where 1 = one()")
        #expect(failed.text?.hasPrefix("def test_fails():\n>       assert one() == 2") == true)
        #expect(failed.file == "app/tests/test_bad.py")
        #expect(failed.line == 15)
    }

    @Test func theLineIsTheTracebacksLastInTheTestFile() throws {
        let tests = try cases("pytest-xunit2.xml")
        // The assertion in a helper of the same module: its line, not the call's.
        #expect(tests[2].line == 7)
        #expect(tests[4].file == "app/tests/test_bad.py" && tests[4].line == 29)
        #expect(tests[4].message == "ValueError: bad & <worse>")
        #expect(tests[6].message == "failed on setup with \"RuntimeError: fixture broke\"" && tests[6].line == 38)
        // A skip names the absolute path in the container: mapped all the same.
        #expect(tests[3].file == "app/tests/test_bad.py" && tests[3].line == 22)
        #expect(tests[3].message == "not today <&>")
    }

    @Test func aCollectionErrorNamesTheModule() throws {
        let tests = try cases("pytest-xunit2-collection-error.xml")
        #expect(tests.count == 1)
        #expect(tests[0].classname == "" && tests[0].name == "tests.test_broken")
        #expect(tests[0].outcome == .error && tests[0].message == "collection failure")
        #expect(tests[0].file == "app/tests/test_broken.py" && tests[0].line == 1)
    }

    @Test func theExceptionTypeIsTheTracebacksLastWord() throws {
        let tests = try cases("pytest-xunit2.xml")
        #expect(PytestJUnit.exceptionType(in: tests[1].text ?? "") == "AssertionError")
        #expect(PytestJUnit.exceptionType(in: tests[4].text ?? "") == "ValueError")
        #expect(PytestJUnit.exceptionType(in: "E   ModuleNotFoundError: No module") == nil)
    }

    @Test func aLoneTestsuiteRootAndCDATAAreRead() throws {
        let xml = """
            <?xml version="1.0"?><testsuite name="pytest" tests="1" failures="1" errors="0">\
            <testcase classname="t.test_a" name="test_x" time="1.5"><failure message="m"><![CDATA[t/test_a.py:3: E]]>\
            </failure><system-out>noise</system-out></testcase></testsuite>
            """
        let tests = try PytestJUnit.testCases(from: Data(xml.utf8), sourceRoot: ".")
        #expect(tests == [
            TestCaseReport(
                classname: "t.test_a", name: "test_x", file: "t/test_a.py", line: 3, durationSeconds: 1.5,
                outcome: .failed, message: "m", text: "t/test_a.py:3: E")
        ])
    }

    @Test func malformedXMLThrows() throws {
        #expect(throws: PytestJUnit.ParseError.self) {
            try PytestJUnit.testCases(from: Data("<testsuites><testcase".utf8), sourceRoot: ".")
        }
        let whole = try ReportSamples.fixture("pytest-xunit2.xml")
        #expect(throws: PytestJUnit.ParseError.self) {
            try PytestJUnit.testCases(from: whole.prefix(whole.count - 30), sourceRoot: ".")
        }
        #expect(throws: PytestJUnit.ParseError.self) {
            try PytestJUnit.testCases(from: Data("not xml".utf8), sourceRoot: ".")
        }
        #expect(throws: PytestJUnit.ParseError.self) {
            try PytestJUnit.testCases(from: Data(), sourceRoot: ".")
        }
    }

    @Test func theArgumentsAskForXunit2() {
        #expect(PytestJUnit.arguments(writingTo: "/tmp/j.xml") == ["--junitxml=/tmp/j.xml", "-o", "junit_family=xunit2"])
    }

    @Test func aGateReportFromPytestCountsItsTests() throws {
        let gate = ReportSamples.gate(.pytest, "output", junit: try ReportSamples.fixture("pytest-xunit2.xml"))
        #expect(gate.counts == GateReport.Counts(findings: 0, tests: 7, failures: 3, errors: 1, skipped: 1))
        let broken = ReportSamples.gate(.pytest, "output", junit: Data("not xml".utf8))
        #expect(broken.tests == nil && broken.counts == GateReport.Counts())
    }
}
