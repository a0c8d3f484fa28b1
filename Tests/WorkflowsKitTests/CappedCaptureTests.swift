import Foundation
import Testing

@testable import WorkflowsKit

/// A child's captured output is capped at 8 MB, kept as head and tail, and no finding is lost to the cap.
@Suite struct CappedCaptureTests {
    func lines(_ count: Int, _ text: (Int) -> String) -> Data {
        Data((0..<count).map { text($0) + "\n" }.joined().utf8)
    }

    @Test func outputWithinTheLimitIsKeptWhole() {
        var capture = CappedCapture(limit: 1000)
        let data = lines(20) { "line \($0)" }
        capture.append(data)
        #expect(capture.data == data)
    }

    @Test func overTheLimitHeadAndTailStayAndTheFindingsOfTheMiddleToo() throws {
        var capture = CappedCapture(limit: 4000)
        let noise = lines(2000) { $0 == 1000 ? "svc/api.py:12:5: F401 'os' imported but unused" : "noise line \($0)" }
        // In chunks of odd sizes, as pipes deliver them.
        var offset = 0
        while offset < noise.count {
            let size = min(777, noise.count - offset)
            capture.append(noise.subdata(in: offset..<(offset + size)))
            offset += size
        }
        let kept = String(decoding: capture.data, as: UTF8.self)
        #expect(capture.data.count < 4000 * 2)
        #expect(kept.hasPrefix("noise line 0\n"))
        #expect(kept.hasSuffix("noise line 1999\n"))
        #expect(kept.contains("svc/api.py:12:5: F401 'os' imported but unused"))
        #expect(kept.contains("workflows cut"))
        #expect(kept.contains("1 of those lines looked like findings"))
        #expect(!kept.contains("noise line 1000\n"))
    }

    @Test(arguments: [
        ("app/models.py:3:1: E302 expected 2 blank lines", true),
        ("src/pkg/mod.py:40: error: Incompatible return value", true),
        ("C:12: something", true),
        ("    at line 12: indented", false),
        ("===== 3 passed in 0.2s =====", false),
        ("http://127.0.0.1:8000/health", false),
        ("", false),
    ])
    func findingsAreRecognised(line: String, expected: Bool) {
        #expect(CappedCapture.looksLikeFinding(Data(line.utf8)) == expected)
    }

    /// The real runner: 20 MB on stdout keep the capture near 8 MB, and the one finding in the middle.
    @Test func theRunnerCapsWhatItCaptures() async throws {
        let script = """
            import sys
            out = sys.stdout
            for i in range(200000):
                out.write("x" * 100 + "\\n")
                if i == 100000:
                    out.write("svc/deep.py:7:1: E999 the finding in the middle\\n")
            """
        let output = try await FoundationProcessRunner().run(Command("python3", ["-c", script]))
        #expect(output.termination == .exited(0))
        #expect(output.standardOutput.count < CappedCapture.defaultLimit + 1 << 20)
        #expect(output.standardOutput.count > CappedCapture.defaultLimit / 2)
        #expect(output.outputText.contains("svc/deep.py:7:1: E999 the finding in the middle"))
    }
}
