import Foundation
import Testing

@testable import WorkflowsKit

@Suite struct GivingUpRunnerTests {
    final class Reports: @unchecked Sendable {
        let lock = NSLock()
        var lines: [String] = []
        func add(_ line: String) { lock.withLock { lines.append(line) } }
    }

    /// A base runner whose `docker ps` runs out of its time limit.
    struct TimingOut: ProcessRunning {
        let recording = RecordingRunner()
        func run(_ command: Command) async throws -> ProcessOutput { try runBlocking(command) }
        func runBlocking(_ command: Command) throws -> ProcessOutput {
            let output = try recording.runBlocking(command)
            if command.arguments.first == "ps" {
                throw ProcessTimedOut(executable: command.executable, seconds: 30, output: output)
            }
            return output
        }
    }

    @Test func afterOneTimeOutTheSameProgramIsNotAskedAgain() async throws {
        let base = TimingOut()
        let reports = Reports()
        let runner = GivingUpRunner(base) { reports.add($0) }
        #expect(try runner.runBlocking(Command("docker", ["image", "ls"])).succeeded)
        #expect(throws: ProcessTimedOut.self) { try runner.runBlocking(Command("docker", ["ps", "--all"])) }
        #expect(throws: GivingUpRunner.GaveUp(executable: "docker")) { try runner.runBlocking(Command("docker", ["rm", "x"])) }
        await #expect(throws: GivingUpRunner.GaveUp(executable: "docker")) { try await runner.run(Command("docker", ["version"])) }
        #expect(try runner.runBlocking(Command("git", ["status"])).succeeded, "another program is still asked")
        #expect(base.recording.commands.map(\.arguments) == [["image", "ls"], ["ps", "--all"], ["status"]])
        #expect(reports.lines == [
            "workflows: 'docker ps --all' did not finish within 30 s: the rest of the cleanup does not ask docker "
                + "again. Once the engine answers, 'workflows clean' removes what is left.",
        ])
    }
}
