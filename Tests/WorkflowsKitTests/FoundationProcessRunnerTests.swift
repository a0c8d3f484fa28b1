import Foundation
import Testing

@testable import WorkflowsKit

/// The real runner against fixture scripts that misbehave the way real children do.
@Suite(.timeLimit(.minutes(1))) struct FoundationProcessRunnerTests {
    let runner = FoundationProcessRunner()

    func fixture(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)).path
    }

    @Test func drainsMegabytesOnBothStreamsWithoutHanging() async throws {
        let output = try await runner.run(Command("/bin/sh", [try fixture("chatty.sh"), "2048", "3"]))
        #expect(output.termination == .exited(3))
        #expect(output.standardOutput.count == 2048 * 1024)
        #expect(output.standardError.count == 2048 * 1024)
    }

    @Test func aNonZeroExitIsAResultNotAnError() async throws {
        let output = try await runner.run(Command("sh", ["-c", "echo out; echo err >&2; exit 7"]))
        #expect(output.termination == .exited(7))
        #expect(output.outputText == "out")
        #expect(output.errorText == "err")
        #expect(!output.succeeded)
    }

    @Test func findsExecutablesOnPathAndSaysWhenOneIsMissing() async throws {
        let missing = "workflows-no-such-tool-\(UUID().uuidString.prefix(8))"
        await #expect(throws: ProcessLaunchError.notFound(executable: missing, searchPath: "/usr/bin:/bin")) {
            try await FoundationProcessRunner(baseEnvironment: ["PATH": "/usr/bin:/bin"]).run(Command(missing, []))
        }
        let found = try await runner.run(Command("true", []))
        #expect(found.succeeded)
    }

    @Test func passesStandardInputAndClosesIt() async throws {
        let output = try await runner.run(Command("cat", [], standardInput: Data("secret\nline".utf8)))
        #expect(output.outputText == "secret\nline")
    }

    @Test func survivesAChildThatClosesItsStdinEarly() async throws {
        let lots = Data(repeating: 0x61, count: 8 * 1024 * 1024)
        let output = try await runner.run(Command("sh", ["-c", "exec 0<&-; exit 0"], standardInput: lots))
        #expect(output.succeeded)
    }

    @Test func givesTheExplicitEnvironmentAndWorkingDirectory() async throws {
        let folder = try TemporaryFolder.make()
        let output = try await FoundationProcessRunner(baseEnvironment: ["PATH": "/usr/bin:/bin", "KEEP": "kept"])
            .run(Command("sh", ["-c", "echo $KEEP $EXTRA; pwd"], environment: ["EXTRA": "added"],
                         workingDirectory: folder.path))
        let lines = output.outputText.split(separator: "\n").map(String.init)
        #expect(lines.first == "kept added")
        #expect(lines.last.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
            == folder.resolvingSymlinksInPath().path)
    }

    @Test func reportsAChildEndedBySignal() async throws {
        let output = try await runner.run(Command("sh", ["-c", "kill -9 $$"]))
        #expect(output.termination == .signalled(SIGKILL))
    }

    @Test func stopsAChildThatIgnoresTermWithKill() async throws {
        let children = ChildProcesses()
        let runner = FoundationProcessRunner(children: children)
        let script = try fixture("stubborn.sh")
        let ready = try TemporaryFolder.make().appendingPathComponent("ready")
        let task = Task { try await runner.run(Command("/bin/sh", [script, ready.path])) }
        try await waitUntil { FileManager.default.fileExists(atPath: ready.path) && !children.running.isEmpty }
        children.signalAll(SIGTERM)
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(!children.running.isEmpty, "the fixture ignores SIGTERM")
        children.signalAll(SIGKILL)
        let output = try await task.value
        #expect(output.termination == .signalled(SIGKILL))
        #expect(children.running.isEmpty)
    }

    @Test func waitsForASlowExitAndKeepsItsLastWords() async throws {
        let children = ChildProcesses()
        let runner = FoundationProcessRunner(children: children)
        let script = try fixture("slow-exit.sh")
        let ready = try TemporaryFolder.make().appendingPathComponent("ready")
        let task = Task { try await runner.run(Command("/bin/sh", [script, ready.path])) }
        try await waitUntil { FileManager.default.fileExists(atPath: ready.path) && !children.running.isEmpty }
        children.signalAll(SIGTERM)
        let output = try await task.value
        #expect(output.termination == .exited(0))
        #expect(output.outputText.hasSuffix("drained"))
    }

    /// Concurrency's threads block nearly every signal, and a child inherits its launcher's mask: it would
    /// never see a forwarded SIGINT. SIGPIPE must not reach children as ignored either.
    @Test func childrenStartWithNoSignalBlockedAndSIGPIPENotIgnored() async throws {
        // grep reads its own status: a shell would block every signal around its fork and race the read.
        let output = try await runner.run(Command("grep", ["-E", "^Sig(Blk|Ign):", "/proc/self/status"]))
        let fields = Dictionary(uniqueKeysWithValues: output.outputText.split(separator: "\n").map { line in
            let parts = line.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            return (parts[0], UInt64(parts[1], radix: 16) ?? .max)
        })
        #expect(fields["SigBlk"] == 0, "\(output.outputText)")
        let ignored = try #require(fields["SigIgn"])
        #expect(ignored & (1 << (UInt64(SIGPIPE) - 1)) == 0, "SIGPIPE reaches children ignored")
    }

    @Test func runsBlockingOutsideConcurrency() throws {
        let output = try runner.runBlocking(Command("sh", ["-c", "echo blocking"]))
        #expect(output.outputText == "blocking")
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<100 where !condition() { try await Task.sleep(nanoseconds: 20_000_000) }
        try #require(condition())
    }
}
